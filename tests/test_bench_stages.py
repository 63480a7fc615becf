"""bench/stage_timer.py: a build's CPU by phase, read at Sphinx's events, without changing what is built."""

from __future__ import annotations

import filecmp
import json
from pathlib import Path

from bench.bench_html import sphinx_build, write_site
from bench.generate import generate_tree
from bench.stage_timer import MARKS, phases
from ra2docs.project import Project


def _same_tree(a: Path, b: Path) -> bool:
    cmp = filecmp.dircmp(a, b)
    if cmp.left_only or cmp.right_only or cmp.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(a, b, cmp.common_files, shallow=False)
    return not mismatch and not errors and all(_same_tree(a / d, b / d) for d in cmp.common_dirs)


def test_marks_every_phase_in_order_and_changes_no_output(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    generate_tree(tree, 40, seed=2)
    project = Project.load(tree, display_root=str(tree))
    write_site(tree, project, tmp_path / "timed", stages=True)
    write_site(tree, project, tmp_path / "plain")

    marks_file = tmp_path / "full.json"
    sphinx_build(tmp_path / "timed", tmp_path / "timed-out", marks_file)
    marks = json.loads(marks_file.read_text(encoding="utf-8"))
    labels = [label for label, _ in marks]
    # a full build reaches every event the timer listens to, in the order the phases are declared
    assert labels[1:-1] == [label for _, _, label in MARKS]
    seconds = [t for _, t in marks]
    assert seconds == sorted(seconds) and seconds[0] > 0
    assert abs(sum(s for _, s in phases(marks)) - seconds[-1]) < 1e-9

    # without the variable the timer writes nothing; with or without it, the site is the same bytes
    sphinx_build(tmp_path / "plain", tmp_path / "plain-out")
    assert not list((tmp_path / "plain-out").glob("*.json"))
    assert _same_tree(tmp_path / "timed-out" / "html", tmp_path / "plain-out" / "html")

    # a rebuild with nothing to read skips events (no environment to pickle): its marks keep their order,
    # and the phase of a missing mark falls to the next one
    noop_file = tmp_path / "noop.json"
    sphinx_build(tmp_path / "timed", tmp_path / "timed-out", noop_file)
    noop = [label for label, _ in json.loads(noop_file.read_text(encoding="utf-8"))]
    assert [label for label in labels if label in noop] == noop
    assert noop[0] == labels[0] and noop[-1] == labels[-1] and len(noop) >= len(labels) - 2
