"""Benchmark: `ra2docs export xlsx` against a bare write-only openpyxl loop writing the same cells.

    python bench/bench_xlsx.py                      # N = 20,000 requirements, 1,000 components
    python bench/bench_xlsx.py --n 2000 --components 100 --repeat 3
    python bench/bench_xlsx.py --sizes 1000 5000 20000 --components 50   # memory against N (flat?)

The spec has the shape of shared/PERFORMANCE.md: N requirements (half RM, half RA tracing to 1-3 RM
requirements), titles ~20 words, descriptions ~80 words, and one support matrix of all components side by
side where each component states a level for 30% of the requirements. With `--generated` the tree comes
from bench/generate.py (the shared generator) and is loaded from YAML; by default it is built in memory
with the same shape, which keeps the (untimed) set-up short at N = 20,000.

Both contenders run in a forked child of the same process, one after the other, on the same model:
time is the CPU time of the write alone (the machine is shared: wall time stretches unevenly), memory is
the child's peak resident set above what it inherited. With --sizes, memory is instead the peak of what the
write allocates (tracemalloc; CPU then includes its overhead), to show how it grows with N.
Printed: medians and the ratios export / floor.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openpyxl import Workbook

from ra2docs import model
from ra2docs.graph import SpecGraph
from ra2docs.project import Project
from ra2docs.validate import CheckResult
from ra2docs.xlsx.export import ExportOptions, write_rfp
from ra2docs.xlsx.selection import profiles_text

WORDS = ("cluster", "node", "pod", "network", "storage", "volume", "kernel", "runtime", "plugin", "interface",
         "policy", "service", "mesh", "operator", "control", "plane", "worker", "isolation", "latency",
         "throughput", "acceleration", "device", "driver")
LEVELS = ("supported", "partial", "via-plugin", "not-supported", "tbc")


def synthetic_tree(n: int, components: int, seed: int = 1) -> model.Tree:
    rnd = random.Random(seed)

    def words(k: int) -> str:
        return " ".join(rnd.choice(WORDS) for _ in range(k))

    half = n // 2
    rm = [model.Requirement(f"req.gen.x{i:06d}", "RM", words(20).capitalize(), words(80),
                            rnd.choice(("must", "should", "may")), {"basic": "must"}, "general", "2.1")
          for i in range(half)]
    ra = [model.Requirement(f"ra2.gen.{i:06d}", "RA2", words(20).capitalize(), words(80),
                            rnd.choice(("must", "should", "may")), {}, "general", "4.2",
                            traces=tuple(sorted({rm[rnd.randrange(half)].id for _ in range(rnd.randint(1, 3))})))
          for i in range(n - half)]
    reqs = rm + ra
    comps = [model.Component(f"comp-{j:04d}", "cni", f"Component {j}") for j in range(components)]
    columns = tuple(c.id for c in comps)
    rows = []
    for req in reqs:
        cells = tuple(model.Cell(col, rnd.choice(LEVELS)) for col in columns if rnd.random() < 0.3)
        rows.append(model.Row(requirement=req.id, cells=cells))
    vocab = model.Vocabulary("support", "Support", tuple(
        model.Level(lv, lv.replace("-", " ").capitalize(), covers=lv in ("supported", "via-plugin"),
                    placeholder=lv == "tbc", colour=f"#{rnd.randrange(0x1000000):06x}") for lv in LEVELS))
    matrix = model.Matrix("all", "All components", "support", columns, tuple(rows))
    specs = (model.Spec("RM", "Reference Model", r"^req\.", "3.0", profiles=(model.Named("basic"),)),
             model.Spec("RA2", "Reference Architecture 2", r"^ra2\.", "4.0", based_on=("RM",)))
    return model.Tree(".", specs=specs, requirements=tuple(reqs), components=tuple(comps),
                      vocabularies=(vocab,), matrices=(matrix,))


def in_memory_project(tree: model.Tree) -> Project:
    """The graph without the matrix's edges (millions of networkx edges would dominate the set-up's memory);
    the export reads matrix cells from the tree, and traces from the graph."""
    light = SpecGraph.build(model.Tree(tree.root, specs=tree.specs, requirements=tree.requirements,
                                       components=tree.components, vocabularies=tree.vocabularies))
    from ra2docs.load import LoadResult
    return Project(Path("."), LoadResult(tree), SpecGraph(tree, light.g), CheckResult([], {}))  # type: ignore[arg-type]


def generated_project(n: int, components: int, work: Path) -> Project:
    from bench.generate import generate_tree  # the shared generator (bench helper)

    generate_tree(work / "tree", n, seed=1)
    del components  # the generator derives N/20 components itself
    return Project.load(work / "tree")


def export(project: Project, out: Path) -> None:
    write_rfp(project, out, ExportOptions(date=dt.date(2026, 1, 1)))


def floor(project: Project, out: Path) -> None:
    """The same cells with nothing else: plain values, no styles, no validation, no safety checks."""
    tree = project.tree
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Requirements")
    ws.append(["ID", "Spec", "Title", "Description", "Level", "Profiles", "Category", "Section", "Traces to",
               "Compliance", "Comment", "Evidence"])
    for r in tree.requirements:
        ws.append([r.id, r.spec, r.title, r.description, r.level, profiles_text(r), r.category, r.section,
                   ", ".join(r.traces)])
    labels = {lv.id: lv.label for v in tree.vocabularies for lv in v.levels}
    reqs = tree.requirement_index()
    for matrix in tree.matrices:
        ms = wb.create_sheet(matrix.id)
        ms.append(["Row", "Title", *matrix.columns])
        position = {c: i + 2 for i, c in enumerate(matrix.columns)}
        for row in matrix.rows:
            values: list[object] = [None] * (len(matrix.columns) + 2)
            values[0], values[1] = row.key, reqs[row.requirement].title
            for cell in row.cells:
                values[position[cell.column]] = labels[cell.level]
            ms.append(values)
    wb.save(out)


def _peak_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def _rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _child(fn: Callable[[Project, Path], None], project: Project, out: Path, conn, traced: bool) -> None:  # type: ignore[no-untyped-def]
    Path("/proc/self/clear_refs").write_text("5")  # reset the peak to the current resident set
    start_rss = _rss_kib()
    if traced:  # Python's own count: the resident set hides what reuses the parent's freed heap
        tracemalloc.start()
    t0 = time.process_time()  # CPU time: the machine is shared, and wall time stretches unevenly
    fn(project, out)
    seconds = time.process_time() - t0
    mib = tracemalloc.get_traced_memory()[1] / 2**20 if traced else max(0, _peak_kib() - start_rss) / 1024
    conn.send((seconds, mib, out.stat().st_size))
    conn.close()


def measure(fn: Callable[[Project, Path], None], project: Project, out: Path,
            traced: bool = False) -> tuple[float, float, int]:
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(fn, project, out, child, traced))
    proc.start()
    result = parent.recv()
    proc.join()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=20_000, help="requirements (default 20,000)")
    parser.add_argument("--components", type=int, default=1_000, help="matrix columns (default 1,000)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each contender; medians are shown")
    parser.add_argument("--generated", action="store_true", help="use bench/generate.py and load its YAML")
    parser.add_argument("--sizes", type=int, nargs="+", help="run at each N and show how memory grows with N")
    args = parser.parse_args()
    if args.sizes:
        return memory_growth(args)
    one_size(args.n, args)
    return 0


def memory_growth(args: argparse.Namespace) -> int:
    """The export's peak Python allocation (tracemalloc) at each N: flat in N when no per-requirement state
    is kept. The resident set is no measure here: the child reuses the heap its parent freed in the set-up."""
    peaks = {}
    for n in args.sizes:
        print(f"--- N = {n:,}")
        peaks[n] = one_size(n, args)
    low, high = min(peaks), max(peaks)
    for name in ("export", "floor"):
        slope = (peaks[high][name] - peaks[low][name]) * 1024 / (high - low)
        line = ", ".join(f"N={n:,}: +{p[name]:.1f} MiB" for n, p in peaks.items())
        print(f"{name:7} peak allocated by the write: {line}; growth {slope:.3f} KiB per requirement")
    return 0


def one_size(n: int, args: argparse.Namespace) -> dict[str, float]:
    traced = bool(args.sizes)  # the growth run counts Python allocations (slower: its CPU figures are not the ratio)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        t0 = time.perf_counter()
        if args.generated:
            project = generated_project(n, args.components, work)
        else:
            project = in_memory_project(synthetic_tree(n, args.components))
        cells = sum(len(r.cells) for m in project.tree.matrices for r in m.rows)
        print(f"set-up: {len(project.tree.requirements):,} requirements, {len(project.tree.components):,} "
              f"components, {cells:,} matrix cells in {time.perf_counter() - t0:.1f} s")
        # The graph's link index (every requirement's trace lists: the model's, built on first use) is built
        # here before the fork, so the child's peak is the export's own working memory.
        project.graph.traces_of("")
        results: dict[str, list[tuple[float, float, int]]] = {"export": [], "floor": []}
        for _ in range(args.repeat):  # interleaved, so drift in the machine hits both alike
            results["floor"].append(measure(floor, project, work / "floor.xlsx", traced))
            results["export"].append(measure(export, project, work / "export.xlsx", traced))
        med = {k: (statistics.median(r[0] for r in v), statistics.median(r[1] for r in v), v[0][2])
               for k, v in results.items()}
        for name, (secs, mib, size) in med.items():
            print(f"{name:7} {secs:8.2f} s CPU  peak +{mib:7.1f} MiB  file {size / 1e6:7.1f} MB")
        ratio_t = med["export"][0] / med["floor"][0]
        ratio_m = med["export"][1] / med["floor"][1] if med["floor"][1] else float("nan")
        print(f"ratio export/floor: time {ratio_t:.2f}x, memory {ratio_m:.2f}x (aim: time within 1.5x, "
              "memory bounded)")
    return {name: mib for name, (_, mib, _) in med.items()}


if __name__ == "__main__":
    sys.exit(main())
