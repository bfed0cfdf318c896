#!/usr/bin/env python3
"""Interleaved A/B runs of two benchmark jars: how bench/README.md judges a change on a noisy host.

The machines drift by 10-25% from hour to hour, so two jars (say, `old.jar` built before a change and
`new.jar` after) are compared in rounds: each round runs the same JMH selection once on each jar, one
fork each, and the order alternates (old first in odd rounds, new first in even ones), so that a drift
during the session falls on both. Prints, per benchmark and parameters, each round's old and new score
and their ratio, and the geometric mean of the ratios over the rounds.

Usage:
  /usr/bin/python3 bench/ab.py --old old.jar --new new.jar --rounds 4 --out DIR REGEX [JMH options...]
  /usr/bin/python3 bench/ab.py --summary DIR          # print the table of an earlier run again
JMH options follow REGEX and go to both jars, e.g. `-p threads=1,0`; the defaults -f 1 -wi 3 -i 5
-w 1 -r 1 -foe true apply where they give none of their own, and a -jvmArgsAppend joins the script's
`--add-modules jdk.incubator.vector`. A run stops at the first JMH failure (a benchmark that throws
included), and DIR must not hold an earlier run's results.
The jars need a JDK 25 `java`: --java, else $JAVA_HOME/bin/java, else `java` on the PATH.
Scores are in the benchmarks' own unit (ops/s); DIR keeps each run's JMH JSON and log.
"""

import argparse
import glob
import json
import math
import os
import subprocess
import sys
from collections import defaultdict

DEFAULT_JMH = ["-f", "1", "-wi", "3", "-i", "5", "-w", "1", "-r", "1", "-foe", "true"]
VECTOR_MODULE = ["--add-modules", "jdk.incubator.vector"]


def defaults_not_in(jmh_options):
    """The default settings whose option the command line does not give (JMH refuses an option twice)."""
    pairs = zip(DEFAULT_JMH[0::2], DEFAULT_JMH[1::2])
    return [item for flag, value in pairs if flag not in jmh_options for item in (flag, value)]


def fork_arguments(jmh_options):
    """The forks' appended JVM arguments, the user's -jvmArgsAppend joined to the Vector API module
    (JMH takes the option once), and the other options."""
    appended, others = list(VECTOR_MODULE), []
    options = iter(jmh_options)
    for option in options:
        if option == "-jvmArgsAppend":
            appended.append(next(options, ""))
        else:
            others.append(option)
    return " ".join(appended), others


def run(java, jars, rounds, out, regex, jmh_options):
    os.makedirs(out, exist_ok=True)
    earlier = result_files(out)
    if earlier:
        sys.exit(f"{out} holds results of an earlier run ({os.path.basename(earlier[0])}, ...); "
                 "give another --out or remove them")
    appended, jmh_options = fork_arguments(jmh_options)
    for round_number in range(1, rounds + 1):
        order = ["old", "new"] if round_number % 2 == 1 else ["new", "old"]
        for variant in order:
            stem = os.path.join(out, f"{variant}-{round_number}")
            command = [java, *VECTOR_MODULE, "-jar", jars[variant], regex,
                       "-jvmArgsAppend", appended, *defaults_not_in(jmh_options), *jmh_options,
                       "-rf", "json", "-rff", stem + ".json"]
            print(f"round {round_number}, {variant}: {' '.join(command)}", flush=True)
            with open(stem + ".log", "w") as log:
                if subprocess.run(command, stdout=log, stderr=subprocess.STDOUT).returncode != 0:
                    sys.exit(f"JMH failed; see {stem}.log")


def result_files(out):
    """The JMH results this script writes: old-ROUND.json and new-ROUND.json."""
    return sorted(glob.glob(os.path.join(out, "old-*.json")) + glob.glob(os.path.join(out, "new-*.json")))


def summary(out):
    scores = defaultdict(dict)
    for path in result_files(out):
        variant, round_number = os.path.basename(path)[:-len(".json")].split("-")
        try:
            with open(path) as f:
                results = json.load(f)
        except json.JSONDecodeError:
            print(f"{os.path.basename(path)}: no results yet (a run in progress, or one that failed)")
            continue
        for result in results:
            params = ",".join(f"{k}={v}" for k, v in sorted(result.get("params", {}).items()))
            key = result["benchmark"].rsplit(".", 2)[-2] + "." + result["benchmark"].rsplit(".", 1)[-1]
            scores[(key, params)][(variant, int(round_number))] = result["primaryMetric"]["score"]
    if not scores:
        sys.exit(f"no JMH results in {out}")
    for (key, params), by_run in scores.items():
        rounds = sorted({r for _, r in by_run})
        cells, ratios = [], []
        for r in rounds:
            old, new = by_run.get(("old", r)), by_run.get(("new", r))
            if old is None or new is None:
                cells.append(f"r{r}: incomplete")
                continue
            ratios.append(new / old)
            cells.append(f"r{r}: {old:.2f} / {new:.2f} = {new / old:.3f}")
        mean = math.exp(sum(map(math.log, ratios)) / len(ratios)) if ratios else float("nan")
        print(f"{key} {params}: {'; '.join(cells)}; geometric mean new/old {mean:.3f}")


def check_java(parser, java):
    """Stops with a clear message unless `java` is a JDK 25 or later: the jars need it, and an older JVM
    fails only inside the first fork, as 'JMH failed'."""
    try:
        result = subprocess.run([java, "-XshowSettings:properties", "-version"], capture_output=True, text=True)
    except OSError as e:
        parser.error(f"cannot run {java} ({e}): pass --java PATH_TO_JDK_25/bin/java or set JAVA_HOME")
    for line in result.stderr.splitlines():
        if line.strip().startswith("java.specification.version ="):
            version = line.split("=", 1)[1].strip()
            if int(version.split(".")[0]) < 25:
                parser.error(f"{java} is Java {version}; the benchmark jars need a JDK 25: pass --java "
                             "PATH_TO_JDK_25/bin/java or set JAVA_HOME")
            return
    parser.error(f"cannot tell the Java version of {java}: pass --java PATH_TO_JDK_25/bin/java")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old")
    parser.add_argument("--new")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--out", default="bench-results/ab")
    parser.add_argument("--summary", metavar="DIR", help="only print the table of the runs in DIR")
    parser.add_argument("--java", default=os.path.join(os.environ["JAVA_HOME"], "bin", "java")
                        if os.environ.get("JAVA_HOME") else "java")
    parser.add_argument("regex", nargs="?")
    args, jmh_options = parser.parse_known_args()
    if args.summary:
        summary(args.summary)
        return
    if not (args.old and args.new and args.regex):
        parser.error("--old, --new and a benchmark REGEX are needed (or --summary DIR)")
    if args.regex.startswith("-") or "=" in args.regex:
        # argparse takes the first free word as REGEX, so JMH options put before it would shift.
        parser.error(f"REGEX '{args.regex}' looks like a JMH option or value: put JMH options after REGEX")
    check_java(parser, args.java)
    run(args.java, {"old": args.old, "new": args.new}, args.rounds, args.out, args.regex, jmh_options)
    summary(args.out)


if __name__ == "__main__":
    main()
