"""Benchmark: `make html` on the synthetic spec tree, against a bare Sphinx build of the same requirements.

For each N (default 1,000, 5,000 and 20,000; N = 20,000 keeps N = 5,000's 375k cells, as PERFORMANCE.md's
figures do) it generates the tree (bench/generate.py), writes a small site (one page per spec and category,
a traceability page per spec, one page per matrix, the catalogue, the coverage summary and the findings) and
builds it with sphinx-build in a child process, measuring wall time and the child's peak RSS. In the same
run it builds the floor: the same requirements, one page per spec and category, each requirement a plain
docutils section (title and description) made by a trivial directive from a JSON file. Then it edits one
requirements file and times the incremental rebuild.

    python bench/bench_html.py [--sizes 1000,5000,20000] [--tree DIR] [--keep DIR]

Prints a table of seconds, MiB and ratios (ours / floor; incremental / full).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from ra2docs.project import Project  # noqa: E402

SPHINX_NEEDS_5000 = (111.9, 1.1 * 1024)  # seconds, MiB (PERFORMANCE.md)
CELLS_AT_5000 = 375_000

FLOOR_EXTENSION = '''
import json
from docutils import nodes
from docutils.parsers.rst import Directive


class FloorRequirements(Directive):
    required_arguments = 1

    def run(self):
        with open(self.arguments[0], encoding="utf-8") as f:
            reqs = json.load(f)
        out = []
        for req in reqs:
            section = nodes.section(ids=["r-" + nodes.make_id(req["id"])])
            section += nodes.title("", req["id"] + " " + req["title"])
            section += nodes.paragraph("", req["description"])
            out.append(section)
        return out


def setup(app):
    app.add_directive("floor-requirements", FloorRequirements)
    return {"parallel_read_safe": True}
'''


def _page(title: str, body: str) -> str:
    return f"{title}\n{'=' * len(title)}\n\n{body}\n"


def write_site(tree: Path, project: Project, site: Path) -> None:
    """Our site for the tree: a handful of pages that select the data with directive options."""
    site.mkdir(parents=True)
    (site / "conf.py").write_text(f"extensions = ['ra2docs.sphinx']\nra2docs_root = {str(tree)!r}\n"
                                  "html_theme = 'furo'\nsuppress_warnings = ['ra2docs']\n")
    pages = []
    for spec in project.tree.specs:
        cats = sorted({r.category for r in project.graph.spec_requirements(spec.id)})
        for cat in cats:
            name = f"req-{spec.id}-{cat or 'none'}"
            (site / f"{name}.rst").write_text(_page(f"{spec.id} {cat}", f".. ra2:requirements::\n   :spec: {spec.id}\n"
                                                                         f"   :category: {cat}\n"))
            pages.append(name)
        (site / f"trace-{spec.id}.rst").write_text(_page(f"Traceability {spec.id}",
                                                         f".. ra2:traceability::\n   :spec: {spec.id}\n"))
        pages.append(f"trace-{spec.id}")
    for matrix in project.tree.matrices:
        (site / f"matrix-{matrix.id}.rst").write_text(_page(f"Matrix {matrix.id}", f".. ra2:matrix:: {matrix.id}\n"))
        pages.append(f"matrix-{matrix.id}")
    for name, directive in (("catalogue", "catalogue"), ("coverage", "coverage"), ("findings", "findings")):
        (site / f"{name}.rst").write_text(_page(name.title(), f".. ra2:{directive}::\n"))
        pages.append(name)
    toc = "".join(f"   {p}\n" for p in pages)
    (site / "index.rst").write_text(_page("Synthetic spec", f".. toctree::\n   :maxdepth: 1\n\n{toc}"))


def write_floor(project: Project, site: Path) -> None:
    """The bare floor: the same requirements as plain sections, one page per spec and category."""
    site.mkdir(parents=True)
    (site / "floor_ext.py").write_text(FLOOR_EXTENSION)
    (site / "conf.py").write_text("import sys, os\nsys.path.insert(0, os.path.dirname(__file__))\n"
                                  "extensions = ['floor_ext']\nhtml_theme = 'furo'\n")
    groups: dict[str, list[dict[str, str]]] = defaultdict(list)
    for req in project.tree.requirements:
        groups[f"{req.spec}-{req.category or 'none'}"].append(
            {"id": req.id, "title": req.title, "description": req.description})
    pages = []
    for name, reqs in groups.items():
        data = site / f"{name}.json"
        data.write_text(json.dumps(reqs))
        (site / f"req-{name}.rst").write_text(_page(name, f".. floor-requirements:: {data}\n"))
        pages.append(f"req-{name}")
    toc = "".join(f"   {p}\n" for p in pages)
    (site / "index.rst").write_text(_page("Floor", f".. toctree::\n   :maxdepth: 1\n\n{toc}"))


def sphinx_build(site: Path, out: Path) -> tuple[float, float, int]:
    """Seconds, peak RSS (MiB) and exit status of one sphinx-build child process."""
    cmd = [sys.executable, "-m", "sphinx", "-q", "-b", "html", str(site), str(out / "html"), "-d", str(out / "dt")]
    env = dict(os.environ, PYTHONPATH=str(REPO))
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"sphinx-build failed in {site}:\n{err[-3000:]}")
    return seconds, usage.ru_maxrss / 1024, proc.returncode


def edit_one_file(project: Project) -> Path:
    """Change one requirement's title in place (what an author does), returning the file."""
    req = project.tree.requirements[len(project.tree.requirements) // 2]
    path = Path(req.location.file)  # absolute: the project was loaded with display_root=<tree>
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(req.title, req.title + " (edited)", 1), encoding="utf-8")
    return path


def run_size(n: int, workdir: Path, tree: Path | None) -> dict[str, float]:
    if tree is None:
        from bench.generate import generate_tree  # the bench helper's generator

        tree = workdir / "tree"
        generate_tree(tree, n, seed=1, max_cells=CELLS_AT_5000 if n > 5000 else None)
    project = Project.load(tree, display_root=str(tree))
    write_site(tree, project, workdir / "site")
    write_floor(project, workdir / "floor")
    floor_s, floor_mib, _ = sphinx_build(workdir / "floor", workdir / "floor-out")
    ours_s, ours_mib, _ = sphinx_build(workdir / "site", workdir / "site-out")
    edit_one_file(project)
    incr_s, incr_mib, _ = sphinx_build(workdir / "site", workdir / "site-out")
    cells = sum(len(r.cells) for m in project.tree.matrices for r in m.rows)
    return {"n": len(project.tree.requirements), "cells": cells, "floor_s": floor_s, "floor_mib": floor_mib,
            "ours_s": ours_s, "ours_mib": ours_mib, "incr_s": incr_s, "incr_mib": incr_mib}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,5000,20000", help="comma-separated N (default: %(default)s)")
    parser.add_argument("--tree", type=Path, help="benchmark this existing tree instead of generating")
    parser.add_argument("--keep", type=Path, help="keep the generated trees and builds under this folder")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")] if args.tree is None else [0]
    rows = []
    for n in sizes:
        workdir = Path(tempfile.mkdtemp(prefix=f"bench-html-{n}-", dir=args.keep))
        tree = None
        if args.tree is not None:
            tree = workdir / "tree"
            shutil.copytree(args.tree, tree)
        try:
            row = run_size(n, workdir, tree)
        finally:
            if args.keep is None:
                shutil.rmtree(workdir, ignore_errors=True)
        rows.append(row)
        print(f"N={row['n']:>6} cells={row['cells']:>7}  floor {row['floor_s']:7.1f} s {row['floor_mib']:6.0f} MiB  "
              f"ra2docs {row['ours_s']:7.1f} s {row['ours_mib']:6.0f} MiB  (x{row['ours_s'] / row['floor_s']:.1f} "
              f"time, x{row['ours_mib'] / row['floor_mib']:.1f} memory)  incremental {row['incr_s']:6.1f} s "
              f"({row['incr_s'] / row['ours_s']:.2f} of full)", flush=True)
    for row in rows:
        if row["n"] == 5000:
            needs_s, needs_mib = SPHINX_NEEDS_5000
            print(f"N=5000 against sphinx-needs (PERFORMANCE.md, 111.9 s, 1.1 GiB): {needs_s / row['ours_s']:.1f}x "
                  f"faster, {row['ours_mib'] / needs_mib:.2f} of its memory")
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        print(f"growth {first['n']} -> {last['n']} requirements (x{last['n'] / first['n']:.0f}): time "
              f"x{last['ours_s'] / first['ours_s']:.1f}, floor time x{last['floor_s'] / first['floor_s']:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
