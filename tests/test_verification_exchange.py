"""Test cases and their `verifies` links in the exchange formats: needs.json read back by the real
sphinx-needs, ReqIF checked against the XSD and parsed by the independent `reqif` package."""

from __future__ import annotations

from pathlib import Path

import pytest
import xmlschema
from reqif.parser import ReqIFParser

from tests.conftest import TREES, run_cli
from tests.test_export_needs import build_importer
from tests.test_export_reqif import XSD

TREE = TREES / "verifies-nothing"  # a section, a glob that matches nothing, a dangling ID


def test_needs_json_carries_test_cases_and_verifies_links(tmp_path: Path) -> None:
    needs, html = build_importer(TREE, tmp_path)
    tests = {n["ra2docs_id"]: n for n in needs.values() if n["type"] == "test"}
    assert set(tests) == {"tc.ntw.all", "tc.stg.volumes", "tc.k8s.api", "tc.ntw.dual"}
    assert sorted(tests["tc.ntw.all"]["verifies"]) == ["RA_NTW_001", "RA_NTW_002"]  # section RA:4.5 expanded
    assert tests["tc.stg.volumes"]["verifies"] == [] and tests["tc.ntw.dual"]["verifies"] == []
    assert tests["tc.ntw.all"]["suite"] == "Sample conformance" and tests["tc.ntw.all"]["tool"] == "pytest"
    assert needs["RA_NTW_001"]["verifies_back"] == ["TC_NTW_ALL"]  # sphinx-needs resolved the link
    assert 'id="TC_NTW_ALL"' in html


@pytest.fixture(scope="module")
def xsd() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(XSD))


def test_reqif_carries_test_cases_and_verifies_relations(tmp_path: Path, xsd: xmlschema.XMLSchema) -> None:
    out = tmp_path / "spec.reqif"
    run_cli("export", "reqif", str(TREE), "-o", str(out), check=True)
    assert [str(e.reason) for e in xsd.iter_errors(str(out))] == []
    bundle = ReqIFParser.parse(str(out))
    assert bundle.exceptions == []
    content = bundle.core_content.req_if_content
    names = {a.identifier: a.long_name for t in content.spec_types
             for a in (getattr(t, "attribute_definitions", None) or ())}
    foreign = {}
    for obj in content.spec_objects:
        values = {names[a.definition_ref]: a.value for a in obj.attributes}
        if "ReqIF.ForeignID" in values:
            foreign[obj.identifier] = (obj.spec_object_type, values["ReqIF.ForeignID"], values)
    tests = {fid: values for kind, fid, values in foreign.values() if kind == "SOT-testcase"}
    assert set(tests) == {"tc.ntw.all", "tc.stg.volumes", "tc.k8s.api", "tc.ntw.dual"}
    assert tests["tc.ntw.all"]["Suite"] == "Sample conformance" and tests["tc.ntw.all"]["Tool"] == "pytest"
    types = {t.identifier: t.long_name for t in content.spec_types if type(t).__name__ == "ReqIFSpecRelationType"}
    verifies = {(foreign[r.source][1], foreign[r.target][1]) for r in content.spec_relations
                if types[r.relation_type_ref] == "verifies"}
    assert verifies == {("tc.ntw.all", "ra.ntw.001"), ("tc.ntw.all", "ra.ntw.002")}
    assert "Test cases" in {s.long_name for s in content.specifications}


def test_diff_reports_test_cases_added_removed_and_verification_lost(tmp_path: Path) -> None:
    import json
    import shutil

    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(TREE, old)
    shutil.copytree(TREE, new)
    tests = new / "requirements" / "tests.yaml"
    text = tests.read_text(encoding="utf-8").replace('verifies_sections: ["RA:4.5"]', "verifies: [ra.ntw.001]")
    text = text.replace("  - id: tc.ntw.dual\n    title: A pod gets an IPv4 and an IPv6 address\n"
                        "    verifies: [ra.ntw.003]\n",
                        "  - id: tc.ntw.dual6\n    title: A pod gets an IPv6 address\n    verifies: [ra.ntw.002]\n")
    tests.write_text(text, encoding="utf-8")
    proc = run_cli("diff", str(old), str(new), "--allow-errors", "--exit-code")
    assert proc.returncode == 1
    assert "test cases added (1):\n  + tc.ntw.dual6  A pod gets an IPv6 address" in proc.stdout
    assert "test cases removed (1):\n  - tc.ntw.dual  A pod gets an IPv4 and an IPv6 address" in proc.stdout
    assert "verification lost (1):\n  - ra.ntw.002 no longer verified by tc.ntw.all" in proc.stdout
    doc = json.loads(run_cli("diff", str(old), str(new), "--format", "json", "--allow-errors", check=True).stdout)
    assert doc["verification_lost"] == [{"requirement": "ra.ntw.002", "test": "tc.ntw.all"}]
    assert doc["verification_gained"] == []  # tc.ntw.dual6 is new: reported as added, not as a gain
    assert run_cli("diff", str(old), str(old), "--exit-code", "--allow-errors").returncode == 0
