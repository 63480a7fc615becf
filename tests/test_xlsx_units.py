"""Small pure pieces of the RFP round trip: vendor file names, answer parsing, sheet names, the archive guard."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from ra2docs.responses import parse_answer, vendor_slug
from ra2docs.xlsx.guard import WorkbookError, check_archive
from ra2docs.xlsx.selection import Selection
from ra2docs.xlsx.workbook import row_height, sheet_name


@pytest.mark.parametrize(("name", "slug"), [
    ("ACME Cloud, Inc.", "acme-cloud-inc"), ("../../etc/passwd", "etc-passwd"), ("Ünïcödé GmbH", "unicode-gmbh"),
    ("  spaced  ", "spaced"), ("日本", "日本"), ("ＡＣＭＥ", "acme"), ("Acme!", "acme"), ("!!", ""),
])
def test_vendor_slug_cannot_leave_the_responses_folder(name: str, slug: str) -> None:
    assert vendor_slug(name) == slug
    assert "/" not in vendor_slug(name) and ".." not in vendor_slug(name)


@pytest.mark.parametrize(("text", "answer"), [
    ("Fully compliant", "fully-compliant"), ("  fully   COMPLIANT ", "fully-compliant"),
    ("partially-compliant", "partially-compliant"), ("Not_compliant", "not-compliant"), ("roadmap", "roadmap"),
    ("Yes", None), ("compliant", None), ("", None), ("=Roadmap", None),
])
def test_answers_are_matched_leniently_but_only_from_the_vocabulary(text: str, answer: str | None) -> None:
    assert parse_answer(text) == answer


def test_sheet_names_are_legal_and_unique() -> None:
    taken = ["Requirements"]
    assert sheet_name("requirements", taken) == "requirements (2)"
    long = sheet_name("a/very:long*matrix?name[with]bad\\chars-and-more", taken)
    assert len(long) <= 31 and not set("[]:*?/\\") & set(long)


def test_row_height_grows_with_wrapped_text() -> None:
    assert row_height([("short", 20)]) is None
    assert row_height([("x" * 100, 20)]) == 15.0 * 5
    assert row_height([("x" * 100_000, 10)]) == 409.0


def test_selection_round_trips_through_json_and_rejects_junk() -> None:
    sel = Selection(specs=("RA2",), profile="basic", ids=("a", "b"), regex="^x")
    assert Selection.from_json(sel.to_json()) == sel
    for junk in ("[]", '{"specs": "RA2"}', '{"evil": []}', '{"profile": 3}'):
        with pytest.raises(ValueError):
            Selection.from_json(junk)


def test_guard_measures_the_zip_directory_not_the_content(tmp_path: Path) -> None:
    big = tmp_path / "big.xlsx"
    with zipfile.ZipFile(big, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", "".join(f'<c r="A{i}"><v>{i * 7919 % 10007}</v></c>'
                                                        for i in range(50_000)))  # 1.6 MB, packs like a sheet
    check_archive(big)  # within every limit
    with pytest.raises(WorkbookError) as err:
        check_archive(big, max_uncompressed=1_000_000)
    assert err.value.code == "xlsx.too-large"
