"""The shipped JSON Schemas match the declarations the loader uses, and accept what the loader accepts."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from ra2docs.load import discover, read_file
from ra2docs.schema import KINDS, schema_document, schema_text
from tests.conftest import REPO, TREES

SCHEMAS = REPO / "ra2docs" / "schemas"


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_shipped_schema_is_up_to_date(kind: str) -> None:
    shipped = (SCHEMAS / f"{kind}.schema.json").read_text(encoding="utf-8")
    assert shipped == schema_text(kind), "run `make schemas` and commit the result"


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_schema_is_a_valid_json_schema(kind: str) -> None:
    jsonschema.Draft202012Validator.check_schema(schema_document(kind))


def _yaml_files() -> list[Path]:
    files = discover(TREES / "clean") + discover(TREES / "waived") + discover(TREES / "stack-gap")
    files += discover(REPO)  # the shipped tree
    return files


@pytest.mark.parametrize("path", _yaml_files(), ids=lambda p: str(p.relative_to(REPO)))
def test_files_the_loader_accepts_validate_against_their_schema(path: Path) -> None:
    findings: list = []
    parsed = read_file(path, str(path), findings)
    if parsed is None or findings:
        pytest.skip("the loader reports this file")
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    # YAML dates load as date objects; JSON Schema sees them as the strings an editor sees
    doc = json.loads(json.dumps(doc, default=str))
    jsonschema.validate(doc, schema_document(parsed[0]), format_checker=jsonschema.FormatChecker())


def test_schema_rejects_what_the_loader_rejects() -> None:
    bad = {"kind": "requirements", "spec": "RM", "requirements": [{"id": "x", "title": "t", "tilte": "typo"}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema_document("requirements"))
