#!/usr/bin/env python3
"""Checks vectorcnn's checkpoints against the reference `safetensors` package, both ways.

1. Java trains a small network three Adam steps and saves a checkpoint. The reference reader must find
   exactly the tensors Java lists beside it, with their shapes and float bits (the parameters as the
   model holds them, Adam's state as Java's own reader reads it back), and the metadata.
2. Python writes a checkpoint of the same names and shapes with new values and the same metadata
   (`safetensors.numpy.save_file`); Java loads it into the network and optimizer and saves it again;
   every tensor must come back with the bits Python wrote, and the metadata with its values.

Not part of the Maven build (the package comes from PyPI). Needs the kernels and model jars and JDK 25:
  mvn -B -pl model -am package -DskipTests
  pip install safetensors numpy
  python3 model/interop/check_safetensors.py [--java /path/to/jdk-25/bin/java]
Exits with status 1 and a line on the first difference.
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


def check(condition, message):
    """Like assert, but not skipped under `python -O`."""
    if not condition:
        sys.exit(f"check_safetensors: {message}")


def jars():
    found = []
    for module in ("kernels", "model"):
        matches = [jar for jar in glob.glob(os.path.join(ROOT, module, "target", f"vectorcnn-{module}-*.jar"))
                   if not jar.endswith(("-sources.jar", "-javadoc.jar", "-tests.jar"))]
        check(len(matches) == 1, f"expected one {module} jar under {module}/target, found {matches}: run  "
              "mvn -B -pl model -am clean package -DskipTests")
        found.append(matches[0])
    return os.pathsep.join(found)


def run_java(java, *args):
    command = [java, "--add-modules", "jdk.incubator.vector", "-cp", jars(),
               os.path.join(HERE, "SafetensorsInterop.java"), *args]
    check(subprocess.run(command).returncode == 0, f"the Java side failed: {' '.join(command)}")


def read(path):
    with safe_open(path, framework="np") as f:
        return {name: f.get_tensor(name) for name in f.keys()}, f.metadata()


def bits(tensor):
    return tensor.reshape(-1).view(np.int32)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    java_home = os.environ.get("JAVA_HOME")
    parser.add_argument("--java", default=os.path.join(java_home, "bin", "java") if java_home else "java",
                        help="a JDK 25 java (default: $JAVA_HOME/bin/java, else java on the PATH)")
    java = parser.parse_args().java

    with tempfile.TemporaryDirectory() as work:
        saved = os.path.join(work, "java.safetensors")
        listed = os.path.join(work, "listed.json")
        run_java(java, "save", saved, listed)
        tensors, metadata = read(saved)
        with open(listed) as f:
            expected = json.load(f)
        check(sorted(tensors) == sorted(expected), f"tensor names {sorted(tensors)} against {sorted(expected)}")
        for name, entry in expected.items():
            tensor = tensors[name]
            check(tensor.dtype == np.float32, f"{name}: dtype {tensor.dtype}")
            check(list(tensor.shape) == entry["shape"], f"{name}: shape {tensor.shape} against {entry['shape']}")
            check(bits(tensor).tolist() == entry["bits"], f"{name}: other values than Java wrote")
        slots = [name for name in tensors if name.startswith("optimizer.")]
        check(len(slots) == 2 * (len(tensors) - len(slots)), f"an m and a v per parameter: {sorted(tensors)}")
        check(metadata.get("written.by") == "java" and metadata.get("optimizer.iterations") == "3",
              f"metadata {metadata}")
        check(tensors["0.conv2d.kernel"].shape == (3, 3, 1, 8), "the first kernel is not HWIO [3, 3, 1, 8]")
        print(f"1. the reference reader read Java's checkpoint: {len(tensors) - len(slots)} parameters and "
              f"{len(slots)} optimizer tensors with their shapes and bits, metadata {sorted(metadata)}")

        rng = np.random.default_rng(11)
        mine = {name: rng.standard_normal(t.shape).astype(np.float32) for name, t in tensors.items()}
        # Adam's second moments are means of squares: non-negative.
        mine = {name: np.abs(t) if name.startswith("optimizer.v.") else t for name, t in mine.items()}
        written = os.path.join(work, "python.safetensors")
        save_file(mine, written, metadata=metadata)
        again = os.path.join(work, "again.safetensors")
        run_java(java, "roundtrip", written, again)
        back, back_metadata = read(again)
        check(sorted(back) == sorted(mine), f"tensor names {sorted(back)} against {sorted(mine)}")
        for name, tensor in mine.items():
            check(back[name].shape == tensor.shape, f"{name}: shape {back[name].shape} against {tensor.shape}")
            check(np.array_equal(bits(back[name]), bits(tensor)), f"{name} changed on the way through Java")
        expected_metadata = dict(metadata, **{"written.by": "java roundtrip"})
        check(back_metadata == expected_metadata, f"metadata {back_metadata} against {expected_metadata}")
        print(f"2. Java loaded a checkpoint written by safetensors.numpy.save_file and saved every one of its "
              f"{len(mine)} tensors back with the same bits, and the metadata")
    print("safetensors interop: OK")


if __name__ == "__main__":
    main()
