"""A real spreadsheet application opens the workbook: LibreOffice converts it headless.

Skipped without `soffice`, unless RA2DOCS_REQUIRE_TOOLS=1 (CI), where a missing tool fails.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import openpyxl

from tests.conftest import require_tool, run_cli
from tests.xlsx.helpers import IMPORT_DATE, copy_tree, export, fill


def soffice(args: list[str], work: Path) -> None:
    exe = require_tool("soffice")
    profile = (work / "lo-profile").as_uri()
    subprocess.run([exe, "--headless", "--norestore", f"-env:UserInstallation={profile}", *args], cwd=work,
                   env={"HOME": str(work / "home"), "PATH": "/usr/bin:/bin"}, check=True, capture_output=True,
                   timeout=180)


def test_libreoffice_prints_it_with_formula_like_text_as_text(tmp_path: Path) -> None:
    tree = copy_tree(tmp_path)
    book = export(tree, tmp_path / "rfp.xlsx")
    soffice(["--convert-to", "pdf", "--outdir", str(tmp_path), str(book)], tmp_path)
    pdf = tmp_path / "rfp.pdf"
    assert pdf.stat().st_size > 10_000
    text = subprocess.run([require_tool("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    for literal in ('=HYPERLINK("http://evil.example","click")', "@SUM(A1:A2) multiple interfaces",
                    "#N/A looks like an error value", "+1+1 a title", "ra2.ntw.001", "Fully compliant"):
        assert literal in text, f"{literal!r} missing from LibreOffice's rendering"
    assert "sha256:" in text  # the cover's checksum; the hidden metadata sheet itself is not printed
    assert "ra2docs-rfp/1" not in text


def test_a_workbook_re_saved_by_libreoffice_still_imports(tmp_path: Path) -> None:
    tree = copy_tree(tmp_path)
    book = fill(export(tree, tmp_path / "rfp.xlsx"), {
        "ra2.ntw.001": ("Fully compliant", "=SUM(1,1) is text", "doc §1"),
        "ra2.os.002": ("Roadmap", "2027", ""),
    })
    out = tmp_path / "resaved"
    out.mkdir()
    soffice(["--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(book)], tmp_path)
    resaved = out / "rfp.xlsx"
    wb = openpyxl.load_workbook(resaved)
    assert wb["_ra2docs"].sheet_state == "hidden"
    proc = run_cli("import", str(resaved), "--vendor", "LO", str(tree), "--date", IMPORT_DATE)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    stored = (tree / "responses" / "lo.yaml").read_text()
    assert "comment: =SUM(1,1) is text" in stored and "compliance: roadmap" in stored
