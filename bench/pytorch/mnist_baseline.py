"""PyTorch baseline for MnistTrainingBench, ConvBench and GemmBench, to run beside the JMH report.

The issues' speed targets are ratios to PyTorch 1.13 on this machine kind (Debian's python3-torch,
oneDNN, channels-last). The host's speed drifts from hour to hour, so this script measures the same
workloads as the JMH benchmarks in the same session, with JMH's statistics: several processes
("forks"), timed iterations of fixed length after a warm-up, mean and 99.9% confidence half-width.

Workloads (the tutorial's network; SAME padding of the stride-2 layer is (0, 1) in TensorFlow and
(1, 1) here, which does the same arithmetic):
  epoch   one epoch of training over 60,000 images in memory, batches of 100 from a DataLoader
          that shuffles, as the issue's 18.6 s per epoch was measured; images/s
  train   one training step, batch 100: forward, softmax cross-entropy, backward, Adam; images/s
  infer   inference on a batch of 1000 under no_grad, to class probabilities (the softmax, as
          Sequential.predict); images/s
  infer_jit  the same through torch.jit.optimize_for_inference
  conv2   MNIST conv2 (100x28x28x32 -> 64, 3x3, stride 2) forward with its ReLU (as ConvBench fuses
          it), and forward + both gradients
  conv56  the 56x56x64 -> 64 3x3 SAME layer at batch 32, the same two
  resnet20  ResNet-20's first stage, 32x32x16 -> 16 3x3 SAME at batch 32, the same two
  photo   the tutorial's line filters on two photos (2x427x640x1 -> 2, 7x7, SAME), the same two
These run by default. GemmBench's baseline is the system BLAS's SGEMM, which torch.mm calls: row-major
C = A * B (A is M x K, B is K x N, float32, preallocated, values in [-1, 1)); GFLOP/s at 2*M*N*K each.
Only on request (`--workloads gemm` runs them all):
  gemm_square256 256x256x256, gemm_square512 512x512x512, gemm_square1024 1024x1024x1024 (M x K x N)
  gemm_conv1  M=78400 K=9 N=32      gemm_conv2  M=19600 K=288 N=64     gemm_dense  M=100 K=3136 N=64
  gemm_56x56  M=100352 K=576 N=64 (A is 231 MB)

Usage: /usr/bin/python3 bench/pytorch/mnist_baseline.py [--workloads NAME... | gemm] [--threads 1 2]
  [--forks 3] [--warmup 3] [--iterations 5] [--seconds 1.0]
after `apt-get install python3-torch libopenblas0-openmp`. Debian's torch calls the system BLAS for
its dense layers; without OpenBLAS that is the reference BLAS, which ran the 3136 -> 64 layer at
4 GFLOP/s and PyTorch's whole training step 30% slower. The script prints which BLAS it found.
"""

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time


def student_t_quantile(p, df):
    """Quantile of Student's t distribution, by bisection on its CDF (Simpson's rule on the pdf)."""
    log_norm = math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)

    def pdf(t):
        return math.exp(log_norm - (df + 1) / 2 * math.log1p(t * t / df))

    def cdf(x, steps=4000):
        h = x / steps
        area = pdf(0) + pdf(x) + sum((4 if i % 2 else 2) * pdf(i * h) for i in range(1, steps))
        return 0.5 + area * h / 3

    low, high = 0.0, 1000.0
    for _ in range(60):
        mid = (low + high) / 2
        if cdf(mid) < p:
            low = mid
        else:
            high = mid
    return (low + high) / 2


TRAINING_IMAGES = 60000


def tutorial_network(torch):
    # In-place ReLUs, as a PyTorch user tuning for speed would write them: the training step ran
    # 4,240 against 3,070 images/s with ReLUs that allocate (one comparison on this machine kind).
    nn = torch.nn
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, stride=1, padding=1), nn.ReLU(inplace=True),
        nn.Conv2d(32, 64, 3, stride=2, padding=1), nn.ReLU(inplace=True),
        nn.MaxPool2d(2, 2),
        nn.Flatten(),
        nn.Linear(64 * 7 * 7, 64), nn.ReLU(inplace=True),
        nn.Linear(64, 10))


def training_step(torch):
    """One Adam step of a fresh tutorial network on a batch: the loop body of "epoch" and "train"."""
    model = tutorial_network(torch).to(memory_format=torch.channels_last)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
    loss_fn = torch.nn.CrossEntropyLoss()

    def step(images, labels):
        optimizer.zero_grad(set_to_none=True)
        loss_fn(model(images), labels).backward()
        optimizer.step()
    return step


def workload(torch, name):
    """Returns (step function, units per step, unit name)."""
    torch.manual_seed(42)
    channels_last = torch.channels_last
    if name in GEMM_SHAPES:
        # The system BLAS's SGEMM through torch.mm, into a preallocated C: no allocation is timed.
        m, k, n = GEMM_SHAPES[name]
        a = torch.rand(m, k, dtype=torch.float32).mul_(2).sub_(1)
        b = torch.rand(k, n, dtype=torch.float32).mul_(2).sub_(1)
        c = torch.empty(m, n, dtype=torch.float32)

        def gemm():
            torch.mm(a, b, out=c)
        return gemm, 2.0 * m * n * k / 1e9, "GFLOP/s"
    if name == "epoch":
        # The tutorial's loop as a PyTorch user writes it: a shuffling DataLoader over tensors in memory.
        step = training_step(torch)
        data = torch.utils.data.TensorDataset(torch.rand(TRAINING_IMAGES, 1, 28, 28),
                                              torch.randint(0, 10, (TRAINING_IMAGES,)))
        loader = torch.utils.data.DataLoader(data, batch_size=100, shuffle=True)

        def epoch():
            for images, labels in loader:
                step(images.contiguous(memory_format=channels_last), labels)
        return epoch, TRAINING_IMAGES, "images/s"
    if name in ("train", "infer", "infer_jit"):
        batch = 100 if name == "train" else 1000
        images = torch.rand(batch, 1, 28, 28).to(memory_format=channels_last)
        labels = torch.randint(0, 10, (batch,))
        if name == "train":
            step = training_step(torch)
            return lambda: step(images, labels), batch, "images/s"
        model = tutorial_network(torch).to(memory_format=channels_last).eval()
        if name == "infer_jit":
            # TorchScript frozen for inference: oneDNN runs each convolution with its ReLU fused.
            with torch.no_grad():
                model = torch.jit.optimize_for_inference(torch.jit.script(model))

        def infer():
            # Class probabilities, as MnistTrainingBench's Sequential.predict returns them.
            with torch.no_grad():
                torch.softmax(model(images), dim=1)
        return infer, batch, "images/s"

    batch, height, width, channels, out_channels, kernel, stride = CONV_LAYERS[name.split("_")[0]]
    conv = torch.nn.Conv2d(channels, out_channels, kernel, stride=stride, padding=kernel // 2)
    conv = conv.to(memory_format=channels_last)
    x = torch.rand(batch, channels, height, width).to(memory_format=channels_last)
    out_height = (height + 2 * (kernel // 2) - kernel) // stride + 1
    out_width = (width + 2 * (kernel // 2) - kernel) // stride + 1
    flops = 2.0 * batch * out_height * out_width * out_channels * kernel * kernel * channels
    if name.endswith("_forward"):
        def forward():
            # With the ReLU that ConvBench's vectorcnnForward fuses into its write-back.
            with torch.no_grad():
                torch.relu_(conv(x))
        return forward, flops / 1e9, "GFLOP/s"
    x.requires_grad_(True)
    grad = torch.rand(batch, out_channels, out_height, out_width).to(memory_format=channels_last)

    def forward_backward():
        x.grad = None
        conv.zero_grad(set_to_none=True)
        conv(x).backward(grad)
    return forward_backward, 3 * flops / 1e9, "GFLOP/s"


def run_fork(name, threads, warmup, iterations, seconds):
    import torch
    torch.set_num_threads(threads)
    step, units, unit = workload(torch, name)
    rates, wall, cpu = [], 0.0, 0.0
    for i in range(warmup + iterations):
        count, start, start_cpu = 0, time.perf_counter(), time.process_time()
        while True:
            step()
            count += 1
            elapsed = time.perf_counter() - start
            if elapsed >= seconds:
                break
        if i >= warmup:
            rates.append(count * units / elapsed)
            wall += elapsed
            cpu += time.process_time() - start_cpu
    # CPU seconds per wall second: shows that "1 thread" kept PyTorch (and its BLAS) on one core.
    return {"rates": rates, "unit": unit, "cores": cpu / wall}


WORKLOADS = ["epoch", "train", "infer", "infer_jit", "conv2_forward", "conv2_forward_backward",
             "conv56_forward", "conv56_forward_backward", "resnet20_forward", "resnet20_forward_backward",
             "photo_forward", "photo_forward_backward"]

# ConvBench's layers as (batch, height, width, channels, out_channels, kernel, stride); padding kernel // 2.
CONV_LAYERS = {
    "conv2": (100, 28, 28, 32, 64, 3, 2),
    "conv56": (32, 56, 56, 64, 64, 3, 1),
    "resnet20": (32, 32, 32, 16, 16, 3, 1),
    "photo": (2, 427, 640, 1, 2, 7, 1),
}

# GemmBench's shapes as (M, K, N); run only when named, or all of them with "--workloads gemm".
GEMM_SHAPES = {
    "gemm_square256": (256, 256, 256),
    "gemm_square512": (512, 512, 512),
    "gemm_square1024": (1024, 1024, 1024),
    "gemm_conv1": (78400, 9, 32),
    "gemm_conv2": (19600, 288, 64),
    "gemm_dense": (100, 3136, 64),
    "gemm_56x56": (100352, 576, 64),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workloads", nargs="+", default=WORKLOADS,
                        choices=WORKLOADS + list(GEMM_SHAPES) + ["gemm"], metavar="WORKLOAD",
                        help=f"default: {' '.join(WORKLOADS)}; also {' '.join(GEMM_SHAPES)}, "
                             "or gemm for all of those")
    parser.add_argument("--threads", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--forks", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--iterations", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--fork", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.forks < 1 or args.iterations < 1 or args.warmup < 0 or args.seconds <= 0:
        parser.error("--forks and --iterations must be at least 1, --warmup at least 0, --seconds positive")
    # "gemm" stands for every GEMM workload; a workload named twice runs once.
    args.workloads = list(dict.fromkeys(
        expanded for name in args.workloads for expanded in (GEMM_SHAPES if name == "gemm" else [name])))
    if args.fork:
        result = run_fork(args.fork[0], int(args.fork[1]), args.warmup, args.iterations, args.seconds)
        print(json.dumps(result))
        return
    blas = os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3")
    try:
        import torch
    except ImportError:
        sys.exit("PyTorch not found: run `apt-get install python3-torch libopenblas0-openmp` and use "
                 "Debian's /usr/bin/python3")
    print(f"torch {torch.__version__}, BLAS {blas}")
    if "openblas" not in blas:
        print("warning: the system BLAS is not OpenBLAS; PyTorch's dense layers will be slow", file=sys.stderr)
    print("| workload | threads | mean ± 99.9% error | unit | cores busy | forks x iterations |")
    print("|---|---|---|---|---|---|")
    for name in args.workloads:
        for threads in args.threads:
            rates, unit, cores = [], None, []
            for _ in range(args.forks):
                child = subprocess.run(
                    [sys.executable, __file__, "--fork", name, str(threads),
                     "--warmup", str(args.warmup), "--iterations", str(args.iterations),
                     "--seconds", str(args.seconds)],
                    capture_output=True, text=True, env=dict(os.environ, OMP_NUM_THREADS=str(threads)))
                if child.returncode != 0:
                    sys.exit(f"the {name} process with {threads} threads failed "
                             f"(status {child.returncode}):\n{child.stderr}")
                result = json.loads(child.stdout.strip().splitlines()[-1])
                rates += result["rates"]
                unit = result["unit"]
                cores.append(result["cores"])
            mean = statistics.fmean(rates)
            error = (student_t_quantile(0.9995, len(rates) - 1) * statistics.stdev(rates)
                     / math.sqrt(len(rates))) if len(rates) > 1 else float("nan")
            print(f"| {name} | {threads} | {mean:,.1f} ± {error:,.1f} | {unit} | "
                  f"{statistics.fmean(cores):.2f} | {args.forks} x {args.iterations} |", flush=True)


if __name__ == "__main__":
    main()
