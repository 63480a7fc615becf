"""The RFP workbook as written: sheets, protection, drop-downs, safe text, determinism, selections."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from tests.conftest import run_cli
from tests.xlsx.helpers import TREE, check_expected, export, header_columns, values

HOSTILE = ['=HYPERLINK("http://evil.example","click")', "+1+1 a title and description that look like formulas",
           "@SUM(A1:A2) multiple interfaces", "-2 starts with a minus; <b>markup</b> & ampersands",
           "\tA tab leads this description; pods may attach several interfaces.", "-cmd|' /C calc'!A0",
           "#N/A looks like an error value", "=Linux 5.15", "+Central IP pools"]


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return export(TREE, tmp_path_factory.mktemp("export") / "rfp.xlsx")


def test_cell_values_match_the_committed_expectation(book: Path) -> None:
    check_expected("export-values.json", json.dumps(values(book), indent=1, ensure_ascii=False) + "\n")


def test_sheets_and_hidden_metadata(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["Instructions", "Requirements", "cni-plugins", "kernels", "Coverage",
                             "_ra2docs"]
    assert [ws.sheet_state for ws in wb] == ["visible"] * 5 + ["hidden"]
    meta = {r[0]: r[1] for r in wb["_ra2docs"].iter_rows(min_row=2, values_only=True)}
    assert meta["format"] == "ra2docs-rfp/1"
    assert json.loads(meta["spec_versions"]) == {"RA2": "4.0-sample", "RM": "3.0"}
    assert meta["checksum"].startswith("sha256:") and len(meta["checksum"]) == 71
    assert meta["requirements"] == "8"
    assert wb.security.lockStructure


def test_requirements_sheet_locks_spec_columns_and_offers_a_drop_down(book: Path) -> None:
    ws = openpyxl.load_workbook(book)["Requirements"]
    cols = header_columns(ws)
    assert list(cols) == ["ID", "Title", "Spec", "Description", "Level", "Profiles", "Category", "Section",
                          "Traces to", "Compliance", "Comment", "Evidence"]
    assert ws.freeze_panes == "C2"  # ID and Title stay beside the answer columns
    assert ws.auto_filter.ref == "A1:L9"
    assert ws.protection.sheet and not ws.protection.password
    assert not ws.protection.autoFilter  # filtering stays allowed on the protected sheet
    for row in range(2, 10):
        assert ws[f"A{row}"].protection.locked and ws[f"D{row}"].protection.locked
        assert ws[f"D{row}"].alignment.wrap_text
        for col in ("J", "K", "L"):
            assert not ws[f"{col}{row}"].protection.locked, f"{col}{row} must be open for the answer"
    (dv,) = ws.data_validations.dataValidation
    assert dv.type == "list" and str(dv.sqref) == "J2:J9"
    assert dv.formula1 == ('"Fully compliant,Partially compliant,Not compliant,Roadmap,Not applicable,'
                           'Clarification needed"')
    assert dv.showErrorMessage
    assert ws.column_dimensions["D"].width == 60


def test_matrix_sheet_has_legend_colours_and_frozen_header(book: Path) -> None:
    ws = openpyxl.load_workbook(book)["cni-plugins"]
    # two components, four levels: the legend wraps onto two rows within the matrix's own two columns
    assert ws.max_column == 4
    assert ws.freeze_panes == "C6"
    legend = [c.value for row in (ws[2], ws[3]) for c in row[2:]]
    assert legend == ["Supported", "Partially supported", "Not supported", "To be confirmed"]
    assert ws["A2"].value == "Legend" and ws["A3"].value is None
    assert ws["C2"].fill.fgColor.rgb.endswith("2E7D32")
    assert [c.value for c in ws[5]][:2] == ["Row", "Title"]
    rules = [r for rng in ws.conditional_formatting for r in rng.rules]
    assert len(rules) == 4
    assert any(r.formula == ['LEFT(C6,9)="Supported"'] for r in rules)
    assert ws.protection.sheet


def test_hostile_text_stays_text_in_openpyxl_and_calamine(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    found = {}
    for ws in wb:
        for row in ws.iter_rows():
            for c in row:
                if c.value in HOSTILE:
                    assert c.data_type == "s", f"{ws.title}!{c.coordinate} became {c.data_type}"
                    assert c.quotePrefix, f"{ws.title}!{c.coordinate} lacks the quote prefix"
                    found[c.value] = f"{ws.title}!{c.coordinate}"
    assert set(found) == set(HOSTILE)
    cal = CalamineWorkbook.from_path(str(book))
    for text, where in found.items():
        sheet, ref = where.split("!")
        ws = openpyxl.load_workbook(book)[sheet]
        cell = ws[ref]
        assert cal.get_sheet_by_name(sheet).to_python()[cell.row - 1][cell.column - 1] == text


def test_calamine_reads_the_same_values(book: Path) -> None:
    cal = CalamineWorkbook.from_path(str(book))
    assert cal.sheet_names[:2] == ["Instructions", "Requirements"]
    seen = values(book)
    for name in ("Requirements", "cni-plugins", "Coverage"):
        rows = cal.get_sheet_by_name(name).to_python()
        for expected, got in zip(seen[name], rows, strict=False):
            want = ["" if v is None else v for v in expected]
            assert [v for v in got[: len(want)]] == want


def test_same_data_gives_the_same_cell_values(book: Path, tmp_path: Path) -> None:
    again = export(TREE, tmp_path / "again.xlsx")
    assert values(again) == values(book)


def test_no_temporary_files_are_left_beside_the_output(tmp_path: Path) -> None:
    export(TREE, tmp_path / "rfp.xlsx")
    assert [p.name for p in tmp_path.iterdir()] == ["rfp.xlsx"]


def requirement_ids(path: Path) -> list[str]:
    ws = openpyxl.load_workbook(path)["Requirements"]
    return [r[0] for r in ws.iter_rows(min_row=2, values_only=True)]


@pytest.mark.parametrize(("args", "ids"), [
    (["--spec", "RA2", "--level", "must"], ["ra2.ntw.001", "ra2.ntw.002", "ra2.os.001"]),
    (["--profile", "basic", "--level", "may", "--with-base"], ["ra2.ntw.002", "ra2.os.002", "req.inf.ntw.03"]),
    (["--profile", "basic", "--level", "may"], ["ra2.ntw.002", "ra2.os.002"]),  # the RA's own rows by default
    (["--spec", "RM"], ["req.inf.ntw.01", "req.inf.ntw.02", "req.inf.ntw.03"]),
    (["--category", "host-os"], ["ra2.os.001", "ra2.os.002"]),
    (["--match", "*ntw.00?"], ["ra2.ntw.001", "ra2.ntw.002", "ra2.ntw.003"]),
    (["--regex", "^req\\..*0[12]$", "--with-base"], ["req.inf.ntw.01", "req.inf.ntw.02"]),
    (["--regex", "^req\\..*0[12]$"], []),
    (["ra2.os.002", "--id", "req.inf.ntw.01"], ["ra2.os.002", "req.inf.ntw.01"]),
])
def test_selections(tmp_path: Path, args: list[str], ids: list[str]) -> None:
    out = tmp_path / "sel.xlsx"
    run_cli("export", "xlsx", "-o", str(out), str(TREE), *args, check=True)
    assert requirement_ids(out) == ids


def test_profile_level_is_shown(tmp_path: Path) -> None:
    out = export(TREE, tmp_path / "p.xlsx", "--profile", "basic", "--id", "ra2.ntw.002")
    ws = openpyxl.load_workbook(out)["Requirements"]
    assert ws["E2"].value == "may"


def test_password_protects_every_sheet(tmp_path: Path) -> None:
    out = export(TREE, tmp_path / "pw.xlsx", "--password", "s3cret")
    wb = openpyxl.load_workbook(out)
    assert all(ws.protection.sheet and ws.protection.password for ws in wb)


@pytest.mark.parametrize(("args", "message"), [
    (["--spec", "NOPE"], "--spec 'NOPE': no such spec"),
    (["--profile", "gold"], "--profile 'gold'"),
    (["--regex", "("], "bad regular expression"),
    (["ra2.nope.001"], "no such requirement: ra2.nope.001"),
])
def test_bad_selections_are_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    proc = run_cli("export", "xlsx", "-o", str(tmp_path / "x.xlsx"), str(TREE), *args)
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "x.xlsx").exists()


def test_every_hazard_is_written_as_text(tmp_path: Path) -> None:
    from openpyxl import Workbook

    from ra2docs.xlsx import workbook as wbk

    hazards = ["=1+1", "+1", "-1", "@A1", "\t=1+1", "\r=1+1", "#REF!", "=", "plain", "bell\x07inside",
               "x" * 40_000]
    wb = Workbook(write_only=True)
    wbk.add_styles(wb)
    ws = wb.create_sheet("S")
    for text in hazards:
        ws.append([wbk.cell(ws, text), wbk.cell(ws, text, wbk.TEXT)])
    rows = wbk.StyledRows(ws, [wbk.TEXT, wbk.ANSWER])
    for text in hazards:
        ws.append(rows.row([text, text]))
    path = tmp_path / "h.xlsx"
    wb.save(path)
    expected = [wbk.clean_text(t) for t in hazards]
    assert expected[-2] == "bell\ufffdinside" and len(expected[-1]) == 32767
    got = openpyxl.load_workbook(path)["S"]
    cal = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("S").to_python()
    for n, text in enumerate(expected * 2, 1):
        for col in (1, 2):
            c = got.cell(n, col)
            assert (c.value, c.data_type) == (text, "s"), (n, col)
            assert cal[n - 1][col - 1] == text
