"""Start-up: `ra2docs --version` and `ra2docs --help` against `python -c pass`, the floor of any Python tool.

The runs are interleaved (floor, version, help, floor, ...) so a busy machine slows all of them alike; the
ratio is of the medians, and the target is an absolute 0.15 s for each command.

    python bench/bench_startup.py [--repeat 15]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import python, run_once

TARGET_SECONDS = 0.15
CASES = {"python -c pass": python("-c", "pass"), "ra2docs --version": python("-m", "ra2docs", "--version"),
         "ra2docs --help": python("-m", "ra2docs", "--help")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args(argv)
    times: dict[str, list[float]] = {name: [] for name in CASES}
    for _ in range(args.repeat):
        for name, cmd in CASES.items():
            times[name].append(run_once(cmd).seconds)
    floor = statistics.median(times["python -c pass"])
    status = 0
    for name, samples in times.items():
        median = statistics.median(samples)
        verdict = ""
        if name != "python -c pass":
            ok = median < TARGET_SECONDS
            status |= 0 if ok else 1
            verdict = f"  target < {TARGET_SECONDS:.2f} s: {'met' if ok else 'MISSED'}"
        print(f"{name:20} median {median * 1000:6.1f} ms  min {min(samples) * 1000:6.1f} ms  "
              f"ratio {median / floor:4.2f}x the floor{verdict}")
    return status


if __name__ == "__main__":
    sys.exit(main())
