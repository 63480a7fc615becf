"""`make pdf`'s builder (rinohtype: pure Python, no TeX) on the sample site, read back with poppler: the pages
and words are there, references read as the IDs they name and jump to the page defining them, and the matrix
cells are printed on their levels' colours. Skipped when the optional `pdf` dependencies are not installed
(`make pdf` installs them), except under RA2DOCS_REQUIRE_TOOLS=1 (CI installs them), where that fails.

The fixture splits matrices past one component (`ra2docs_print_columns`): the two-column sample matrix is
printed as two tables, and links a labelled rubric from another page (rinohtype dropped rubric anchors).
A PNG of the matrix pages is kept under build/pdf/ to be looked at."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ra2docs.project import Project
from tests.conftest import REPO, require_tool
from tests.sphinx_helpers import copy_root


def _require_rinoh() -> None:
    if importlib.util.find_spec("rinoh") is None:
        if os.environ.get("RA2DOCS_REQUIRE_TOOLS") == "1":
            pytest.fail("rinohtype is required (RA2DOCS_REQUIRE_TOOLS=1): pip install -e '.[pdf]'")
        pytest.skip("the `pdf` extra (rinohtype) is not installed")


def _pages(pdf: Path) -> list[str]:
    text = subprocess.run([require_tool("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return text.split("\f")


def _pixels(pdf: Path, page: int, work: Path) -> dict[bytes, int]:
    """How many pixels of each colour the page has, rendered by pdftoppm as a plain PPM (no imaging library)."""
    subprocess.run([require_tool("pdftoppm"), "-r", "40", "-f", str(page), "-l", str(page), str(pdf),
                    str(work / "page")], check=True)
    (ppm,) = work.glob("page*.ppm")
    data = ppm.read_bytes()
    match = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", data)
    assert match, "not a PPM"
    raw = data[match.end():]
    counts: dict[bytes, int] = {}
    for i in range(0, len(raw) - 2, 3):
        counts[raw[i:i + 3]] = counts.get(raw[i:i + 3], 0) + 1
    return counts


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    _require_rinoh()
    work = tmp_path_factory.mktemp("pdf")
    root = copy_root("sample", work / "src")
    with (root / "findings.rst").open("a", encoding="utf-8") as page:
        page.write("\n.. _sample-rubric:\n\n.. rubric:: A rubric linked from the home page\n")
    with (root / "index.rst").open("a", encoding="utf-8") as page:
        page.write("\nSee :ref:`the rubric <sample-rubric>`.\n")
    out = work / "pdf"
    proc = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "rinoh",
                           "-D", "ra2docs_print_columns=1", str(root), str(out)], capture_output=True, text=True,
                          timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    (pdf,) = out.glob("*.pdf")
    return pdf


def test_the_sample_site_as_one_pdf(sample_pdf: Path) -> None:
    pages = _pages(sample_pdf)
    assert 10 <= len(pages) <= 60, f"{len(pages)} pages"
    text = "\n".join(pages)
    assert "✔ Supported" in text and "Multus" in text and "DANM" in text  # the symbols' font is there
    assert "ra.ntw.001" in text
    # references read as the ID they name, not as rinohtype's "Section 2.1"
    assert not re.search(r"Section \d+(\.\d+)* A CNI plugin", text)


_PDF_STRING = rb"\(((?:[^()\\]|\\.)*)\)"


def link_targets(pdf: Path) -> tuple[set[bytes], set[bytes]]:
    """The named destinations the PDF's links jump to, and those its name tree defines (rinohtype writes
    both uncompressed: `/Dest (name)` in a link, `/Names [(name) ref ...]` in the tree)."""
    data = pdf.read_bytes()
    used = set(re.findall(rb"/Dest\s*" + _PDF_STRING, data))
    defined: set[bytes] = set()
    for names in re.findall(rb"/Names\s*\[(.*?)\]", data, re.S):
        defined.update(re.findall(_PDF_STRING, names))
    return used, defined


def test_every_internal_link_lands_on_a_destination(sample_pdf: Path) -> None:
    used, defined = link_targets(sample_pdf)
    assert len(used) > 10, used
    assert any(name.endswith(b"#sample-rubric") for name in used), "the rubric link is missing"
    assert not used - defined, f"links to nowhere: {sorted(used - defined)}"


def test_a_wide_matrix_is_split_with_its_row_headers_repeated(sample_pdf: Path) -> None:
    text = "\n".join(_pages(sample_pdf))
    first, second = text.find("Columns 1–1 of 2"), text.find("Columns 2–2 of 2")
    assert 0 <= first < second, "the matrix is not split in two captioned parts"
    part_one, part_two = text[first:second], text[second:second + 3000]
    headers = [next(line.split() for line in part.splitlines() if "Requirement or feature" in line)
               for part in (part_one, part_two)]
    assert headers == [["Requirement", "or", "feature", "Multus"], ["Requirement", "or", "feature", "DANM"]]
    assert "ra.ntw.001" in part_one and "ra.ntw.001" in part_two  # the row header column in both


def test_references_jump_to_the_page_defining_the_requirement(sample_pdf: Path) -> None:
    pages = _pages(sample_pdf)
    matrix = next(i + 1 for i, t in enumerate(pages) if "Which CNI plugin meets" in t)
    xml = subprocess.run([require_tool("pdftohtml"), "-xml", "-i", "-stdout", "-f", str(matrix), "-l",
                          str(matrix), str(sample_pdf)], capture_output=True, text=True, check=True).stdout
    links = re.findall(r'<a href="[^"#]*#(\d+)">([^<]+)</a>', xml)
    targets = {text.strip(): int(page) for page, text in links}
    assert "ra.ntw.001" in targets, f"no link named ra.ntw.001 on page {matrix}: {links}"
    defining = pages[targets["ra.ntw.001"] - 1]
    title = Project.load(REPO / "tests" / "roots" / "sample").graph.requirements["ra.ntw.001"].title
    assert "ra.ntw.001" in defining and title.split()[0] in defining


def test_matrix_cells_are_printed_on_their_level_colours(sample_pdf: Path, tmp_path: Path) -> None:
    pages = _pages(sample_pdf)
    matrix = next(i + 1 for i, t in enumerate(pages) if "Which CNI plugin meets" in t)
    vocab = next(v for v in Project.load(REPO / "tests" / "roots" / "sample").tree.vocabularies if v.levels)
    counts = _pixels(sample_pdf, matrix, tmp_path)
    for level in vocab.levels:
        if not level.colour:
            continue
        rgb = bytes.fromhex(level.colour.lstrip("#"))
        assert counts.get(rgb, 0) > 50, f"no cell on {level.label}'s colour {level.colour}"
    keep = REPO / "build" / "pdf"
    keep.mkdir(parents=True, exist_ok=True)
    subprocess.run([require_tool("pdftoppm"), "-r", "80", "-f", str(matrix), "-l", str(matrix + 1), "-png",
                    str(sample_pdf), str(keep / "sample-matrix-page")], check=True)
