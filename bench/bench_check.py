"""`ra2docs check` against a bare floor, both as whole processes, at growing N.

For each N a synthetic tree is generated once (bench/generate.py), then, interleaved, a few runs of
(a) `python -m ra2docs check TREE` and (b) the floor: the same YAML files parsed with PyYAML's C loader,
a networkx graph of the same requirements, components, trace links and support cells, and the list of
what the coverage policy leaves uncovered. Medians of wall time and peak RSS are printed, with the ratio
check/floor per N and the growth between Ns. Targets: within 2x of the floor, linear growth, and the
100,000-requirement tree (sparse matrix) checked in under a minute.

    python bench/bench_check.py [--sizes 1000 5000 20000] [--big 100000] [--repeat 3] [--workdir DIR]
    python bench/bench_check.py --floor TREE     # the floor on its own (what the benchmark runs)
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
from pathlib import Path

import networkx as nx
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import Measured, measure, python, table
from bench.generate import generate_tree

CELL_CAP = 375_000  # N = 5,000's cell count: the cap for the larger trees, as PERFORMANCE.md measured


def floor(root: Path) -> int:
    """Parse, graph, list the uncovered: the least any checker of this tree must do. Prints the count."""
    docs = [yaml.load(p.read_bytes(), Loader=yaml.CSafeLoader)
            for sub in ("requirements", "mappings") for p in sorted((root / sub).rglob("*.yaml"))]
    g = nx.MultiDiGraph()
    spec_of: dict[str, str] = {}
    covering: set[str] = set()
    rules = []
    for doc in docs:
        kind = doc["kind"]
        if kind == "requirements":
            for q in doc["requirements"]:
                g.add_node(q["id"], type="requirement", spec=doc["spec"])
                spec_of[q["id"]] = doc["spec"]
        elif kind == "components":
            g.add_nodes_from((c["id"], {"type": "component"}) for c in doc["components"])
        elif kind == "vocabulary":
            covering.update(lv["id"] for lv in doc["levels"] if lv.get("covers"))
        elif kind == "policy":
            rules.extend(doc["rules"])
    for doc in docs:
        if doc["kind"] == "requirements":
            for q in doc["requirements"]:
                for target in q.get("traces", ()):
                    g.add_edge(q["id"], target, type="traces")
        elif doc["kind"] == "matrix":
            for row in doc["rows"]:
                for comp, cell in row["cells"].items():
                    level = cell if isinstance(cell, str) else cell["level"]
                    g.add_edge(comp, row["requirement"], key=doc["id"], type="supports", level=level)
    uncovered = []
    for rule in rules:
        for rid, spec in spec_of.items():
            if spec != rule["spec"]:
                continue
            edges = g.in_edges(rid, data=True)
            if rule["covered_by"] == "traces":
                ok = any(d["type"] == "traces" and spec_of.get(o) == rule.get("from_spec", spec_of.get(o))
                         for o, _, d in edges)
            else:
                ok = any(d["type"] == "supports" and d["level"] in covering for _, _, d in edges)
            if not ok:
                uncovered.append(rid)
    print(len(uncovered))
    return len(uncovered)


def _tree_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*.yaml"))


def bench(sizes: list[int], big: int | None, repeat: int, workdir: Path) -> int:
    here = Path(__file__).resolve()
    results: list[tuple[int, dict[str, int], int, Measured, Measured]] = []
    problems = []
    plan = [(n, None if n <= 5000 else CELL_CAP) for n in sizes]
    if big:
        plan.append((big, CELL_CAP))
    for n, cap in plan:
        root = workdir / f"n{n}"
        counts = generate_tree(root, n, seed=1, max_cells=cap)
        size = _tree_bytes(root)
        print(f"N={n:,}: {counts['cells']:,} cells, {counts['files']} files, {size / 2**20:.1f} MiB of YAML",
              flush=True)
        got = measure({"check": python("-m", "ra2docs", "check", str(root)),
                       "floor": python(str(here), "--floor", str(root))}, repeat=1 if n == big else repeat)
        check, base = got["check"], got["floor"]
        if check.returncodes != {0}:
            problems.append(f"N={n}: ra2docs check exited {check.returncodes}:\n{check.runs[0].stdout[-2000:]}")
        if any(r.stdout.strip() != str(counts["uncovered"]) for r in base.runs):
            problems.append(f"N={n}: the floor found {base.runs[0].stdout.strip()} uncovered, "
                            f"expected {counts['uncovered']}")
        results.append((n, counts, size, check, base))
        print(f"  check {check.seconds:.2f} s {check.peak_mib:.0f} MiB; floor {base.seconds:.2f} s "
              f"{base.peak_mib:.0f} MiB; ratio {check.seconds / base.seconds:.2f}x time, "
              f"{check.peak_mib / base.peak_mib:.2f}x memory", flush=True)
    print()
    print(table(["N", "cells", "check s", "check MiB", "floor s", "floor MiB", "time ratio", "memory ratio"],
                [(n, c["cells"], ch.seconds, ch.peak_mib, fl.seconds, fl.peak_mib, ch.seconds / fl.seconds,
                  ch.peak_mib / fl.peak_mib) for n, c, _s, ch, fl in results]))
    print()
    growth = []
    for (n1, c1, s1, ch1, _), (n2, c2, s2, ch2, _) in itertools.pairwise(results):
        growth.append((f"{n1:,} -> {n2:,}", n2 / n1, c2["cells"] / c1["cells"], s2 / s1, ch2.seconds / ch1.seconds,
                       ch2.peak_mib / ch1.peak_mib, (ch2.seconds / ch1.seconds) / (s2 / s1)))
    print(table(["step", "requirements x", "cells x", "YAML bytes x", "check time x", "check memory x",
                 "time x per byte x (1 = linear)"], growth))
    if big:
        t = results[-1][3].seconds
        print(f"\n{big:,} requirements, sparse matrix: ra2docs check {t:.1f} s (target: under 60 s)")
    for p in problems:
        print(f"PROBLEM: {p}", file=sys.stderr)
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--floor", type=Path, help="run only the floor on this tree")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000])
    parser.add_argument("--big", type=int, default=100_000, help="the sparse tree's N (0: skip it)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path, help="where the trees go (default: a temporary folder)")
    args = parser.parse_args(argv)
    if args.floor:
        floor(args.floor)
        return 0
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        return bench(args.sizes, args.big or None, args.repeat, args.workdir)
    with tempfile.TemporaryDirectory(prefix="ra2docs-bench-") as tmp:
        return bench(args.sizes, args.big or None, args.repeat, Path(tmp))


if __name__ == "__main__":
    sys.exit(main())
