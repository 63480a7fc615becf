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
from dataclasses import dataclass
from pathlib import Path

import pytest

from ra2docs.project import Project
from tests.conftest import REPO, require_tool
from tests.sphinx_helpers import build, copy_root


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


# a title word no column is wide enough for: rinohtype cannot break a word without a space by itself
LONG_WORD = "https://example.org/specifications/kubernetes/networking/an-unbroken-path/to-the-ipv6-section.yaml"
# two known issues of each of two codes, waived: the PDF prints one of each (ra2docs_print_list_limit=1)
UNCOVERED = """  - id: ra.ntw.091
    title: A first requirement nothing covers
  - id: ra.ntw.092
    title: A second requirement nothing covers
"""
WAIVERS = "kind: waivers\nspec: RA\nwaivers:\n" + "".join(
    f"  - {{code: {code}, target: {rid}, reason: A test of the printed known issues.}}\n"
    for code in ("ra2.uncovered", "ra2.ra-no-trace") for rid in ("ra.ntw.091", "ra.ntw.092"))
SPEC_ROOT = """:orphan:

The RA alone
============

.. toctree::

   /ra
   /matrix
   /findings
"""


@dataclass
class Printed:
    site: Path  # the whole sample site as one PDF
    spec: Path  # the RA's own pages: a PDF of one spec, as `make pdf` makes of the shipped RA2 and RA1
    output: str  # what sphinx-build said
    root: Path


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Printed:
    _require_rinoh()
    work = tmp_path_factory.mktemp("pdf")
    root = copy_root("sample", work / "src")
    with (root / "findings.rst").open("a", encoding="utf-8") as page:
        page.write("\n.. _sample-rubric:\n\n.. rubric:: A rubric linked from the home page\n")
    with (root / "index.rst").open("a", encoding="utf-8") as page:
        page.write("\nSee :ref:`the rubric <sample-rubric>`.\n")
    yaml = root / "requirements" / "ra-ntw.yaml"
    yaml.write_text(yaml.read_text().replace("carries IPv4 and IPv6", f"carries IPv4 and IPv6 ({LONG_WORD})")
                    + UNCOVERED)
    (root / "mappings" / "waivers").mkdir()
    (root / "mappings" / "waivers" / "sample.yaml").write_text(WAIVERS)
    (root / "pdf").mkdir()
    (root / "pdf" / "ra.rst").write_text(SPEC_ROOT)
    with (root / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write('rinoh_documents = [{"doc": "index", "target": "site", "title": "Sample"},\n'
                   '                   {"doc": "pdf/ra", "target": "ra-spec", "title": "The RA"}]\n'
                   'ra2docs_print_only = ["pdf/*"]\n')
    out = work / "pdf-out"
    proc = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "rinoh",
                           "-D", "ra2docs_print_columns=1", "-D", "ra2docs_print_list_limit=1", str(root), str(out)],
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert sorted(p.name for p in out.glob("*.pdf")) == ["ra-spec.pdf", "site.pdf"]
    return Printed(out / "site.pdf", out / "ra-spec.pdf", proc.stdout + proc.stderr, root)


@pytest.fixture(scope="module")
def sample_pdf(printed: Printed) -> Path:
    return printed.site


def test_long_words_in_narrow_columns_are_broken_not_overflowing(printed: Printed) -> None:
    """No word overflows its cell (rinohtype: "item too long to fit on line", ~280 of them on the full site
    before), though a title holds a 95-character URL: it is broken at its punctuation, and still reads whole."""
    # the one exception: the codes catalogue's longest codes (ra2.unknown-component-kind), literals in a
    # monospace font that are not broken (rinohtype hangs on break opportunities in literals)
    site_output, spec_output = printed.output.split("processing ra-spec", 1)
    for pdf, output in ((printed.site, site_output), (printed.spec, spec_output)):
        pages = _pages(pdf)
        for number in re.findall(r"too long to fit on line \(page (\d+)\)", output):
            page = next(p for p in pages if re.search(rf"\n{number}\s*$|^\s*{number}\n", p.strip("\f"), re.M))
            assert "Default severity" in page, f"{pdf.name}: a word overflows its cell on page {number}:\n{page}"
    assert "Table contents are too wide" not in printed.output
    # read back whole: spaces, hyphens (the URL's own and hyphenation's) and ligatures aside
    text = "".join("\n".join(_pages(printed.site)).split()).replace("\ufb01", "fi").replace("\u200b", "")
    assert LONG_WORD.replace("-", "") in text.replace("-", "")


def test_a_pdf_of_one_spec_holds_its_pages_and_links_only_within(printed: Printed) -> None:
    """The RA's PDF: its requirements, every column of its matrix, its known issues (the print limit of one
    finding per code, with the count of the others); not the RM's page, whose IDs print as text; every
    internal link lands. The HTML build of the same tree leaves the PDF's root page out of the site."""
    text = "\n".join(_pages(printed.spec))
    assert "ra.ntw.001" in text and "ra.ntw.002" in text
    assert "Multus" in text and "DANM" in text
    assert "RM requirements" not in text
    assert re.search(r"\d+morefindings\(over1ofonecode\)", "".join(text.split()).replace("\ufb01", "fi")), \
        "known issues not limited in print"
    used, defined = link_targets(printed.spec)
    assert used and not used - defined, f"links to nowhere: {sorted(used - defined)}"
    site = build(printed.root, printed.root.parent / "html")
    assert site.warnings == "", site.warnings
    assert not (Path(site.app.outdir) / "pdf").exists() and "pdf/ra" not in site.app.env.all_docs


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
