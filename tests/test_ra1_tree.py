"""A second reference architecture over the same RM, added with YAML alone (issue 3, item 4).

tests/trees/ra1 holds a few real RA1 (OpenStack) specifications and the RM items RA1 chapter 2 maps to
them; test_trees.py compares its full report with the committed expected.txt. Here: the real CLI checks
it clean, and the same RA1 files also resolve against the shipped RM of this repository.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ra2docs.project import Project
from tests.conftest import REPO, TREES, run_cli

RA1 = TREES / "ra1"


def test_ra1_sample_tree_checks_clean() -> None:
    proc = run_cli("check", "--show-waived", str(RA1))
    assert proc.returncode == 0, proc.stdout
    assert "2 specs, 11 requirements, 6 links" in proc.stdout
    assert proc.stdout.count("(waived: RA1 ch.2 marks the specification") == 2  # one per item over both profiles


def test_ra1_graph_answers_the_same_questions_as_ra2() -> None:
    project = Project.load(RA1)
    graph = project.graph
    assert graph.specs["RA1"].based_on == ("RM",)
    assert graph.traced_by("i.cap.018") == ["ra1.ch04.consumable-infrastructure-resources-and-services"]
    rule = project.tree.policy.rules[0]
    assert [r.id for r in graph.uncovered(rule, "high-performance")] == ["e.cap.004", "infra.net.cfg.006"]
    assert [r.id for r in graph.uncovered(rule, "basic")] == ["e.cap.004", "infra.net.cfg.006"]


def test_ra1_traces_resolve_against_the_shipped_rm(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(REPO / "requirements" / "rm", tree / "requirements" / "rm")
    shutil.copytree(RA1 / "requirements" / "ra1", tree / "requirements" / "ra1")
    project = Project.load(tree)
    ra1_findings = [f for f in project.result.findings if "/ra1/" in f.location.file]
    assert ra1_findings == []
    graph = project.graph
    assert "ra1.ch06.workload-security" in graph.traced_by("infra.net.cfg.004")
    assert graph.traces_of("ra1.ch04.consumable-infrastructure-resources-and-services") == [
        "e.cap.006", "e.cap.007", "i.cap.018", "infra.com.cfg.003"]
