"""`ra2docs check` against two bare floors, on synthetic trees of growing size.

For each N the tree is generated once (bench/generate.py, the shape of ../shared/PERFORMANCE.md) and
mirrored as JSON (untimed); then, in this same run, the whole `ra2docs check` process, the **YAML floor**
(PyYAML's C loader into plain objects, a networkx graph, the uncovered list) and the **JSON floor** (the
same from JSON files, as the peers were measured) are run alternately. Figures are CPU-time ratios
(user + system of each process), so a noisy shared machine affects both sides alike; peak memory is
compared with the YAML floor. Targets (issue 15): CPU within 2x of the YAML floor and 3x of the JSON
floor, memory within 1.5x of the YAML floor. The run fails if `ra2docs check` does not exit 0. The
check's own `--profile` line says where its time went (load, graph, checks, report).

    python bench/bench_check.py [--sizes 1000 5000 20000] [--big] [--repeat 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import itertools
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import REPO, median_run, python
from bench.floor_check import mirror_as_json
from bench.generate import generate_tree

CELLS_AT_5000 = 375_000  # PERFORMANCE.md: N = 20,000 keeps N = 5,000's matrix
SPARSE_CELLS_AT_100K = 500_000
FLOOR = str(Path(__file__).parent / "floor_check.py")


def _stage_profile(tree: Path) -> str:
    proc = subprocess.run(python("-m", "ra2docs", "check", "--profile", str(tree)), cwd=REPO,
                          capture_output=True, text=True, check=False)
    return next((line for line in proc.stderr.splitlines() if line.startswith("profile")), "profile: none")


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
            json_tree = mirror_as_json(tree, base / f"json-{n}")
            times = 1 if n > 20_000 else repeat
            check = median_run(python("-m", "ra2docs", "check", str(tree)), times)
            yaml_floor = median_run(python(FLOOR, str(tree)), times)
            json_floor = median_run(python(FLOOR, str(json_tree), "--json"), times)
            if check.returncode != 0:
                raise SystemExit(f"ra2docs check exited {check.returncode} on the N = {n:,} tree; expected 0")
            size_mb = sum(p.stat().st_size for p in tree.rglob("*.yaml")) / 1e6
            rows.append({"n": n, "cells": shape["cells"], "mb": size_mb, "check_s": check.seconds,
                         "check_cpu": check.cpu, "check_mib": check.peak_mib,
                         "yaml_cpu": yaml_floor.cpu, "yaml_mib": yaml_floor.peak_mib,
                         "json_cpu": json_floor.cpu, "json_mib": json_floor.peak_mib})
            r = rows[-1]
            print(f"N={n:>7,} cells={r['cells']:>8,} yaml={r['mb']:5.1f} MB  "
                  f"check {r['check_cpu']:7.2f} s CPU {r['check_mib']:6.0f} MiB | "
                  f"YAML floor {r['yaml_cpu']:6.2f} s {r['yaml_mib']:5.0f} MiB | "
                  f"JSON floor {r['json_cpu']:6.2f} s {r['json_mib']:5.0f} MiB | "
                  f"CPU {r['check_cpu'] / r['yaml_cpu']:.2f}x YAML (target 2x), "
                  f"{r['check_cpu'] / r['json_cpu']:.2f}x JSON (target 3x); "
                  f"memory {r['check_mib'] / r['yaml_mib']:.2f}x YAML (target 1.5x)", flush=True)
            print(f"          {_stage_profile(tree)}", flush=True)
    return rows


def report_growth(rows: list[dict[str, float]]) -> None:
    print("\ngrowth between sizes (1.00 = linear in files + cells):")
    for a, b in itertools.pairwise(rows):
        size = (b["mb"] + b["cells"] / 1e5) / (a["mb"] + a["cells"] / 1e5)
        cpu = b["check_cpu"] / a["check_cpu"]
        print(f"  {a['n']:>7,} -> {b['n']:>7,}: input (MB + cells/100k) x{size:.2f}, check CPU x{cpu:.2f} "
              f"({cpu / size:.2f} of linear), memory x{b['check_mib'] / a['check_mib']:.2f}")


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
