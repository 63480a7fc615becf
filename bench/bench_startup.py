"""Start-up: `ra2docs --version` and `ra2docs --help` against `python -c pass`, the floor of any Python tool;
and how much of `ra2docs check` on the shipped tree is imports rather than its own work.

The runs are interleaved (floor, version, help, ...) so a busy machine slows all of them alike; the ratio
is of the medians, and the target is an absolute 0.15 s for `--version` and `--help`. For `check` it
also times importing what the command imports (`ra2docs.commands.check`, and networkx, which the graph
needs, alone): the difference between `check` and that import is the command's own work.

    python bench/bench_startup.py [--repeat 15]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import REPO, python, run_once

TARGET_SECONDS = 0.15
FLOOR = "python -c pass"
CASES = {FLOOR: python("-c", "pass"), "ra2docs --version": python("-m", "ra2docs", "--version"),
         "ra2docs --help": python("-m", "ra2docs", "--help"),
         "import networkx": python("-c", "import networkx"),
         "import ra2docs.commands.check": python("-c", "import ra2docs.cli, ra2docs.commands.check"),
         "ra2docs check (shipped tree)": python("-m", "ra2docs", "check", str(REPO))}
TARGETED = ("ra2docs --version", "ra2docs --help")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args(argv)
    times: dict[str, list[float]] = {name: [] for name in CASES}
    for _ in range(args.repeat):
        for name, cmd in CASES.items():
            times[name].append(run_once(cmd).seconds)
    medians = {name: statistics.median(samples) for name, samples in times.items()}
    floor = medians[FLOOR]
    status = 0
    for name, samples in times.items():
        verdict = ""
        if name in TARGETED:
            ok = medians[name] < TARGET_SECONDS
            status |= 0 if ok else 1
            verdict = f"  target < {TARGET_SECONDS:.2f} s: {'met' if ok else 'MISSED'}"
        print(f"{name:30} median {medians[name] * 1000:6.1f} ms  min {min(samples) * 1000:6.1f} ms  "
              f"ratio {medians[name] / floor:5.2f}x the floor{verdict}")
    check, imports = medians["ra2docs check (shipped tree)"], medians["import ra2docs.commands.check"]
    networkx = medians["import networkx"] - floor
    print(f"ra2docs check: {(imports - floor) / (check - floor):.2f} of its time above the floor is imports "
          f"(networkx alone {networkx / (check - floor):.2f}), {(check - imports) / (check - floor):.2f} its own work")
    return status


if __name__ == "__main__":
    sys.exit(main())
