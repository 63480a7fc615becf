"""The verification chain in the library: `verifies` expansion, the status of a requirement on a stack,
claims against evidence, and where they show in the JSON outputs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from ra2docs.exports.json_model import model_document
from ra2docs.project import Project
from ra2docs.verification import claims, requirement_status, verification
from tests.conftest import REPO, TREES, run_cli

HERE = Path(__file__).parent


def _project(name: str) -> Project:
    return Project.load(TREES / name, display_root=".")


def test_globs_ids_and_sections_expand_to_requirements() -> None:
    v = verification(_project("verifies-nothing").graph)
    assert v.verifies["tc.ntw.all"] == ["ra.ntw.001", "ra.ntw.002"]  # section RA:4.5
    assert v.verifies["tc.stg.volumes"] == [] and v.verifies["tc.ntw.dual"] == []
    assert {(u.test.id, u.entry, u.why) for u in v.unmatched} == {
        ("tc.stg.volumes", "ra.stg.*", "no-match"), ("tc.k8s.api", "RA:4.2", "no-match"),
        ("tc.k8s.api", "RAX:4.2", "unknown-spec"), ("tc.ntw.dual", "ra.ntw.003", "unknown-id")}
    assert v.verified_by["ra.ntw.002"] == ["tc.ntw.all"]


def test_status_climbs_from_specified_to_passed_or_failed() -> None:
    sg = _project("claim-contradicted").graph
    assert requirement_status(sg, "req.inf.ntw.01").state == "specified"
    overall = requirement_status(sg, "ra.ntw.001")
    assert (overall.state, overall.supported, overall.tests) == ("verified", True, ("tc.ntw.pods",))
    on_stack = requirement_status(sg, "ra.ntw.001", "acme-k8s")
    assert (on_stack.state, on_stack.outcomes) == ("failed", {"tc.ntw.pods": "failed"})
    assert on_stack.summary == "1 failed (of 1)"
    not_run = requirement_status(sg, "ra.ntw.002", "acme-k8s")
    assert (not_run.state, not_run.outcomes) == ("verified", {"tc.ntw.dual": "not-run"})


def test_status_passes_only_when_every_verifying_test_passed(tmp_path: Path) -> None:
    tree = tmp_path / "t"
    shutil.copytree(TREES / "claim-contradicted", tree)
    (tree / "results" / "acme-k8s.yaml").write_text(
        "kind: results\nstack: acme-k8s\nresults:\n  - {test: tc.ntw.pods, outcome: passed}\n"
        "  - {test: tc.ntw.dual, outcome: skipped}\n", encoding="utf-8")
    sg = Project.load(tree).graph
    assert requirement_status(sg, "ra.ntw.001", "acme-k8s").state == "passed"
    assert requirement_status(sg, "ra.ntw.002", "acme-k8s").state == "verified"  # skipped is no pass
    assert requirement_status(sg, "ra.ntw.001", "nowhere").state == "verified"  # no results there
    assert not requirement_status(sg, "ra.ntw.001", "nowhere").supported  # no component in that stack
    found = {(c.requirement, c.problem) for c in claims(sg)}
    assert found == {("ra.ntw.002", "not-run")}  # the failed claim is gone once the test passed


def test_claims_name_vendor_stack_and_tests() -> None:
    found = claims(_project("claim-contradicted").graph)
    assert [(c.vendor, c.requirement, c.stack, c.problem, c.tests) for c in found] == [
        ("ACME", "ra.ntw.001", "acme-k8s", "failed", ("tc.ntw.pods",)),
        ("ACME", "ra.ntw.002", "acme-k8s", "not-run", ("tc.ntw.dual",))]


def test_unverified_findings_are_waivable(tmp_path: Path) -> None:
    tree = tmp_path / "t"
    shutil.copytree(TREES / "unverified", tree)
    (tree / "mappings" / "waivers.yaml").write_text(
        "kind: waivers\nwaivers:\n  - code: ra2.unverified\n    target: ra.ntw.002\n"
        "    reason: the dual-stack test is being written\n", encoding="utf-8")
    assert run_cli("check", str(tree.parent / "t")).returncode == 0
    assert run_cli("check", str(TREES / "unverified")).returncode == 1


def test_check_json_carries_each_requirements_status() -> None:
    proc = run_cli("check", str(TREES / "claim-contradicted"), "--format", "json")
    doc = json.loads(proc.stdout)
    assert doc["verification"]["ra.ntw.001"]["stacks"]["acme-k8s"] == {
        "state": "failed", "supported": True, "outcomes": {"tc.ntw.pods": "failed"}}
    assert doc["checked"]["testcases"] == 2 and doc["checked"]["results"] == 1


@pytest.mark.parametrize("name", ["claim-contradicted", "verifies-nothing", "clean"])
def test_json_export_holds_testcases_results_and_status_and_follows_its_schema(name: str) -> None:
    project = _project(name)
    doc = json.loads(json.dumps(model_document(project.tree, project.result, project.graph)))
    schema = json.loads((REPO / "ra2docs" / "schemas" / "model-export.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(doc, schema)
    if name == "clean":
        assert doc["testcases"] == [] and doc["verification"] == {}
    elif name == "claim-contradicted":
        assert [t["id"] for t in doc["testcases"]] == ["tc.ntw.dual", "tc.ntw.pods"]
        assert doc["testcases"][0]["verified_requirements"] == ["ra.ntw.002"]
        assert doc["results"][0]["outcomes"][0]["outcome"] == "failed"
        assert doc["verification"]["ra.ntw.002"]["state"] == "verified"


def test_the_one_status_carries_the_verification_part() -> None:
    from ra2docs import status

    project = _project("claim-contradicted")
    req = project.graph.requirements["ra.ntw.001"]
    st = status.requirement_status(project, req)
    assert st.part("verification") == "verified" and st.value == "covered"  # coverage stays the value
    assert status.requirement_status(_project("clean"), _project("clean").graph.requirements["ra.ntw.001"]) \
        .part("verification") is None  # no test case: nothing to say
