"""`ra2docs export reqif`, parsed back with the independent `reqif` package and checked against the XSD."""

from __future__ import annotations

from pathlib import Path

import pytest
import reqif
import xmlschema
from reqif.parser import ReqIFParser

from ra2docs import model
from ra2docs.exports.reqif import LEVEL_ATTRIBUTE, STRING_ATTRIBUTES, attribute_value, level_value_id, reqif_document
from tests.conftest import run_cli
from tests.exchange import BASIC, load, tree_params

XSD = Path(reqif.__file__).parent / "reqif_schema" / "reqif.xsd"


@pytest.fixture(scope="module")
def xsd() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(XSD))


def export(root: Path, tmp_path: Path) -> Path:
    out = tmp_path / "spec.reqif"
    run_cli("export", "reqif", str(root), "-o", str(out), check=True)
    return out


@pytest.mark.parametrize("root", tree_params())
def test_every_requirement_attribute_and_link_survives(root: Path, tmp_path: Path, xsd: xmlschema.XMLSchema) -> None:
    path = export(root, tmp_path)
    assert [str(e.reason) for e in xsd.iter_errors(str(path))] == []
    bundle = ReqIFParser.parse(str(path))
    assert bundle.exceptions == []
    content = bundle.core_content.req_if_content
    names = {}
    for spec_type in content.spec_types:
        for attr in getattr(spec_type, "attribute_definitions", None) or ():
            names[attr.identifier] = attr.long_name
    project = load(root)
    tree = project.tree
    reqs = tree.requirement_index()
    by_foreign_id: dict[str, dict[str, object]] = {}
    identifier_of: dict[str, str] = {}
    for obj in content.spec_objects:
        if obj.spec_object_type != "SOT-requirement":
            continue
        values = {names[a.definition_ref]: a.value for a in obj.attributes}
        by_foreign_id[str(values["ReqIF.ForeignID"])] = values
        identifier_of[obj.identifier] = str(values["ReqIF.ForeignID"])
    assert set(by_foreign_id) == set(reqs)
    for rid, req in reqs.items():
        values = by_foreign_id[rid]
        for long_name, what in STRING_ATTRIBUTES:
            assert values[long_name] == attribute_value(req, what), (rid, long_name)
        assert values[LEVEL_ATTRIBUTE] == [level_value_id(req.level)]
    relation_types = {t.identifier: t.long_name for t in content.spec_types
                      if type(t).__name__ == "ReqIFSpecRelationType"}
    got = {(identifier_of[r.source], identifier_of[r.target], relation_types[r.relation_type_ref])
           for r in content.spec_relations if relation_types[r.relation_type_ref] != "verifies"}  # test cases: see
    # test_verification_exchange
    want = {(lk.source_id, lk.target_id, lk.type) for lk in project.graph.links  # resolved to keys
            if lk.source_id in reqs and lk.target_id in reqs}
    assert got == want
    in_hierarchy = set()
    for specification in content.specifications:
        for node in bundle.iterate_specification_hierarchy(specification):
            in_hierarchy.add(node.spec_object)
    assert {i for i in identifier_of} <= in_hierarchy


def test_hierarchy_follows_specs_and_sections(tmp_path: Path) -> None:
    bundle = ReqIFParser.parse(str(export(BASIC, tmp_path)))
    content = bundle.core_content.req_if_content
    titles = sorted(s.long_name for s in content.specifications)
    assert titles == ["Kubernetes Reference Architecture", "Reference Model"]
    rm = next(s for s in content.specifications if s.long_name == "Reference Model")
    levels = [(node.level, node.spec_object.split("-")[0]) for node in bundle.iterate_specification_hierarchy(rm)]
    assert levels[0] == (1, "SEC") and all(level == 2 for level, _ in levels[1:])
    assert len(levels) == 5


def test_control_characters_are_replaced_and_reported(tmp_path: Path, xsd: xmlschema.XMLSchema) -> None:
    tree = model.Tree(root=".", requirements=(model.Requirement("r.1", "S", "bell\x07 and esc\x1b", "tab\tok"),))
    data, replaced = reqif_document(tree, "2026-01-01T00:00:00+00:00")
    assert replaced == 2
    path = tmp_path / "c.reqif"
    path.write_bytes(data)
    assert list(xsd.iter_errors(str(path))) == []
    values = [a.value for a in ReqIFParser.parse(str(path)).core_content.req_if_content.spec_objects[0].attributes]
    assert "bell\ufffd and esc\ufffd" in values and "tab\tok" in values


def test_reproducible_with_source_date_epoch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    outs = []
    for name in ("a", "b"):
        out = tmp_path / f"{name}.reqif"
        run_cli("export", "reqif", str(BASIC), "-o", str(out), check=True)
        outs.append(out.read_bytes())
    assert outs[0] == outs[1] and b"2023-11-14T22:13:20+00:00" in outs[0]
