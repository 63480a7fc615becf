"""`ra2docs export json`, checked with jsonschema against the shipped schema."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from ra2docs.exports.json_model import FORMAT_VERSION
from tests.conftest import run_cli
from tests.exchange import BASIC, HOSTILE, REPO, load, tree_params

SCHEMA = json.loads((REPO / "ra2docs" / "schemas" / "model-export.schema.json").read_text(encoding="utf-8"))


def validator() -> jsonschema.Draft202012Validator:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    return jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())


def export(root: Path, tmp_path: Path, *extra: str) -> dict:
    out = tmp_path / "model.json"
    run_cli("export", "json", str(root), "-o", str(out), *extra, check=True)
    return json.loads(out.read_text(encoding="utf-8"))


@pytest.mark.parametrize("root", tree_params())
def test_export_is_valid_and_complete(root: Path, tmp_path: Path) -> None:
    doc = export(root, tmp_path, "--findings")
    errors = [f"{e.json_path}: {e.message}" for e in validator().iter_errors(doc)]
    assert errors == []
    assert doc["version"] == FORMAT_VERSION
    tree = load(root).tree
    by_key = sorted(tree.requirements, key=lambda r: (r.spec, r.id, r.location.file, r.location.line))
    assert [(r["spec"], r["id"], r["title"], r["description"]) for r in doc["requirements"]] == [
        (r.spec, r.id, r.title, r.description) for r in by_key]  # duplicates of an ID included, in file order
    assert len(doc["links"]) == len(tree.all_links())
    assert {m["id"]: sum(len(r["cells"]) for r in m["rows"]) for m in doc["matrices"]} == {
        m.id: sum(len(r.cells) for r in m.rows) for m in tree.matrices}
    assert len(doc["components"]) == len(tree.components)
    assert "findings" in doc


def test_sample_content(tmp_path: Path) -> None:
    doc = export(BASIC, tmp_path)
    assert "findings" not in doc
    req = next(r for r in doc["requirements"] if r["id"] == "req.inf.ntw.02")
    assert req["profiles"] == {"basic": "may", "network-intensive": "must"}
    assert req["level"] == "should"
    assert req["location"] == {"file": "requirements/rm.yaml", "line": 13, "column": 5}
    link = next(lk for lk in doc["links"] if lk["from"] == "ra2.stg.001" and lk["to"] == "req.gen.rsl.01")
    assert link["note"] == "stated apart" and link["type"] == "traces"
    assert doc["waivers"][0]["expires"] == "2099-01-01"
    cell = doc["matrices"][0]["rows"][0]["cells"][1]
    assert cell == {"column": "multus", "level": "partial", "via": "calico", "note": "delegates", "text": "",
                    "location": cell["location"]}
    assert [a["id"] for a in doc["responses"][0]["answers"]] == ["ra2.ntw.001", "ra2.stg.001"]


def test_hostile_text_survives(tmp_path: Path) -> None:
    doc = export(HOSTILE, tmp_path)
    by_id = {r["id"]: r for r in doc["requirements"]}
    tree = load(HOSTILE).tree
    for req in tree.requirements:
        assert by_id[req.id]["title"] == req.title
        assert by_id[req.id]["description"] == req.description
        assert by_id[req.id]["tags"] == list(req.tags)
    assert len(by_id["a b/c:d#e?f"]["description"]) > 30_000
    raw = (tmp_path / "model.json").read_text(encoding="utf-8")
    assert "中文" in raw  # UTF-8 as is, not \\u escapes


def test_deterministic_and_independent_of_where_the_tree_is(tmp_path: Path) -> None:
    first = tmp_path / "a.json"
    second = tmp_path / "b.json"
    copy = tmp_path / "elsewhere" / "tree"
    shutil.copytree(BASIC, copy)
    run_cli("export", "json", str(BASIC), "-o", str(first), check=True)
    run_cli("export", "json", ".", "-o", str(second), cwd=copy, check=True)
    assert first.read_bytes() == second.read_bytes()


def test_stdout_and_bad_root(tmp_path: Path) -> None:
    proc = run_cli("export", "json", str(BASIC))
    assert proc.returncode == 0 and json.loads(proc.stdout)["format"] == "ra2docs-model"
    proc = run_cli("export", "json", str(tmp_path / "missing"))
    assert proc.returncode == 2 and "no such folder" in proc.stderr and "Traceback" not in proc.stderr


def test_a_folded_finding_is_valid_in_the_export(tmp_path: Path) -> None:
    """A mistyped matrix row that was all that covered a requirement: its finding carries the gap (`folded`)."""
    root = tmp_path / "tree"
    run_cli("init", str(root), check=True)
    matrix = root / "mappings" / "matrix.yaml"
    matrix.write_text(matrix.read_text(encoding="utf-8").replace("requirement: ops.ntw.001", "requirement: ops.ntw.01"),
                      encoding="utf-8")
    proc = run_cli("export", "json", str(root), "-o", str(tmp_path / "model.json"), "--findings", "--allow-errors")
    doc = json.loads((tmp_path / "model.json").read_text(encoding="utf-8"))
    assert [e.message for e in validator().iter_errors(doc)] == [], proc.stderr
    (finding,) = doc["findings"]
    assert [f["code"] for f in finding["folded"]] == ["ra2.uncovered"]
