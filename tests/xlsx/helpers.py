"""Shared helpers of the xlsx tests: export the sample tree, fill answers as a vendor would, read cells back."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import openpyxl

from tests.conftest import run_cli

HERE = Path(__file__).resolve().parent
TREE = HERE / "tree"
EXPECTED = HERE / "expected"
DATE = "2026-01-02"
IMPORT_DATE = "2026-01-03T10:00:00"
REGENERATE = os.environ.get("RA2DOCS_REGENERATE") == "1"  # rewrite the committed expectations


def copy_tree(tmp: Path) -> Path:
    target = tmp / "tree"
    shutil.copytree(TREE, target)
    return target


def export(tree: Path, out: Path, *extra: str) -> Path:
    """The workbook of the sample tree's RA2 and the RM it is based on (--with-base), as the tests answer it."""
    run_cli("export", "xlsx", "-o", str(out), str(tree), "--date", DATE, "--with-base", *extra, check=True)
    return out


def values(path: Path) -> dict[str, list[list[object]]]:
    """Every sheet's cell values (trailing empty cells dropped), through openpyxl."""
    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb:
        rows = []
        for row in ws.iter_rows(values_only=True):
            row = list(row)
            while row and row[-1] is None:
                row.pop()
            rows.append(row)
        while rows and not rows[-1]:
            rows.pop()
        out[ws.title] = rows
    return out


def header_columns(ws) -> dict[str, str]:
    return {c.value: c.column_letter for c in ws[1] if c.value}


def fill(path: Path, answers: dict[str, tuple[str, str, str]], out: Path | None = None) -> Path:
    """Answer rows by requirement ID: (compliance, comment, evidence), as a vendor would in Excel."""
    wb = openpyxl.load_workbook(path)
    ws = wb["Requirements"]
    cols = header_columns(ws)
    for row in range(2, ws.max_row + 1):
        rid = ws[f"{cols['ID']}{row}"].value
        if rid in answers:
            for header, value in zip(("Compliance", "Comment", "Evidence"), answers[rid], strict=True):
                cell = ws[f"{cols[header]}{row}"]
                cell.value = value
                if isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"  # a vendor's text, not a formula
    target = out or path
    wb.save(target)
    return target


def check_expected(name: str, text: str) -> None:
    """Compare with the committed expectation (RA2DOCS_REGENERATE=1 rewrites it; review the diff)."""
    target = EXPECTED / name
    if REGENERATE:
        target.write_text(text, encoding="utf-8")
    assert text == target.read_text(encoding="utf-8"), f"output differs from {target}"
