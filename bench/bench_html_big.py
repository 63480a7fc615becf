"""`make html` of 100,000 requirements with a sparse matrix (issue 15: under 5 minutes on 2 cores).

One full build of bench_html.py's site (a page per spec and category, traceability, one page per matrix,
catalogue, coverage, findings) for the N = 100,000 tree of bench_check.py --big (bench/generate.py, seed 1,
about 500,000 cells). There is no floor at this size: a bare Sphinx build of 100,000 sections is not what
the target is about. Printed: wall and CPU seconds and peak RSS of the sphinx-build process, and the verdict.

    python bench/bench_html_big.py [--n 100000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_html import sphinx_build, write_site
from bench.generate import generate_tree
from ra2docs.project import Project

SPARSE_CELLS_AT_100K = 500_000
TARGET_SECONDS = 300


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="keep the tree and the build under this folder")
    args, _ = parser.parse_known_args(argv)  # run_all.py passes every benchmark the same arguments
    work = Path(tempfile.mkdtemp(prefix="bench-html-big-", dir=args.keep))
    try:
        tree = work / "tree"
        shape = generate_tree(tree, args.n, seed=1, max_cells=SPARSE_CELLS_AT_100K, waive=True)
        write_site(tree, Project.load(tree), work / "site")
        seconds, mib, cpu = sphinx_build(work / "site", work / "out")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    verdict = "under" if seconds < TARGET_SECONDS else "OVER"
    print(f"N={args.n:,} cells={shape['cells']:,}: make html {seconds:.1f} s wall, {cpu:.1f} s CPU, "
          f"{mib:.0f} MiB peak: {verdict} the {TARGET_SECONDS // 60}-minute target")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
