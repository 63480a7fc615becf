"""`ra2docs check` against the bare floor, on synthetic trees of growing size.

For each N the tree is generated once (bench/generate.py); then, in this same run, the whole
`ra2docs check` process and the floor process (bench/floor_check.py: C-parsed YAML, a networkx graph,
the uncovered list) are timed alternately. Figures are ratios against the floor, so a noisy shared
machine affects both sides alike. A second floor runs the same script with Python's cyclic garbage
collector paused (as `ra2docs` pauses it while loading): the ratio against it shows what the check's
own code costs, apart from that one setting. The run fails if `ra2docs check` does not exit 0.

    python bench/bench_check.py [--sizes 1000 5000 20000] [--big] [--repeat 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import median_run, python
from bench.generate import generate_tree

CELLS_AT_5000 = 375_000  # PERFORMANCE.md: N = 20,000 keeps N = 5,000's matrix
SPARSE_CELLS_AT_100K = 500_000


def measure(sizes: list[int], big: bool, repeat: int, keep: Path | None) -> list[dict[str, float]]:
    rows = []
    plan = [(n, CELLS_AT_5000 if n > 5000 else None) for n in sizes]
    if big:
        plan.append((100_000, SPARSE_CELLS_AT_100K))
    with tempfile.TemporaryDirectory() as tmp:
        base = keep or Path(tmp)
        for n, cap in plan:
            tree = base / f"tree-{n}"
            shape = generate_tree(tree, n, seed=1, max_cells=cap, waive=True)
            times = 1 if n > 20_000 else repeat
            check = median_run(python("-m", "ra2docs", "check", str(tree)), times)
            floor_script = str(Path(__file__).parent / "floor_check.py")
            floor = median_run(python(floor_script, str(tree)), times)
            tuned = median_run(python(floor_script, str(tree), "--no-gc"), times)
            if check.returncode != 0:
                raise SystemExit(f"ra2docs check exited {check.returncode} on the N = {n:,} tree; expected 0")
            size_mb = sum(p.stat().st_size for p in tree.rglob("*.yaml")) / 1e6
            rows.append({"n": n, "cells": shape["cells"], "mb": size_mb, "check_s": check.seconds,
                         "check_mib": check.peak_mib, "floor_s": floor.seconds, "floor_mib": floor.peak_mib,
                         "tuned_s": tuned.seconds, "tuned_mib": tuned.peak_mib})
            r = rows[-1]
            print(f"N={n:>7,} cells={r['cells']:>8,} yaml={r['mb']:5.1f} MB  "
                  f"check {r['check_s']:7.2f} s {r['check_mib']:7.0f} MiB   "
                  f"floor {r['floor_s']:7.2f} s {r['floor_mib']:7.0f} MiB   "
                  f"ratio time {r['check_s'] / r['floor_s']:.2f}x  memory {r['check_mib'] / r['floor_mib']:.2f}x   "
                  f"floor without GC {r['tuned_s']:7.2f} s {r['tuned_mib']:7.0f} MiB: "
                  f"ratio time {r['check_s'] / r['tuned_s']:.2f}x  memory {r['check_mib'] / r['tuned_mib']:.2f}x",
                  flush=True)
    return rows


def report_growth(rows: list[dict[str, float]]) -> None:
    print("\ngrowth between sizes (1.00 = linear in the YAML read):")
    for a, b in itertools.pairwise(rows):
        size = b["mb"] / a["mb"]
        print(f"  {a['n']:>7,} -> {b['n']:>7,}: input x{size:.2f}, check time x{b['check_s'] / a['check_s']:.2f} "
              f"({b['check_s'] / a['check_s'] / size:.2f} of linear), memory x{b['check_mib'] / a['check_mib']:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000])
    parser.add_argument("--big", action="store_true", help="also check 100,000 requirements (sparse matrix)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="keep the generated trees here")
    args = parser.parse_args()
    rows = measure(args.sizes, args.big, args.repeat, args.keep)
    report_growth(rows)
    if args.big:
        big = rows[-1]
        verdict = "under" if big["check_s"] < 60 else "OVER"
        print(f"\n100,000 requirements checked in {big['check_s']:.1f} s: {verdict} the one-minute target")


if __name__ == "__main__":
    main()
