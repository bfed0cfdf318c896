"""The tutorial's MNIST network trained in PyTorch with TensorFlow's semantics, for issue 4's accuracy bar.

Issue 4 asks for 98.8% test accuracy after 10 epochs with the default seed; the tutorial reports
98.8-99.0% from TensorFlow. One seed's figure moves by tenths of a point with the seed, so this script
gives what a native framework reaches with the same network, data and training over several seeds,
to set beside `MnistExample`'s figures over the same seeds' count (the seeds themselves cannot match:
the two draw their weights and shuffles from different generators).

Kept as TensorFlow does it (TF1's `tf.layers` and `AdamOptimizer`, the tutorial's code):
  - conv 32 3x3 s1 SAME relu, conv 64 3x3 s2 SAME relu, max-pool 2x2 s2 VALID, dense 64 relu, dense 10;
    SAME padding of the stride-2 layer puts its one padded row and column at the bottom and right, as
    TensorFlow's rule does (PyTorch's padding=1 would pad top and left too and shift every window);
  - the flatten reads NHWC order, as TensorFlow's reshape of an NHWC tensor does;
  - Glorot-uniform kernels (fan_in = C*KH*KW, fan_out = OC*KH*KW) and zero biases;
  - mean sparse softmax cross-entropy; Adam lr 0.001, beta1 0.9, beta2 0.999, epsilon 1e-8 in TF1's
    ApplyAdam form: lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t), var -= lr_t * m / (sqrt(v) + eps),
    with the beta powers kept as float32 running products;
  - batches of 100 from a fresh permutation of the 60,000 training images each epoch (as MnistExample
    does; the tutorial held out 5,000 of them for validation), pixels scaled to [0, 1].

Usage: /usr/bin/python3 bench/pytorch/mnist_accuracy.py [--seeds 0 1 2] [--epochs 10] [--threads 2]
  [--data DIR]
DIR holds the four IDX files, raw or gzipped (default: the MNIST example's cache directory, by its
rules: $VECTORCNN_MNIST_DIR, else $XDG_CACHE_HOME/vectorcnn/mnist if that is absolute, else
~/.cache/vectorcnn/mnist; the example's first run fills it). Prints one line per seed and epoch, and the mean and sample standard deviation of the
final test accuracy over the seeds.
"""

import argparse
import gzip
import os
import statistics
import struct
import sys
import time

import torch
import torch.nn.functional as F


def read_idx(path, expected_magic):
    if not os.path.exists(path) and os.path.exists(path + ".gz"):
        path += ".gz"
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    magic = struct.unpack(">I", data[:4])[0]
    if magic != expected_magic:
        sys.exit(f"{path}: magic number {magic:#x}, expected {expected_magic:#x}")
    dims = data[3]
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    body = data[4 + 4 * dims:]
    count = 1
    for size in shape:
        count *= size
    if len(body) != count:
        sys.exit(f"{path}: {len(body)} bytes of data for shape {shape}, expected {count}")
    return torch.frombuffer(bytearray(body), dtype=torch.uint8).reshape(shape)


def load(directory):
    def images(name):
        # [N, 28, 28] bytes -> [N, 1, 28, 28] floats in [0, 1], the channel axis first for PyTorch.
        return read_idx(os.path.join(directory, name), 0x803).float().div_(255.0).unsqueeze(1)

    def labels(name):
        return read_idx(os.path.join(directory, name), 0x801).long()

    return (images("train-images-idx3-ubyte"), labels("train-labels-idx1-ubyte"),
            images("t10k-images-idx3-ubyte"), labels("t10k-labels-idx1-ubyte"))


class TutorialNetwork(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 32, 3, stride=1, padding=1)
        self.conv2 = torch.nn.Conv2d(32, 64, 3, stride=2, padding=0)
        self.fc1 = torch.nn.Linear(64 * 7 * 7, 64)
        self.output = torch.nn.Linear(64, 10)
        for layer in (self.conv1, self.conv2, self.fc1, self.output):
            torch.nn.init.xavier_uniform_(layer.weight)
            torch.nn.init.zeros_(layer.bias)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        # TensorFlow's SAME for 28 -> 14 with a 3x3 window and stride 2 pads one row and column, at
        # the bottom and right.
        x = F.relu(self.conv2(F.pad(x, (0, 1, 0, 1))))
        x = F.max_pool2d(x, 2, 2)
        x = x.permute(0, 2, 3, 1).reshape(x.shape[0], -1)
        x = F.relu(self.fc1(x))
        return self.output(x)


class TfAdam:
    """TF1's AdamOptimizer: ApplyAdam with float32 running beta powers."""

    def __init__(self, params, lr=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8):
        self.params = list(params)
        self.lr, self.beta1, self.beta2, self.epsilon = lr, beta1, beta2, epsilon
        self.m = [torch.zeros_like(p) for p in self.params]
        self.v = [torch.zeros_like(p) for p in self.params]
        self.beta1_power = torch.tensor(beta1, dtype=torch.float32)
        self.beta2_power = torch.tensor(beta2, dtype=torch.float32)

    @torch.no_grad()
    def step(self):
        lr_t = self.lr * torch.sqrt(1 - self.beta2_power) / (1 - self.beta1_power)
        for p, m, v in zip(self.params, self.m, self.v):
            g = p.grad
            m.mul_(self.beta1).add_(g, alpha=1 - self.beta1)
            v.mul_(self.beta2).addcmul_(g, g, value=1 - self.beta2)
            p.sub_(lr_t * m / (v.sqrt() + self.epsilon))
        self.beta1_power *= self.beta1
        self.beta2_power *= self.beta2


@torch.no_grad()
def accuracy(model, images, labels):
    correct = 0
    for start in range(0, len(images), 1000):
        logits = model(images[start:start + 1000])
        correct += (logits.argmax(dim=1) == labels[start:start + 1000]).sum().item()
    return correct / len(images)


def train(seed, epochs, data):
    train_images, train_labels, test_images, test_labels = data
    torch.manual_seed(seed)
    model = TutorialNetwork()
    optimizer = TfAdam(model.parameters())
    shuffles = torch.Generator().manual_seed(seed)
    test_accuracy = 0.0
    for epoch in range(epochs):
        started = time.time()
        order = torch.randperm(len(train_images), generator=shuffles)
        for start in range(0, len(order) - 99, 100):
            batch = order[start:start + 100]
            loss = F.cross_entropy(model(train_images[batch]), train_labels[batch])
            model.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
        test_accuracy = accuracy(model, test_images, test_labels)
        print(f"seed {seed} epoch {epoch + 1}: test accuracy {test_accuracy:.4f}"
              f" ({time.time() - started:.1f} s)", flush=True)
    return test_accuracy


def default_directory():
    """MnistData.defaultDirectory's rule."""
    explicit = os.environ.get("VECTORCNN_MNIST_DIR", "")
    if explicit.strip():
        return explicit
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if xdg.strip() and os.path.isabs(xdg):
        return os.path.join(xdg, "vectorcnn", "mnist")
    return os.path.join(os.path.expanduser("~"), ".cache", "vectorcnn", "mnist")


def main():
    default_data = default_directory()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--data", default=default_data)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    data = load(args.data)
    finals = [train(seed, args.epochs, data) for seed in args.seeds]
    print("final test accuracy per seed: " + ", ".join(f"{a:.4f}" for a in finals))
    if len(finals) > 1:
        print(f"mean {statistics.mean(finals):.4f}, standard deviation {statistics.stdev(finals):.4f},"
              f" {sum(a >= 0.988 for a in finals)} of {len(finals)} at 98.8% or more")


if __name__ == "__main__":
    main()
