"""A second reference architecture over the same RM, added with YAML alone: RA1 as upstream writes it.

RA1 names no specification IDs of its own: its chapter 2 points each RM item at a section of chapter 4 or
6. tests/trees/ra1 models exactly that: RA1's section tree (numbers as the headings nest, titles as written)
and links from those sections to the RM items, each citing the section by the label chapter 2 uses;
test_trees.py compares its full report with the committed expected.txt. Here: the real CLI checks it clean,
the graph answers traceability questions through the sections, and the same RA1 files resolve against the
shipped RM of this repository.
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
    assert "2 specs, 8 requirements, 6 links" in proc.stdout  # the RM items only: RA1 has sections, no IDs
    assert proc.stdout.count("(waived: RA1 ch.2 marks the specification") == 2  # one per item over both profiles


def test_ra1_traces_through_its_sections() -> None:
    project = Project.load(RA1)
    graph = project.graph
    assert graph.specs["RA1"].based_on == ("RM",)
    assert not [r for r in graph.requirements.values() if r.spec == "RA1"]  # no pseudo-requirements
    assert graph.linked_sections("i.cap.018", "traces", incoming=True) == ["section:RA1:4.3"]
    assert graph.linked_any("section:RA1:4.3", "traces") == ["e.cap.006", "e.cap.007", "i.cap.018",
                                                              "infra.com.cfg.003"]
    assert graph.linked_sections("e.cap.001", "traces", incoming=True) == ["section:RA1:4.1.2.5"]
    rule = project.tree.policy.rules[0]  # a section tracing to an item covers it
    assert [r.id for r in graph.uncovered(rule, "high-performance")] == ["e.cap.004", "infra.net.cfg.006"]
    assert [r.id for r in graph.uncovered(rule, "basic")] == ["e.cap.004", "infra.net.cfg.006"]


def test_a_cited_section_title_that_is_not_the_sections_is_reported(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(RA1, tree)
    links = tree / "mappings" / "specification-references.yaml"
    links.write_text(links.read_text().replace("title: workload security}", "title: workload isolation}"))
    proc = run_cli("check", str(tree))
    assert "cites section RA1 6.2.4 as 'workload isolation', but that section is titled 'Workload Security'" \
        in proc.stdout and "[ra2.section-title]" in proc.stdout


def test_ra1_traces_resolve_against_the_shipped_rm(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(REPO / "requirements" / "rm", tree / "requirements" / "rm")
    shutil.copytree(RA1 / "requirements" / "ra1", tree / "requirements" / "ra1")
    (tree / "mappings").mkdir()
    shutil.copy(RA1 / "mappings" / "specification-references.yaml", tree / "mappings")
    project = Project.load(tree)
    ra1_findings = [f for f in project.result.findings
                    if "/ra1/" in f.location.file or "specification-references" in f.location.file]
    assert ra1_findings == []
    graph = project.graph
    assert graph.linked_any("section:RA1:6.2.4", "traces") == ["infra.net.cfg.004"]
    assert graph.linked_any("section:RA1:4.3", "traces") == ["e.cap.006", "e.cap.007", "i.cap.018",
                                                              "infra.com.cfg.003"]
