#!/usr/bin/env python3
"""Checks vectorcnn's checkpoints against the reference `safetensors` package, both ways.

1. Java trains a small network three Adam steps and saves a checkpoint; the reference reader must
   read every parameter with the float bits Java printed beside it, the optimizer state with it, and
   the metadata.
2. Python writes a checkpoint of the same names and shapes with new values (`safetensors.numpy
   .save_file`); Java loads it into the network and optimizer and saves it again; every tensor must
   come back with the bits Python wrote.

Not part of the Maven build (the package comes from PyPI). Needs the kernels and model jars and JDK 25:
  mvn -B -pl model -am package -DskipTests
  pip install safetensors numpy
  python3 model/interop/check_safetensors.py [--java /path/to/jdk-25/bin/java]
"""

import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
from safetensors import safe_open
from safetensors.numpy import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def jars():
    found = []
    for module in ("kernels", "model"):
        matches = sorted(glob.glob(os.path.join(ROOT, module, "target", f"vectorcnn-{module}-*.jar")))
        if not matches:
            sys.exit(f"no {module} jar under {module}/target: run  mvn -B -pl model -am package -DskipTests")
        found.append(matches[-1])
    return os.pathsep.join(found)


def run_java(java, *args):
    command = [java, "--add-modules", "jdk.incubator.vector", "-cp", jars(),
               os.path.join(HERE, "SafetensorsInterop.java"), *args]
    subprocess.run(command, check=True)


def read(path):
    with safe_open(path, framework="np") as f:
        return {name: f.get_tensor(name) for name in f.keys()}, f.metadata()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    java_home = os.environ.get("JAVA_HOME")
    parser.add_argument("--java", default=os.path.join(java_home, "bin", "java") if java_home else "java",
                        help="a JDK 25 java (default: $JAVA_HOME/bin/java, else java on the PATH)")
    java = parser.parse_args().java

    with tempfile.TemporaryDirectory() as work:
        saved = os.path.join(work, "java.safetensors")
        bits_file = os.path.join(work, "bits.json")
        run_java(java, "save", saved, bits_file)
        tensors, metadata = read(saved)
        with open(bits_file) as f:
            expected = json.load(f)
        for name, bits in expected.items():
            tensor = tensors[name]
            assert tensor.dtype == np.float32, (name, tensor.dtype)
            got = tensor.reshape(-1).view(np.int32).tolist()
            assert got == bits, f"{name}: the reference reader sees other values than Java wrote"
        slots = [name for name in tensors if name not in expected]
        assert sorted(slots) == sorted(f"optimizer.{slot}.{name}" for slot in "mv" for name in expected), slots
        assert metadata["written.by"] == "java" and metadata["optimizer.iterations"] == "3", metadata
        conv = tensors["0.conv2d.kernel"]
        assert conv.shape == (3, 3, 1, 8), conv.shape  # HWIO, as TensorFlow stores it
        print(f"1. the reference reader read Java's checkpoint: {len(expected)} parameters with their bits, "
              f"{len(slots)} optimizer tensors, metadata {sorted(metadata)}")

        rng = np.random.default_rng(11)
        mine = {name: rng.standard_normal(t.shape).astype(np.float32) for name, t in tensors.items()}
        # Adam's second moments (optimizer.v.*) are means of squares: non-negative.
        mine = {name: np.abs(t) if name.startswith("optimizer.v.") else t for name, t in mine.items()}
        written = os.path.join(work, "python.safetensors")
        save_file(mine, written, metadata=metadata)
        again = os.path.join(work, "again.safetensors")
        run_java(java, "roundtrip", written, again)
        back, back_metadata = read(again)
        assert sorted(back) == sorted(mine), (sorted(back), sorted(mine))
        for name, tensor in mine.items():
            assert back[name].shape == tensor.shape, (name, back[name].shape, tensor.shape)
            assert np.array_equal(back[name].view(np.int32), tensor.view(np.int32)), f"{name} changed"
        assert back_metadata["written.by"] == "java roundtrip", back_metadata
        print(f"2. Java loaded a checkpoint written by safetensors.numpy.save_file and saved every one of its "
              f"{len(mine)} tensors back with the same bits")
    print("safetensors interop: OK")


if __name__ == "__main__":
    main()
