"""The workbook an RFP team sends: vendor details read back, the answered-rows count, the new answers and
how the score treats them, the default selection, print setup, readable sheet names; and LibreOffice's
PDF of it (page count, text size, every requirement row and both halves of the split sheet)."""

from __future__ import annotations

import json
import re
import statistics
import subprocess
from pathlib import Path

import openpyxl
import pytest
import yaml

from ra2docs import model
from ra2docs.project import Project
from ra2docs.xlsx.compare import compare
from ra2docs.xlsx.workbook import short_name
from tests.conftest import REPO, require_tool, run_cli
from tests.test_xlsx_libreoffice import soffice
from tests.test_xlsx_sphinx import CONF
from tests.test_xlsx_sphinx import build as sphinx_build
from tests.xlsx.helpers import IMPORT_DATE, TREE, copy_tree, export, fill


def _cover_cell(ws: openpyxl.worksheet.worksheet.Worksheet, label: str) -> openpyxl.cell.Cell:
    row = next(r for r in ws.iter_rows() if r[0].value == label)
    return row[1]


def test_vendor_details_are_filled_in_and_read_back(tmp_path: Path) -> None:
    tree = copy_tree(tmp_path)
    book = fill(export(tree, tmp_path / "rfp.xlsx"), {"ra2.ntw.001": ("Not applicable", "no CNI here", "")})
    wb = openpyxl.load_workbook(book)
    cover = wb["Instructions"]
    for label, value in (("Vendor name", "Initech Cloud"), ("Contact (name, e-mail, phone)", "P. Gibbons"),
                         ("Date of the offer", "2026-11-30"), ("Offer reference", "RFP-42/B")):
        cell = _cover_cell(cover, label)
        assert not cell.protection.locked, f"{label} must be open to the vendor"
        cell.value = value
    wb.save(book)
    proc = run_cli("import", str(book), str(tree), "--date", IMPORT_DATE)  # no --vendor: the cover names it
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "vendor details: vendor 'Initech Cloud'; contact 'P. Gibbons'; date '2026-11-30'; " \
           "reference 'RFP-42/B'" in proc.stdout
    stored = yaml.safe_load((tree / "responses" / "initech-cloud.yaml").read_text())
    details = {"vendor": "Initech Cloud", "contact": "P. Gibbons", "date": "2026-11-30", "reference": "RFP-42/B"}
    assert stored["vendor"] == "Initech Cloud" and stored["vendor_details"] == details
    assert stored["answers"][0]["compliance"] == "not-applicable"
    check = run_cli("check", str(tree))  # the schema and the loader accept what import wrote
    assert "responses" not in check.stdout, check.stdout
    (response,) = Project.load(tree).tree.responses
    assert response.details == details
    shown = run_cli("compare", str(tree))
    assert shown.returncode == 0, shown.stderr
    assert "Initech Cloud: contact P. Gibbons; offer dated 2026-11-30; offer reference RFP-42/B" in shown.stdout
    as_json = json.loads(run_cli("compare", str(tree), "--format", "json").stdout)
    assert as_json["vendor_details"] == {"Initech Cloud": details}
    # the site's vendor page names them too (a real Sphinx build)
    (tmp_path / "conf.py").write_text(CONF)
    (tmp_path / "index.rst").write_text("Vendors\n=======\n\n.. ra2:vendors::\n")
    proc = sphinx_build(tmp_path)
    assert proc.returncode == 0, proc.stderr
    page = (tmp_path / "_build" / "index.html").read_text()
    table = page[page.index("ra2-vendor-details"):]
    table = table[:table.index("</table>")]
    for value in ("Initech Cloud", "P. Gibbons", "2026-11-30", "RFP-42/B", "Offer reference"):
        assert value in table


def test_import_without_a_vendor_name_anywhere_is_a_usage_error(tmp_path: Path) -> None:
    tree = copy_tree(tmp_path)
    book = fill(export(tree, tmp_path / "rfp.xlsx"), {"ra2.ntw.001": ("Fully compliant", "", "")})
    proc = run_cli("import", str(book), str(tree))
    assert proc.returncode == 2 and "give --vendor NAME" in proc.stderr
    assert not (tree / "responses").exists()


def test_the_cover_counts_the_answered_rows_with_a_formula(tmp_path: Path) -> None:
    book = export(TREE, tmp_path / "rfp.xlsx")
    cell = _cover_cell(openpyxl.load_workbook(book)["Instructions"],
                       "Answered rows (counted live from the Requirements sheet)")
    assert cell.data_type == "f"
    assert cell.value == '=COUNTA(Requirements!$J$2:$J$9)&" of 8 answered"'


def _answer(rid: str, compliance: str) -> model.Answer:
    return model.Answer(rid, compliance, "", "")


def test_not_applicable_leaves_the_score_and_clarification_scores_nothing() -> None:
    from ra2docs.project import Project

    tree = Project.load(TREE).tree
    asked = ("ra2.ntw.001", "ra2.ntw.002")  # must, must
    responses = (model.VendorResponse("A", (_answer("ra2.ntw.001", "fully-compliant"),
                                            _answer("ra2.ntw.002", "not-applicable")), asked=asked),
                 model.VendorResponse("B", (_answer("ra2.ntw.001", "fully-compliant"),
                                            _answer("ra2.ntw.002", "clarification-needed")), asked=asked))
    import dataclasses

    cmp = compare(dataclasses.replace(tree, responses=responses))
    a, b = cmp.score_of("A"), cmp.score_of("B")
    assert (a.score, a.earned, a.possible) == (100.0, 3.0, 3.0)  # the N/A row is out of A's scope
    assert (b.score, b.earned, b.possible) == (50.0, 3.0, 6.0)
    assert a.counts["not-applicable"] == 1 and b.counts["clarification-needed"] == 1
    assert a.gaps == [] and b.gaps == [("ra2.ntw.002", "clarification-needed")]


def test_by_default_the_workbook_asks_about_the_ras_own_requirements(tmp_path: Path) -> None:
    own, everything = tmp_path / "own.xlsx", tmp_path / "all.xlsx"
    run_cli("export", "xlsx", "-o", str(own), str(REPO), "--date", "2026-12-01", check=True)
    run_cli("export", "xlsx", "-o", str(everything), str(REPO), "--with-base", "--date", "2026-12-01", check=True)
    specs = [{r[2] for r in openpyxl.load_workbook(b)["Requirements"].iter_rows(min_row=2, values_only=True)}
             for b in (own, everything)]
    assert specs == [{"RA1", "RA2"}, {"RA1", "RA2", "RM"}]  # the RAs no spec builds on, then with their base


def test_print_setup_and_sheet_names(tmp_path: Path) -> None:
    book = tmp_path / "rfp.xlsx"
    run_cli("export", "xlsx", "-o", str(book), str(REPO), "--date", "2026-12-01", check=True)
    wb = openpyxl.load_workbook(book)
    ws = wb["Requirements"]
    assert ws.freeze_panes == "C2"
    assert ws.print_title_rows == "$1:$1" and ws.print_title_cols == "$A:$B"
    assert ws.page_setup.fitToWidth == 2 and ws.page_setup.orientation == "landscape"
    assert ws.print_options.gridLines
    assert "RA2" in ws.oddHeader.left.text and ws.oddFooter.center.text == "Page &P of &N"
    names = wb.sheetnames
    assert all(len(n) <= 31 for n in names) and len({n.lower() for n in names}) == len(names)
    assert "ra2-storage-pkg-comps" in names and "ra2-storage-packaging-component" not in names
    for name in names[2:-2]:  # the matrix sheets: wrapped cells, printed to the page width
        matrix = wb[name]
        assert matrix.page_setup.fitToWidth == 1 and matrix.print_options.gridLines
        stated = [c for row in matrix.iter_rows(min_row=5) for c in row[2:] if c.value]
        assert stated and all(c.alignment.wrap_text for c in stated), name
        # the title wraps within the sheet's own columns (merged across them), never over cells beside it
        (title,) = [r for r in matrix.merged_cells.ranges if r.min_row == 1]
        assert (title.min_col, title.max_col) == (1, matrix.max_column), name
        assert matrix["A1"].alignment.wrap_text and matrix.row_dimensions[1].height, name


def test_short_sheet_names_stay_readable() -> None:
    assert short_name("ra2-storage-packaging-components") == "ra2-storage-pkg-comps"
    assert short_name("kernels") == "kernels"
    long = short_name("extraordinarily-lengthy-matrix-identifier-of-doom")
    assert long == "extra-lengt-matri-ident-of-doom"  # every long word shortened a little, none cut away


def _word_heights(pdf: Path, page: int) -> list[tuple[float, str]]:
    html = subprocess.run([require_tool("pdftotext"), "-f", str(page), "-l", str(page), "-bbox", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    return [(float(b) - float(a), w) for a, b, w in
            re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<', html)]


def _word_right_edges(pdf: Path, page: int) -> list[float]:
    html = subprocess.run([require_tool("pdftotext"), "-f", str(page), "-l", str(page), "-bbox", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    return [float(x) for x in re.findall(r'xMax="([\d.]+)"', html)]


def test_libreoffice_prints_the_shipped_workbook_legibly(tmp_path: Path) -> None:
    book = tmp_path / "rfp.xlsx"
    # one RA's workbook, as an RFP team sends it (without --spec the tree's two RAs share one workbook)
    run_cli("export", "xlsx", "-o", str(book), str(REPO), "--spec", "RA2", "--date", "2026-12-01", check=True)
    soffice(["--convert-to", "pdf", "--outdir", str(tmp_path), str(book)], tmp_path)
    pdf = tmp_path / "rfp.pdf"
    info = subprocess.run([require_tool("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    text = subprocess.run([require_tool("pdftotext"), str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    page_texts = text.split("\f")
    req_pages = [i + 1 for i, t in enumerate(page_texts) if t.startswith("Request for proposal: RA2")]
    rows = openpyxl.load_workbook(book)["Requirements"].max_row - 1
    assert req_pages and len(req_pages) % 2 == 0, "the requirements sheet prints in pairs of pages (2 wide)"
    assert len(req_pages) <= rows / 10, f"{len(req_pages)} pages for {rows} rows"
    assert pages <= 40
    left, right = page_texts[req_pages[0] - 1], page_texts[req_pages[0]]
    assert "Description" in left and "Compliance" in right and "Evidence" in right
    assert "Title" in left and "Title" in right  # ID and Title repeated on the answers' half
    assert f"Page {req_pages[0]} of {pages}" in left
    # text size: words' heights against the Instructions sheet's, whose 11 pt cells print unscaled (two
    # columns fit the page); LibreOffice scales a page's header and footer with its cells, so they are no
    # reference
    assert page_texts[0].startswith("Instructions")
    reference = statistics.median(h for h, _ in _word_heights(pdf, 1))

    def printed_size(page: int) -> float:
        return 11 * statistics.median(h for h, _ in _word_heights(pdf, page)) / reference

    size = printed_size(req_pages[0])
    assert size >= 8, f"requirements printed at {size:.1f} pt"
    with pytest.raises(StopIteration):
        next(i for i, t in enumerate(page_texts) if "ra2-storage-packaging-component\n" in t)
    # each matrix sheet's title is printed whole on its first page (wrapped, not run off the printed width)
    wb = openpyxl.load_workbook(book)
    for name in wb.sheetnames[2:-2]:
        title = wb[name]["A1"].value
        first = next(t for t in page_texts if name in t and not t.startswith("Instructions"))
        words = first.split()
        # every word twice: in the page header (the title, at 9 pt) and in the sheet's own title cell
        assert all(words.count(w) >= 2 * title.split().count(w) for w in title.split()), (name, title)
    # a narrow matrix (up to 4 components) prints at 8 pt or more within the page: its legend wraps onto
    # more rows instead of widening the printed area (Multus vs DANM printed at about 6 pt when it did)
    width = float(re.search(r"Page size:\s+([\d.]+)", info).group(1))  # type: ignore[union-attr]
    def components(name: str) -> int:  # the header row's cells after "Row" and "Title"
        header = next(r for r in wb[name].iter_rows(values_only=True) if r and r[0] == "Row")
        return sum(1 for v in header[2:] if v)

    narrow = [n for n in wb.sheetnames[2:-2] if components(n) <= 4]
    assert narrow, "no narrow matrix in the shipped workbook"
    for name in narrow:
        page = next(i + 1 for i, t in enumerate(page_texts) if name in t and not t.startswith("Instructions"))
        size = printed_size(page)
        assert size >= 8, f"{name} printed at {size:.1f} pt"
        right = max(_word_right_edges(pdf, page))
        assert right <= width, f"{name}: text at {right:.0f} pt on a page {width:.0f} pt wide"
    (REPO / "build" / "xlsx").mkdir(parents=True, exist_ok=True)
    narrowest = min(narrow, key=components)
    page = next(i + 1 for i, t in enumerate(page_texts) if narrowest in t and not t.startswith("Instructions"))
    subprocess.run([require_tool("pdftoppm"), "-r", "60", "-f", str(page), "-l", str(page), "-png", str(pdf),
                    str(REPO / "build" / "xlsx" / "narrow-matrix-page")], check=True)
    widest = max(wb.sheetnames[2:-2], key=lambda n: wb[n].max_column)
    matrix_page = next(i + 1 for i, t in enumerate(page_texts) if widest in t and not t.startswith("Instructions"))
    (REPO / "build" / "xlsx").mkdir(parents=True, exist_ok=True)
    subprocess.run([require_tool("pdftoppm"), "-r", "60", "-f", str(matrix_page), "-l", str(matrix_page),
                    "-png", str(pdf), str(REPO / "build" / "xlsx" / "matrix-page")], check=True)
    png = REPO / "build" / "xlsx" / "requirements-page"
    png.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([require_tool("pdftoppm"), "-r", "60", "-f", str(req_pages[0]), "-l", str(req_pages[0] + 1),
                    "-png", str(pdf), str(png)], check=True)
