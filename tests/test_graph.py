"""Named queries of the graph, and waiver matching."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ra2docs import model
from ra2docs.errors import Finding, Location
from ra2docs.project import Project
from ra2docs.validate import apply_waivers, waiver_matches
from tests.conftest import TREES


def test_covering_and_supports() -> None:
    sg = Project.load(TREES / "clean").graph
    assert sg.traced_by("req.inf.ntw.01") == ["ra.ntw.001"]
    assert sg.traces_of("ra.ntw.002") == ["req.inf.ntw.02"]
    cover = {(c.how, c.by, c.level, c.covers) for c in sg.covering("ra.ntw.002")}
    assert cover == {("supports", "multus", "not-supported", False), ("supports", "danm", "supported", True)}
    assert ("ra.ntw.001", "supported", "cni") in sg.supports("multus")


def test_uncovered_per_profile() -> None:
    sg = Project.load(TREES / "uncovered").graph
    rule = next(r for r in sg.tree.policy.rules if r.id == "rm-traced")
    # req.inf.ntw.02 applies to high-performance only: a gap there, none under basic
    assert [r.id for r in sg.uncovered(rule, "high-performance")] == ["req.inf.ntw.02"]
    assert sg.uncovered(rule, "basic") == []


def test_stack_coverage_counts_only_its_components() -> None:
    sg = Project.load(TREES / "stack-gap").graph
    stack = sg.tree.stacks[0]
    rule = next(r for r in sg.tree.policy.rules if r.id == "ra-supported")
    assert [r.id for r in sg.uncovered(rule, None, stack)] == ["ra.ntw.002"]
    assert sg.uncovered(rule, None) == []


def test_neighbourhood() -> None:
    sg = Project.load(TREES / "clean").graph
    nodes = set(sg.neighbourhood("ra.ntw.001").nodes)
    assert nodes == {"ra.ntw.001", "req.inf.ntw.01", "multus", "danm"}


def _finding(**kw: object) -> Finding:
    base = {"code": "ra2.uncovered", "message": "m", "location": Location("mappings/a.yaml", 3, 1),
            "subject": "req.inf.ntw.04", "scope": {"profile": "basic"}}
    base.update(kw)
    return Finding(**base)  # type: ignore[arg-type]


def test_waiver_matching_rules() -> None:
    w = model.Waiver(code="ra2.uncovered", target="req.inf.ntw.*", reason="r")
    assert waiver_matches(w, _finding())
    assert not waiver_matches(w, _finding(code="ra2.dangling-ref"))
    assert not waiver_matches(w, _finding(subject="req.inf.stg.01"))
    scoped = model.Waiver(code="ra2.uncovered", target="*", reason="r", scope={"profile": "high-performance"})
    assert not waiver_matches(scoped, _finding())
    by_file = model.Waiver(code="ra2.*", target="*", reason="r", file="a.yaml")
    assert waiver_matches(by_file, _finding())
    assert not waiver_matches(by_file, _finding(location=Location("mappings/b.yaml", 1, 1)))


def test_waiver_expiry_is_relative_to_today() -> None:
    w = model.Waiver(code="ra2.uncovered", target="*", reason="r", expires=dt.date(2026, 6, 30))
    before = apply_waivers([_finding()], [w], today=dt.date(2026, 6, 30))
    assert [f.waived_by for f in before] == ["r"]
    after = apply_waivers([_finding()], [w], today=dt.date(2026, 7, 1))
    assert sorted(f.code for f in after) == ["ra2.uncovered", "ra2.waiver-expired"]
    assert all(not f.waived_by for f in after)


def test_second_reference_architecture_needs_no_code(tmp_path: Path) -> None:
    """A spec over the same RM with a new ID pattern, its own matrix and rule: data only."""
    import shutil

    root = tmp_path / "tree"
    shutil.copytree(TREES / "clean", root)
    (root / "requirements" / "ra1-spec.yaml").write_text(
        "kind: spec\nid: RA1\ntitle: OpenStack RA\nid_pattern: '^ra1\\.[a-z]{3}\\.\\d{3}$'\nbased_on: [RM]\n")
    (root / "requirements" / "ra1.yaml").write_text(
        "kind: requirements\nspec: RA1\nrequirements:\n  - id: ra1.ntw.001\n    title: Neutron networks\n"
        "    traces: [req.inf.ntw.01]\n")
    (root / "mappings" / "policy-ra1.yaml").write_text(
        "kind: policy\nrules:\n  - {id: ra1-supported, spec: RA1, covered_by: support}\n")
    project = Project.load(root)
    codes = [(f.code, f.subject) for f in project.result.open]
    assert codes == [("ra2.uncovered", "ra1.ntw.001")]
    assert project.graph.traced_by("req.inf.ntw.01") == ["ra.ntw.001", "ra1.ntw.001"]
