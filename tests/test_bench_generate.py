"""The synthetic benchmark tree: valid, in the requested shape, and the same for the same seed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bench.generate import generate_tree
from ra2docs.project import Project

N = 200


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    out = tmp_path_factory.mktemp("synthetic")
    return out, generate_tree(out, N, seed=7)


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.yaml"))}


def test_loads_without_findings_except_the_waived_gaps(tree: tuple[Path, dict[str, int]]) -> None:
    root, counts = tree
    project = Project.load(root)
    assert project.loaded.findings == []
    assert project.result.open == []
    waived = project.result.waived
    assert len(waived) == counts["uncovered"] > 0
    assert {f.code for f in waived} == {"ra2.uncovered"}


def test_counts_match_the_requested_shape(tree: tuple[Path, dict[str, int]]) -> None:
    root, counts = tree
    t = Project.load(root).tree
    assert len(t.requirements) == counts["requirements"] == N
    by_spec = {s: [r for r in t.requirements if r.spec == s] for s in ("RM", "RA")}
    assert len(by_spec["RM"]) == len(by_spec["RA"]) == N // 2
    assert all(1 <= len(r.traces) <= 3 for r in by_spec["RA"])
    assert len(t.components) == counts["components"] == N // 20
    assert {c.kind for c in t.components} == {"host-os", "kernel", "kubernetes", "runtime", "cni", "csi"}
    cells = sum(len(row.cells) for m in t.matrices for row in m.rows)
    assert cells == counts["cells"]
    # 30% of the requirements per component, plus the few cells added so every covered RA requirement is
    assert counts["components"] * round(N * 0.3) <= cells <= counts["components"] * round(N * 0.3) + N // 2
    assert counts["uncovered"] == round(N / 2 * 0.03) * 2
    words = [len(r.title.split()) for r in t.requirements]
    assert set(words) == {20}
    assert all(len(r.description.split()) == 80 for r in t.requirements)


def test_max_cells_caps_the_matrix(tmp_path: Path) -> None:
    counts = generate_tree(tmp_path, N, max_cells=300)
    assert counts["cells"] <= 300 + N // 2
    assert Project.load(tmp_path).result.open == []


def test_same_seed_same_files_other_seed_other_files(tree: tuple[Path, dict[str, int]], tmp_path: Path) -> None:
    root, _ = tree
    generate_tree(tmp_path / "again", N, seed=7)
    generate_tree(tmp_path / "other", N, seed=8)
    assert _files(root) == _files(tmp_path / "again")
    assert _files(root) != _files(tmp_path / "other")


def test_unwaived_gaps_fail_the_check_cli(tmp_path: Path) -> None:
    counts = generate_tree(tmp_path, N, waive_uncovered=False)
    assert not (tmp_path / "mappings/waivers.yaml").exists()
    done = subprocess.run([sys.executable, "-m", "ra2docs", "check", str(tmp_path)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.count("[ra2.uncovered]") == counts["uncovered"]
    clean = generate_tree(tmp_path, N)
    assert clean["waivers"] == clean["uncovered"]
    done = subprocess.run([sys.executable, "-m", "ra2docs", "check", str(tmp_path)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
