"""The shipped site in headless Chromium, measured: matrices fit the window at 1400 px, headers stay in view
while a table scrolls, the filter narrows the traceability table, every text/background pair in the
browser reaches WCAG AA (light and dark), the phone layout does not scroll sideways, and print keeps every
column. Screenshots are kept under build/e2e/ (CI artefacts)."""

from __future__ import annotations

import html
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO, require_tool
from tests.e2e.cdp import Browser
from tests.sphinx_helpers import build

SHOTS = REPO / "build" / "e2e"

# the effective background of an element: its own, or the first ancestor's that is not transparent
CONTRAST_JS = r"""
(() => {
  const parse = c => { const m = c.match(/rgba?\(([^)]+)\)/); if (!m) return null;
    const p = m[1].split(/[ ,\/]+/).filter(Boolean).map(Number);
    return {rgb: p.slice(0, 3), a: p.length > 3 ? p[3] : 1}; };
  const lum = rgb => { const f = v => { v /= 255;
      return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(rgb[0]) + 0.7152 * f(rgb[1]) + 0.0722 * f(rgb[2]); };
  const background = el => { for (let e = el; e; e = e.parentElement) {
    const c = parse(getComputedStyle(e).backgroundColor); if (c && c.a > 0.5) return c.rgb; }
    return [255, 255, 255]; };
  const out = []; let checked = 0;
  for (const el of document.querySelectorAll(SELECTOR)) {
    if (!el.offsetParent && getComputedStyle(el).position !== 'fixed') continue;
    const text = Array.from(el.childNodes).filter(n => n.nodeType === 3).map(n => n.textContent).join('').trim();
    if (!text) continue;
    const fg = parse(getComputedStyle(el).color).rgb, bg = background(el);
    const a = lum(fg), b = lum(bg), r = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    checked++;
    if (r < 4.5) out.push(`${el.tagName}.${el.className} "${text.slice(0, 30)}": ${r.toFixed(2)}:1`);
  }
  return {checked, low: out.slice(0, 20)};
})()
"""
SELECTOR = ("td, th, td p, th p, td a, th a, td span, td code span, summary, .ra2-badge, .ra2-status, "
            "dl.ra2-fields dd span, dl.ra2-fields dd a, .dt-info, .dt-search label")


def emulate_media(browser: Browser, media: str) -> None:
    """Print (or screen) media, and wait for the page's media query listeners: Chromium calls them when it
    next renders a frame, before that frame's animation callbacks."""
    browser.send("Emulation.setEmulatedMedia", {"media": media}, session=True)
    browser.js("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_tool("chromium")
    require_tool("dot")
    result = build(REPO / "source", tmp_path_factory.mktemp("site"), confdir=REPO, html_theme="furo")
    assert result.warnings == "", result.warnings
    return Path(result.app.outdir)


@pytest.fixture(scope="module")
def browser(site: Path) -> Iterator[Browser]:
    with Browser(require_tool("chromium")) as chrome:
        yield chrome


def test_matrices_fit_the_window_at_1400_px(site: Path, browser: Browser) -> None:
    browser.resize(1400, 900)
    browser.open(site / "matrices.html")
    boxes = browser.js("""Array.from(document.querySelectorAll('table.ra2-matrix-table')).map(t => {
        const box = t.closest('.ra2-scroll');
        return {cols: t.querySelectorAll('thead tr:first-child th').length - 1, width: box.scrollWidth,
                visible: box.clientWidth, right: t.getBoundingClientRect().right};
      })""")
    assert len(boxes) >= 10
    for box in boxes:
        if box["cols"] <= 6:
            assert box["width"] <= box["visible"] + 1, f"a {box['cols']}-component matrix scrolls sideways: {box}"
            assert box["right"] <= 1400
    # the page uses the window: the matrices' box is close to the window width, not furo's 46em column
    assert min(b["visible"] for b in boxes) > 1200
    assert browser.js("document.documentElement.scrollWidth") <= 1400
    browser.js("document.querySelector('#networking-solutions-current-ra2').scrollIntoView({behavior: 'instant'})")
    browser.screenshot(SHOTS / "matrices-1400.png")


def test_header_and_first_column_stay_in_view_while_scrolling(site: Path, browser: Browser) -> None:
    browser.resize(1400, 900)
    browser.open(site / "traceability.html")
    found = browser.js("""(() => {
        const box = document.querySelector('.ra2-wide.ra2-scroll');
        box.scrollIntoView({behavior: 'instant'}); box.scrollTop = 1500;
        const th = box.querySelector('thead th'), row = box.querySelector('tbody tr');
        return {box: box.getBoundingClientRect().top, th: th.getBoundingClientRect().top,
                row: row.getBoundingClientRect().top, scrolled: box.scrollTop};
      })()""")
    assert found["scrolled"] > 1000, found
    assert abs(found["th"] - found["box"]) <= 2, f"header not at the top of its box after scrolling: {found}"
    assert found["row"] < found["box"] - 500, found
    browser.screenshot(SHOTS / "traceability-scrolled.png")

    browser.resize(420, 800)
    browser.open(site / "matrices.html")
    stub = browser.js("""(() => {
        const t = document.querySelectorAll('table.ra2-matrix-table')[3], box = t.closest('.ra2-scroll');
        box.scrollIntoView({behavior: 'instant'}); box.scrollLeft = 400;
        const stub = t.querySelector('tbody th.stub');
        return {box: box.getBoundingClientRect().left, stub: stub.getBoundingClientRect().left,
                stubWidth: stub.getBoundingClientRect().width, boxWidth: box.clientWidth, left: box.scrollLeft,
                page: document.documentElement.scrollWidth};
      })()""")
    assert stub["left"] > 100, stub
    assert abs(stub["stub"] - stub["box"]) <= 2, f"first column scrolled away: {stub}"
    assert stub["stubWidth"] <= 0.5 * stub["boxWidth"], f"first column too wide on a phone: {stub}"
    assert stub["page"] <= 420, "the page itself scrolls sideways at 420 px"
    browser.screenshot(SHOTS / "matrices-420.png")


def test_the_filter_narrows_the_traceability_table(site: Path, browser: Browser) -> None:
    browser.resize(1400, 900)
    browser.open(site / "traceability.html")
    counts = browser.js("""new Promise(done => {
        const container = document.querySelector('.dt-container'), input = container.querySelector('input');
        const rows = () => Array.from(container.querySelectorAll('tbody tr'))
          .filter(r => !r.querySelector('.dt-empty'));
        const before = rows().length, info = container.querySelector('.dt-info').textContent;
        input.value = 'ra2.ntw'; input.dispatchEvent(new Event('input', {bubbles: true}));
        setTimeout(() => done({before, info, after: rows().length,
          matching: rows().every(r => r.textContent.includes('ra2.ntw')),
          infoAfter: container.querySelector('.dt-info').textContent}), 500);
      })""")
    assert counts["before"] >= 50, counts
    assert 0 < counts["after"] < counts["before"], counts
    assert counts["matching"], counts
    browser.screenshot(SHOTS / "traceability-filtered.png")
    sortable = browser.js("document.querySelectorAll('.dt-container thead th.dt-orderable-asc').length")
    assert sortable >= 4


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_text_contrast_in_the_browser(site: Path, browser: Browser, theme: str) -> None:
    browser.resize(1400, 900)
    for page in ("matrices.html", "traceability.html", "known-issues.html", "ra2/networking.html", "components.html",
                 "index.html"):
        browser.open(site / page)
        browser.js(f"document.body.dataset.theme = '{theme}'")
        found = browser.js(CONTRAST_JS.replace("SELECTOR", repr(SELECTOR)))
        assert found["checked"] > (0 if page == "index.html" else 10), (page, found)  # index: charts are SVG
        assert not found["low"], f"{page} ({theme}): " + "; ".join(found["low"])
    browser.open(site / "ra2/networking.html", "ra2-req-ra2-ntw-003")
    browser.js(f"document.body.dataset.theme = '{theme}'")
    browser.screenshot(SHOTS / f"requirement-{theme}.png")


def test_print_keeps_every_column(site: Path, browser: Browser, tmp_path: Path) -> None:
    """In print media at A4 width every matrix column is laid out inside the page (none cut, none hidden);
    the PDF Chromium prints is kept beside the screenshots."""
    browser.resize(1400, 900)
    browser.open(site / "matrices.html")
    emulate_media(browser, "print")
    browser.resize(718, 1000)  # A4 at 96 px per inch, less 1 cm margins
    # the media query splits the wider matrices as printing does: their parts are laid out, not the whole
    found = browser.js("""Array.from(document.querySelectorAll('table.ra2-matrix-table'))
        .filter(t => !t.closest('.ra2-print-split')).map(t => {
        const heads = Array.from(t.querySelectorAll('thead tr:first-child th'));
        const last = heads[heads.length - 1].getBoundingClientRect();
        return {cols: heads.length, right: last.right, hidden: heads.filter(h => !h.offsetWidth).length,
                width: document.documentElement.clientWidth, font: parseFloat(getComputedStyle(t).fontSize)};
      })""")
    assert len(found) >= 10
    assert browser.js("document.querySelectorAll('.ra2-print-split').length") >= 1, "no wide matrix split in print"
    for table in found:
        assert table["hidden"] == 0 and table["right"] <= table["width"] + 1, table
        assert table["font"] >= 8, f"printed table text under 6 pt: {table}"
    emulate_media(browser, "")
    pdf = SHOTS / "matrices.pdf"
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.print_pdf(pdf)
    assert pdf.stat().st_size > 10_000


WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>')


Word = tuple[float, float, float, str]  # left edge, top, bottom, text


def _under(by_edge: dict[int, list[Word]], word: Word) -> Word | None:
    """The word starting at about the same left edge (within 3 pt) on the next line, if any."""
    x, top, bottom, _ = word
    near = (w for edge in range(round(x) - 3, round(x) + 4) for w in by_edge.get(edge, []))
    return next((w for w in near if abs(w[0] - x) < 3 and 0 <= w[1] - bottom < 0.8 * (bottom - top)), None)


def printed_words(pdf: Path) -> set[str]:
    """Every word of the PDF, and each word joined with the one or two right under it at the same left edge
    (a narrow cell's ID wrapped onto its next lines), read with poppler's word boxes."""
    xml = subprocess.run([require_tool("pdftotext"), "-bbox", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    out: set[str] = set()
    for page in xml.split("<page ")[1:]:
        words = [(float(x), float(top), float(bottom), html.unescape(text))
                 for x, top, bottom, text in WORD.findall(page)]
        by_edge: dict[int, list[Word]] = {}
        for word in words:
            by_edge.setdefault(round(word[0]), []).append(word)
        for word in words:
            joined, nxt = word[3], _under(by_edge, word)
            out.add(joined)
            for _ in range(2):
                if nxt is None:
                    break
                joined += nxt[3]
                out.add(joined)
                nxt = _under(by_edge, nxt)
    return out


PAGED_JS = """Array.from(DataTable.tables()).map(t => { const api = new DataTable.Api(t);
    const container = t.closest('.dt-container'), info = container && container.querySelector('.dt-info');
    return {len: api.page.len(), total: api.rows({search: 'applied'}).count(), shown: t.tBodies[0].rows.length,
            infoShown: !!(info && info.offsetParent),
            ids: api.rows({search: 'applied'}).nodes().toArray().map(r => r.cells[0].textContent.trim())}; })"""


def test_print_shows_every_row_of_a_paged_table(site: Path, browser: Browser) -> None:
    """A table paged on screen (over 200 rows, 100 a page) prints every row, not the page on screen: in
    print media every row is in the table and the page comes back afterwards, and the PDF Chromium prints
    (Page.printToPDF, kept under build/e2e/) holds the first cell of every row. A filtered table prints
    the rows its filter keeps, with its "filtered from" line."""
    browser.resize(1400, 900)
    browser.open(site / "traceability.html")
    screen = browser.js(PAGED_JS)
    paged = [i for i, t in enumerate(screen) if 0 < t["len"] < t["total"]]
    assert paged, f"no paged table on the traceability page: {[(t['len'], t['total']) for t in screen]}"
    assert all(screen[i]["shown"] == screen[i]["len"] for i in paged)
    emulate_media(browser, "print")
    printing = browser.js(PAGED_JS)
    assert [printing[i]["shown"] for i in paged] == [screen[i]["total"] for i in paged]
    emulate_media(browser, "")
    assert [t["shown"] for t in browser.js(PAGED_JS)] == [t["shown"] for t in screen], "paging not restored"

    SHOTS.mkdir(parents=True, exist_ok=True)
    pdf = SHOTS / "traceability.pdf"
    browser.print_pdf(pdf)
    printed = printed_words(pdf)
    for i in paged:
        missing = [first for first in screen[i]["ids"] if "".join(first.split()) not in printed]  # spaces too
        assert not missing, f"table {i}: {len(missing)} of {screen[i]['total']} rows not printed, e.g. {missing[:5]}"

    browser.js(f"new DataTable.Api(DataTable.tables()[{paged[0]}]).search('ra2.ntw').draw(), null")
    emulate_media(browser, "print")
    filtered = browser.js(PAGED_JS)[paged[0]]
    emulate_media(browser, "")
    assert 0 < filtered["shown"] == filtered["total"] < screen[paged[0]]["total"], filtered
    assert filtered["infoShown"], "a filtered table prints without saying it is filtered"
