"""End to end: build a site, open its pages in headless Chromium and check what a reader gets.

The matrix page must show its table (with text in every cell), and every trace link on the traceability
page must land on an element that exists in the page it points to, as the browser sees it.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest

from tests.conftest import REPO, require_tool
from tests.sphinx_helpers import ROOTS, build

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class _Page(HTMLParser):
    """Ids, links and tables of a DOM as Chromium serialised it."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.table_classes: list[str] = []
        self.cells: list[str] = []
        self._in_cell = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if attr.get("id"):
            self.ids.add(str(attr["id"]))
        if tag == "a" and attr.get("href"):
            self.links.append(str(attr["href"]))
        if tag == "table":
            self.table_classes.append(attr.get("class") or "")
        if tag == "td" and "ra2-cell" in (attr.get("class") or ""):
            self._in_cell = True
            self.cells.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self._in_cell = False

    def handle_data(self, data: str) -> None:
        if self._in_cell:
            self.cells[-1] += data


def dump_dom(chromium: str, page: Path) -> _Page:
    with tempfile.TemporaryDirectory() as profile:
        proc = subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom",
                               page.as_uri()], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    parsed = _Page()
    parsed.feed(proc.stdout)
    return parsed


def _sites() -> list[tuple[str, Path, Path, str, str]]:
    """(name, srcdir, confdir, matrix page, traceability page) of each site to test."""
    sites = [("sample", ROOTS / "sample", ROOTS / "sample", "matrix", "trace")]
    if (REPO / "requirements").is_dir() and (REPO / "source").is_dir():
        sites.append(("shipped", REPO / "source", REPO, "matrices", "traceability"))
    return sites


@pytest.mark.parametrize("site", _sites(), ids=lambda s: s[0])
def test_pages_in_chromium(site: tuple[str, Path, Path, str, str], tmp_path: Path) -> None:
    chromium = require_tool("chromium")
    _name, srcdir, confdir, matrix_page, trace_page = site
    result = build(srcdir, tmp_path, confdir=confdir, html_theme="furo")
    assert result.warnings == "", result.warnings
    out = Path(result.app.outdir)

    matrix = dump_dom(chromium, out / f"{matrix_page}.html")
    assert any("ra2-matrix-table" in c for c in matrix.table_classes), "no matrix table in the page"
    assert matrix.cells and all(cell.strip() for cell in matrix.cells), "a matrix cell shows no text"

    trace = dump_dom(chromium, out / f"{trace_page}.html")
    trace_links = [h for h in trace.links if re.search(r"#ra2-req-", h)]
    assert trace_links, "no links to requirements on the traceability page"
    pages: dict[Path, _Page] = {}
    base = (out / f"{trace_page}.html").as_uri()
    for href in sorted(set(trace_links)):
        url = urlparse(urljoin(base, href))
        target = Path(url.path)
        assert target.is_file(), f"{href} points at a missing page"
        if target not in pages:
            pages[target] = dump_dom(chromium, target)
        assert url.fragment in pages[target].ids, f"{href}: no element with id {url.fragment!r}"
