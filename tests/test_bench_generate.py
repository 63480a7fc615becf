"""The synthetic generator writes valid trees of the requested shape, the same for the same seed."""

from __future__ import annotations

from pathlib import Path

from bench.generate import generate_tree
from ra2docs.errors import Severity
from ra2docs.project import Project


def test_shape_and_validity(tmp_path: Path) -> None:
    shape = generate_tree(tmp_path / "t", 200, seed=3)
    project = Project.load(tmp_path / "t")
    assert project.loaded.findings == []
    counts = project.result.counts
    assert counts["requirements"] == 200 and shape["rm"] == shape["ra"] == 100
    assert counts["components"] == 10 and counts["cells"] == shape["cells"]
    # 30% of 200 each, plus a supporting cell for an RA requirement the draw left uncovered by chance
    assert 10 * 60 * 0.9 < shape["cells"] <= 10 * 60 + 100
    assert counts["links"] == shape["links"] and 100 <= shape["links"] <= 300
    errors = [f for f in project.result.open if f.effective_severity == Severity.ERROR]
    assert {f.code for f in errors} == {"ra2.uncovered"}
    assert 0 < len({f.subject for f in errors}) <= shape["uncovered"]


def test_waived_tree_checks_clean_and_cap_applies(tmp_path: Path) -> None:
    shape = generate_tree(tmp_path / "t", 400, seed=1, max_cells=1000, waive=True)
    assert 900 <= shape["cells"] <= 1000 + 200  # the cap, plus the cells that keep non-gaps covered
    project = Project.load(tmp_path / "t")
    assert [f for f in project.result.open if f.effective_severity == Severity.ERROR] == []


def test_same_seed_same_files(tmp_path: Path) -> None:
    generate_tree(tmp_path / "a", 300, seed=7)
    generate_tree(tmp_path / "b", 300, seed=7)
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.yaml"))
    files_b = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*.yaml"))
    assert files_a and files_a == files_b
    assert all((tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files_a)
