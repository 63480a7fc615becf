"""Property-based tests of the two importers that read files from outside: whatever a vendor's workbook or a
needs.json holds, the reader returns a result or its own clear error, never another exception."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ra2docs.exports.needs_import import NeedsFileError, convert, read_needs
from ra2docs.project import Project
from ra2docs.xlsx.answers import read_answers
from ra2docs.xlsx.guard import WorkbookError
from tests.conftest import run_cli
from tests.hostile.setups import SAMPLE

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, dict[str, bytes]]:
    tree = tmp_path_factory.mktemp("fuzz") / "tree"
    shutil.copytree(SAMPLE, tree)
    book = tree / "book.xlsx"
    run_cli("export", "xlsx", "-o", str(book), str(tree), "--date", "2026-01-02", check=True)
    with zipfile.ZipFile(book) as z:
        members = {name: z.read(name) for name in z.namelist()}
    return Project.load(tree), members


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


XML_PIECES = st.sampled_from([
    b"<row>", b"</row>", b'<row r="2">', b'<row r="99999999">', b"<c>", b"</c>", b'<c r="A2" t="s">',
    b'<c r="XFD2" t="inlineStr">', b'<c t="b">', b'<c t="e">', b'<c s="3">', b"<v>", b"</v>", b"<v>1e308</v>",
    b"<v>NaN</v>", b"<v>-1</v>", b"<v>99999999</v>", b"<is><t>", b"</t></is>", b"<f>SUM(A1)</f>", b"&amp;",
    b"&lt;", b"&bogus;", b"<!DOCTYPE x>", b"<![CDATA[", b"]]>", b"<?xml version='1.0'?>", b"\x00", b"\xff",
    b"ra.ntw.001", b"Fully compliant", b"<sheetData>", b"</sheetData>", b"<si><t>x</t></si>", b" ", b"\n",
])
MEMBERS = ("xl/worksheets/sheet2.xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml")


@SETTINGS
@given(member=st.sampled_from(MEMBERS), cut=st.integers(0, 100_000), pieces=st.lists(XML_PIECES, max_size=30))
def test_workbook_reader_never_raises_anything_else(tmp_path: Path, exported: tuple[Project, dict[str, bytes]],
                                                    member: str, cut: int, pieces: list[bytes]) -> None:
    project, members = exported
    members = dict(members)
    data = members.get(member, b"")
    at = cut % (len(data) + 1)
    members[member] = data[:at] + b"".join(pieces) + data[at:]
    path = tmp_path / "fuzzed.xlsx"
    path.write_bytes(_zip(members))
    try:
        result = read_answers(path, project)
    except WorkbookError as exc:
        assert exc.code.startswith("xlsx.") and exc.message
        return
    for problem in result.problems:
        assert problem.code.startswith("xlsx.") and problem.message


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=20)
NEED = st.dictionaries(st.sampled_from(["id", "title", "type", "content", "level", "profiles", "tags", "status",
                                        "section", "source", "traces", "links", "ra2docs_id", "spec", "x"]),
                       JSON_VALUES, max_size=8)


@SETTINGS
@given(needs=st.dictionaries(st.text(max_size=10), NEED | JSON_VALUES, max_size=6),
       extra=st.sampled_from(["", "NaN", "[" * 200, "\ufeff", "{}", "Infinity"]))
def test_needs_importer_never_raises_anything_else(tmp_path: Path, needs: dict, extra: str) -> None:
    doc = json.dumps({"current_version": "1", "versions": {"1": {"needs": needs}}})
    path = tmp_path / "needs.json"
    path.write_text(doc if not extra else doc[:-1] + f', "x": {extra}}}' if extra in ("NaN", "{}", "Infinity")
                    else extra + doc, encoding="utf-8")
    try:
        _, found, links = read_needs(path)
    except NeedsFileError as exc:
        assert str(exc)
        return
    result = convert(found, "RA", r"^ra\.[a-z]+\.\d{3}$", set(), links)
    for req in result.requirements:
        assert isinstance(req["id"], str) and isinstance(req["title"], str)
        for key in ("description", "category", "section", "status", "source"):
            assert isinstance(req.get(key, ""), str), req
    assert all(isinstance(line, str) and "\n" not in line for line in result.report_lines())
