"""Benchmark: `make html` on the synthetic spec tree, against a bare Sphinx build of the same requirements.

For each N (default 1,000, 5,000 and 20,000; N = 20,000 keeps N = 5,000's 375k cells, as PERFORMANCE.md's
figures do) it generates the tree (bench/generate.py), writes a small site (one page per spec and category,
a traceability page per spec, one page per matrix, the catalogue, the coverage summary and the findings) and
builds it with sphinx-build in a child process, measuring wall time and the child's peak RSS. In the same
run it builds the floor: the same requirements, one page per spec and category, each requirement a plain
docutils section (title and description) made by a trivial directive from a JSON file. Then it edits one
requirements file and times the incremental rebuild; the floor's JSON file of the same requirement is edited
and rebuilt too (Sphinx's own fixed cost of a one-file rebuild). Before each edit, both sites are rebuilt
with nothing changed: what any rebuild costs before it does anything for an edit.

    python bench/bench_html.py [--sizes 1000,5000,20000] [--tree DIR] [--keep DIR] [--profile] [--stages]

Prints a table of seconds, MiB and ratios (ours / floor; incremental / full); with --profile, also where a
one-description rebuild spends its time, per stage (cProfile of the whole sphinx-build process); with
--stages, the CPU seconds of each phase of every rebuild, read at Sphinx's events (bench/stage_timer.py).
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
        # Sphinx reads the page again when its data file changes (the floor's one-file incremental build)
        self.state.document.settings.env.note_dependency(self.arguments[0])
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


def _extensions(names: list[str], stages: bool) -> str:
    return repr((["bench.stage_timer"] if stages else []) + names)  # the timer first: its marks go first


def write_site(tree: Path, project: Project, site: Path, stages: bool = False) -> None:
    """Our site for the tree: a handful of pages that select the data with directive options."""
    site.mkdir(parents=True)
    (site / "conf.py").write_text(f"extensions = {_extensions(['ra2docs.sphinx'], stages)}\n"
                                  f"ra2docs_root = {str(tree)!r}\n"
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


def write_floor(project: Project, site: Path, stages: bool = False) -> None:
    """The bare floor: the same requirements as plain sections, one page per spec and category."""
    site.mkdir(parents=True)
    (site / "floor_ext.py").write_text(FLOOR_EXTENSION)
    (site / "conf.py").write_text("import sys, os\nsys.path.insert(0, os.path.dirname(__file__))\n"
                                  f"extensions = {_extensions(['floor_ext'], stages)}\nhtml_theme = 'furo'\n")
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


def sphinx_build(site: Path, out: Path, stages: Path | None = None) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MiB) and CPU seconds (user + system) of one sphinx-build child process; with
    `stages`, the site's stage timer (bench/stage_timer.py) writes the CPU time of its phases there.

    CPU time is reported beside wall time because a shared machine stretches wall time unevenly."""
    cmd = [sys.executable, "-m", "sphinx", "-q", "-b", "html", str(site), str(out / "html"), "-d", str(out / "dt")]
    env = dict(os.environ, PYTHONPATH=str(REPO))
    if stages is not None:
        env["RA2DOCS_BENCH_STAGES"] = str(stages)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"sphinx-build failed in {site}:\n{err[-3000:]}")
    return seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def edit_floor_description(project: Project, floor: Path) -> None:
    """The floor's counterpart of `edit_one_requirement`: the same requirement's description, in its JSON file."""
    req = project.tree.requirements[len(project.tree.requirements) // 2]
    data = floor / f"{req.spec}-{req.category or 'none'}.json"
    reqs = json.loads(data.read_text(encoding="utf-8"))
    for item in reqs:
        if item["id"] == req.id:
            item["description"] += " edited"
    data.write_text(json.dumps(reqs), encoding="utf-8")


def edit_one_requirement(project: Project, field: str) -> Path:
    """Change one requirement's description or title in its file (what an author does)."""
    req = project.tree.requirements[len(project.tree.requirements) // 2]
    path = Path(req.location.file)  # absolute: the project was loaded with display_root=<tree>
    old = getattr(req, field)
    text = path.read_text(encoding="utf-8")
    assert old and old in text, f"cannot find the {field} of {req.id} in {path}"
    path.write_text(text.replace(old, old + " edited", 1), encoding="utf-8")
    return path


# Stages of a build, each the cumulative time of one function in a cProfile of the whole process: (label,
# file suffix, function name). Nested labels are parts of the one above.
STAGES = (
    ("Sphinx application set-up (extensions, environment)", "sphinx/application.py", "__init__"),
    ("  ra2docs: the tree loaded and checked (builder-inited)", "ra2docs/sphinx/data.py", "_load_early"),
    ("    load (parse cache, model)", "ra2docs/load.py", "load_tree"),
    ("      of which unpickling the parse cache", "ra2docs/sphinx/parse_cache.py", "_read_entry"),
    ("    graph", "ra2docs/graph.py", "build"),
    ("    checks", "ra2docs/validate.py", "run_checks"),
    ("Sphinx read phase", "sphinx/builders/__init__.py", "read"),
    ("  ra2docs: page data digests (deps)", "ra2docs/sphinx/deps.py", "_pages_to_reread"),
    ("    coverage statuses (of the requirements asked)", "ra2docs/status.py", "_status"),
    ("    supporting components (of the requirements asked)", "ra2docs/sphinx/requirements.py", "_supporters_of"),
    ("  reading the outdated pages", "sphinx/builders/__init__.py", "_read_serial"),
    ("Sphinx write phase (the pages)", "sphinx/builders/__init__.py", "write"),
    ("Sphinx finish (search index, inventory, static files)", "sphinx/builders/html/__init__.py", "finish"),
)


def profile_incremental(project: Project, site: Path, out: Path, profile: Path) -> None:
    """Edit one description again, rebuild under cProfile and print where the time went, per stage."""
    import pstats

    edit_one_requirement(project, "description")
    cmd = [sys.executable, "-m", "cProfile", "-o", str(profile), "-m", "sphinx", "-q", "-b", "html", str(site),
           str(out / "html"), "-d", str(out / "dt")]
    subprocess.run(cmd, check=True, env=dict(os.environ, PYTHONPATH=str(REPO)), stdout=subprocess.DEVNULL)
    stats = pstats.Stats(str(profile)).stats  # type: ignore[attr-defined]
    total = max(v[3] for v in stats.values())
    print(f"  cProfile of a one-description rebuild: {total:.1f} s under the profiler")
    for label, suffix, name in STAGES:
        spent = max((v[3] for (f, _, fn), v in stats.items() if f.endswith(suffix) and fn == name), default=0.0)
        print(f"    {label:58} {spent:6.2f} s {spent / total:6.1%}")


def print_stages(label: str, stages: Path) -> None:
    from bench.stage_timer import phases

    marks = json.loads(stages.read_text(encoding="utf-8"))
    spent = phases(marks)
    total = marks[-1][1]
    print(f"  CPU by phase, {label} (bench/stage_timer.py, no profiler): {total:.2f} s")
    for name, seconds in spent:
        if seconds >= 0.005:
            print(f"    {name:66} {seconds:6.2f} s {seconds / total:6.1%}")


def run_size(n: int, workdir: Path, tree: Path | None, profile: bool = False,
             stages: bool = False) -> dict[str, float]:
    if tree is None:
        from bench.generate import generate_tree  # the bench helper's generator

        tree = workdir / "tree"
        generate_tree(tree, n, seed=1, max_cells=CELLS_AT_5000 if n > 5000 else None)
    project = Project.load(tree, display_root=str(tree))
    write_site(tree, project, workdir / "site", stages)
    write_floor(project, workdir / "floor", stages)

    def build(site: str, label: str) -> tuple[float, float, float]:
        marks = workdir / f"stages-{site}-{label}.json" if stages else None
        result = sphinx_build(workdir / site, workdir / f"{site}-out", marks)
        if marks is not None and label != "full":
            print_stages(f"{'the floor' if site == 'floor' else 'ra2docs'}, {label}", marks)
        return result

    floor_s, floor_mib, floor_cpu = build("floor", "full")
    _, _, floor_noop_cpu = build("floor", "nothing changed")  # Sphinx's own fixed cost of any rebuild
    edit_floor_description(project, workdir / "floor")
    floor_incr_s, _, floor_incr_cpu = build("floor", "one description edited")
    ours_s, ours_mib, ours_cpu = build("site", "full")
    _, _, noop_cpu = build("site", "nothing changed")
    edit_one_requirement(project, "description")  # shown on its chapter page only
    incr_s, _, incr_cpu = build("site", "one description edited")
    edit_one_requirement(Project.load(tree, display_root=str(tree)), "title")  # shown wherever it is linked
    title_s, _, title_cpu = build("site", "one title edited")
    if profile:
        profile_incremental(Project.load(tree, display_root=str(tree)), workdir / "site", workdir / "site-out",
                            workdir / "incremental.prof")
    cells = sum(len(r.cells) for m in project.tree.matrices for r in m.rows)
    return {"n": len(project.tree.requirements), "cells": cells, "floor_s": floor_s, "floor_mib": floor_mib,
            "floor_cpu": floor_cpu, "floor_noop_cpu": floor_noop_cpu, "floor_incr_s": floor_incr_s,
            "floor_incr_cpu": floor_incr_cpu, "ours_s": ours_s, "ours_mib": ours_mib, "ours_cpu": ours_cpu,
            "noop_cpu": noop_cpu, "incr_s": incr_s, "incr_cpu": incr_cpu, "title_s": title_s,
            "title_cpu": title_cpu}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,5000,20000", help="comma-separated N (default: %(default)s)")
    parser.add_argument("--tree", type=Path, help="benchmark this existing tree instead of generating")
    parser.add_argument("--keep", type=Path, help="keep the generated trees and builds under this folder")
    parser.add_argument("--profile", action="store_true",
                        help="also profile a one-description rebuild (cProfile) and print its stages")
    parser.add_argument("--stages", action="store_true",
                        help="time each rebuild's phases in CPU seconds (bench/stage_timer.py, no profiler)")
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
            row = run_size(n, workdir, tree, args.profile, args.stages)
        finally:
            if args.keep is None:
                shutil.rmtree(workdir, ignore_errors=True)
        rows.append(row)
        print(f"N={row['n']:>6} cells={row['cells']:>7}\n"
              f"  floor      {row['floor_s']:7.1f} s wall {row['floor_cpu']:7.1f} s CPU {row['floor_mib']:6.0f} MiB\n"
              f"  floor, nothing changed:        {row['floor_noop_cpu']:6.1f} s CPU"
              f" = {row['floor_noop_cpu'] / row['floor_cpu']:.2f} of the floor's full build's CPU\n"
              f"  floor, one description edited: {row['floor_incr_s']:6.1f} s wall {row['floor_incr_cpu']:6.1f} s CPU"
              f" = {row['floor_incr_cpu'] / row['floor_cpu']:.2f} of the floor's full build's CPU\n"
              f"  ra2docs    {row['ours_s']:7.1f} s wall {row['ours_cpu']:7.1f} s CPU {row['ours_mib']:6.0f} MiB"
              f"  = x{row['ours_cpu'] / row['floor_cpu']:.1f} the floor's CPU,"
              f" x{row['ours_mib'] / row['floor_mib']:.1f} its memory\n"
              f"  nothing changed:        {row['noop_cpu']:6.1f} s CPU"
              f" = {row['noop_cpu'] / row['ours_cpu']:.2f} of the full build's CPU\n"
              f"  one description edited: {row['incr_s']:6.1f} s wall {row['incr_cpu']:6.1f} s CPU"
              f" = {row['incr_cpu'] / row['ours_cpu']:.2f} of the full build's CPU,"
              f" x{row['incr_cpu'] / row['floor_incr_cpu']:.1f} the floor's one-description rebuild\n"
              f"  one title edited:       {row['title_s']:6.1f} s wall {row['title_cpu']:6.1f} s CPU"
              f" = {row['title_cpu'] / row['ours_cpu']:.2f} of the full build's CPU", flush=True)
    for row in rows:
        if row["n"] == 5000:
            needs_s, needs_mib = SPHINX_NEEDS_5000
            print(f"N=5000 against sphinx-needs (PERFORMANCE.md, 111.9 s, 1.1 GiB): {needs_s / row['ours_s']:.1f}x "
                  f"faster by wall time ({needs_s / row['ours_cpu']:.1f}x by CPU time), "
                  f"{row['ours_mib'] / needs_mib:.2f} of its memory")
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        print(f"growth {first['n']} -> {last['n']} requirements (x{last['n'] / first['n']:.0f}): CPU time "
              f"x{last['ours_cpu'] / first['ours_cpu']:.1f} (floor x{last['floor_cpu'] / first['floor_cpu']:.1f}), "
              f"memory x{last['ours_mib'] / first['ours_mib']:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
