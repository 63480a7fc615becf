"""The shipped site as its readers get it, checked in the built HTML (no browser needed): every ID
mentioned is a link to its definition, requirements are in the general index and in their page's
contents, and the home page's charts link every bar segment to the requirements behind it."""

from __future__ import annotations

import html
import itertools
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import pytest

from ra2docs.contrast import AA, ratio
from ra2docs.project import Project
from tests.conftest import REPO, require_tool
from tests.dead_ids import dead_mentions
from tests.e2e.cdp import Browser
from tests.sphinx_helpers import Build, build


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Build:
    result = build(REPO / "source", tmp_path_factory.mktemp("shipped"), confdir=REPO, html_theme="furo")
    assert result.warnings == "", result.warnings
    return result


def test_no_id_is_mentioned_without_a_link(shipped: Build) -> None:
    dead = dead_mentions(Path(shipped.app.outdir), REPO)
    assert not dead, f"{sum(dead.values())} dead ID mentions, e.g. {dead.most_common(5)}"


def test_requirements_are_in_the_general_index_and_the_local_contents(shipped: Build) -> None:
    index = shipped.html("genindex")
    assert index.count("#ra2-req-") > 500, "requirements missing from the general index"
    page = shipped.html("ra2/networking")
    toc = page[page.index('class="toc-tree"'):]
    toc = toc[:toc.index("</nav>") if "</nav>" in toc else len(toc)]
    assert "#ra2-req-ra2-ntw-001" in toc and "#ra2-req-ra2-ntw-003" in toc


def test_requirement_blocks_show_coverage_and_support(shipped: Build) -> None:
    page = shipped.html("ra2/networking")
    block = page[page.index('id="ra2-req-ra2-ntw-001"'):]
    block = block[:block.index("</section>")]
    assert "Coverage" in block and "ra2-status" in block
    rm = shipped.html("rm")
    assert "Supported by" in rm and 'class="ra2-support"' in rm


def test_every_chart_segment_links_to_its_requirements(shipped: Build) -> None:
    home = shipped.html("index")
    assert home.count('<svg class="ra2-chart"') >= 2
    hrefs = re.findall(r'<a href="#(ra2-dash-[^"]+)"><rect', home)
    assert len(hrefs) > 10
    ids = set(re.findall(r'id="(ra2-dash-[^"]+)"', home))
    assert not [h for h in hrefs if h not in ids], "a bar links to no list"
    assert "Legend:" in home


def test_upstream_section_citations_are_links_not_rst(shipped: Build) -> None:
    """Upstream cells cite sections with RST `:ref:`; the site shows each as the section, linked (issue 9 item 2)."""
    pages = list(Path(shipped.app.outdir).rglob("*.html"))
    assert sum(p.read_text(encoding="utf-8").count(":ref:`") for p in pages) == 0
    link = ('<a class="reference external" href="https://cntt.readthedocs.io/projects/ra2/en/latest/chapters/'
            'chapter02.html#kubernetes-architecture-requirements"><span class="ra2-section-ref">RA2 §2.4 Kubernetes '
            "Architecture Requirements</span></a>")
    assert shipped.html("ra2/kubernetes").count(link) > 10  # ch.4's trace cells: "gen.cnt.03 in RA2:2.4"
    assert "RA2 §5.4 Securing the Kubernetes Orchestrator" in shipped.html("rm-uncited")


def test_gaps_and_other_declared_links_show_on_requirements(shipped: Build) -> None:
    page = shipped.html("rm")
    block = page[page.index('id="ra2-req-rm-e-man-004"'):]  # qualified: RA1 restates e.man.004 too
    block = block[:block.index('class="ra2-requirement', 10)]
    assert "Gaps" in block and "RA2 §7.1.3 Multitenancy and Workload Isolation with Kubernetes" in block
    assert "#multitenancy-and-workload-isolation-with-kubernetes" in block  # linked to the published section
    assert "Same as" in shipped.html("rm-uncited")  # the pre-2020 security IDs and the RM's current ones


# ---- diagrams: each SVG holds what its caption promises, with a legend, in readable colours -----------------

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"
FIGURE = re.compile(r'<object data="([^"]+\.svg)"[^>]*class="graphviz ra2-diagram">.*?</object></div>\s*'
                    r'<p class="ra2-diagram-caption">(.*?)</p>', re.S)


@dataclass
class Drawn:
    caption: str
    nodes: dict[str, set[str]] = field(default_factory=dict)  # class (requirement, component, ...) -> titles
    focus: set[str] = field(default_factory=set)  # titles drawn with the bold border
    linked: set[str] = field(default_factory=set)  # titles whose box is a link
    legend: list[str] = field(default_factory=list)  # the legend's texts
    edge_styles: set[str] = field(default_factory=set)  # dash patterns of the links drawn ("" = solid)
    pairs: list[tuple[str, str]] = field(default_factory=list)  # (fill, text colour) of every box


def _diagrams(shipped: Build, docname: str) -> list[Drawn]:
    page = shipped.html(docname)
    folder = (Path(shipped.app.outdir) / docname).parent
    out = []
    for src, caption in FIGURE.findall(page):
        root = ElementTree.parse(folder / src).getroot()
        drawn = Drawn(html.unescape(re.sub(r"<[^>]+>", "", caption)))
        for group in root.iter(f"{SVG}g"):
            classes = group.get("class", "").split()
            title = group.findtext(f"{SVG}title", "")
            shapes = [e for e in group.iter() if e.tag in (f"{SVG}path", f"{SVG}polygon", f"{SVG}ellipse")]
            texts = [t.text or "" for t in group.iter(f"{SVG}text")]
            if "cluster" in classes and title == "cluster_legend":
                drawn.legend += texts
            if "edge" in classes and title.startswith("legend:"):
                drawn.legend += texts  # a sample line and what it means
            elif "edge" in classes:
                drawn.edge_styles.add(shapes[0].get("stroke-dasharray", "") if shapes else "")
            if "node" not in classes:
                continue
            if "ra2-diagram-legend" in classes:
                drawn.legend += texts
                continue
            kind = next(c.removeprefix("ra2-diagram-") for c in classes if c.startswith("ra2-diagram-"))
            drawn.nodes.setdefault(kind, set()).add(title)
            if any(s.get("stroke-width") == "2.5" for s in shapes):
                drawn.focus.add(title)
            if any(a.get(f"{XLINK}href") for a in group.iter(f"{SVG}a")):
                drawn.linked.add(title)
            fill = next(s.get("fill") for s in shapes if s.get("fill") not in (None, "none"))
            drawn.pairs += [(fill, t.get("fill", "#000000")) for t in group.iter(f"{SVG}text")]
        out.append(drawn)
    return out


def _count(caption: str, pattern: str) -> int:
    found = re.search(pattern, caption)
    assert found, f"{pattern!r} not in caption {caption!r}"
    return int(found.group(1))


def _check_common(drawn: Drawn) -> None:
    """The legend names every shape and line style drawn; every box's text is readable on its fill."""
    assert any("bold border" in t for t in drawn.legend), drawn.caption
    if drawn.nodes.get("component"):
        assert "component (name, kind)" in drawn.legend, drawn.caption
    if drawn.nodes.get("feature"):
        assert "matrix row (a feature)" in drawn.legend, drawn.caption
    if "5,2" in drawn.edge_styles:  # Graphviz's dashes: the support links
        assert any(t.startswith("a matrix cell") for t in drawn.legend), drawn.caption
    if "" in drawn.edge_styles:
        assert "traces to" in drawn.legend, drawn.caption
    for fill, ink in drawn.pairs:
        assert ratio(ink, fill) >= AA, f"{ink} on {fill}: {ratio(ink, fill):.2f}:1 in {drawn.caption}"


def test_each_chapter_diagram_shows_its_requirements_links_and_components(shipped: Build) -> None:
    graph = Project.load(REPO).graph
    chapters = sorted(p.stem for p in (REPO / "source" / "ra2").glob("*.rst") if p.stem != "index")
    assert len(chapters) >= 12
    for chapter in chapters:
        drawn = [d for d in _diagrams(shipped, f"ra2/{chapter}") if "category" in d.caption]
        assert len(drawn) == 1, f"ra2/{chapter}: {len(drawn)} chapter diagrams"
        (d,) = drawn
        category = re.search(r"of RA2 category (\S+) ", d.caption).group(1)  # type: ignore[union-attr]
        expected = {r.key for r in graph.spec_requirements("RA2") if r.category == category}
        requirements = d.nodes.get("requirement", set())
        assert d.focus == expected, f"{chapter}: bold boxes differ from the category's requirements"
        assert _count(d.caption, r"The (\d+) requirements? of") == len(expected)
        assert _count(d.caption, r"the (\d+) requirements? they link to") == len(requirements - expected)
        assert _count(d.caption, r"the (\d+) components? that support") == len(d.nodes.get("component", ()))
        traced = {t for r in expected for _, t, data in graph.g.out_edges(r, data=True)
                  if t in graph.requirements and data.get("type") in ("traces", "refines", "depends")}
        assert traced <= requirements, f"{chapter}: traced requirements missing: {sorted(traced - requirements)}"
        supporters = {s for r in expected for s, _, data in graph.g.in_edges(r, data=True)
                      if data.get("type") == "supports"}
        assert supporters == d.nodes.get("component", set()), chapter
        assert expected <= d.linked, f"{chapter}: boxes without a link: {sorted(expected - d.linked)}"
        _check_common(d)


def _sentences(page: str, cls: str) -> dict[str, str]:
    """The text of each paragraph of class `cls`, by the kind it names."""
    out = {}
    for found in re.findall(rf'<p class="{cls}">(.*?)</p>', page, re.S):
        text = html.unescape(re.sub(r"<[^>]+>", "", found))
        out[re.search(r"of kind (\S+) ", text).group(1)] = found  # type: ignore[union-attr]
    return out


def test_each_component_kind_has_a_diagram_of_its_supporting_components(shipped: Build) -> None:
    """A kind's diagram draws the components of that kind that support something; those that support
    nothing are named in words beside it, and a kind none of whose components supports anything gets a
    sentence saying so instead of an empty picture (shipped: dataplane, ra1-flavour; runc beside its kind)."""
    graph = Project.load(REPO).graph
    by_kind: dict[str, set[str]] = {}
    idle: dict[str, set[str]] = {}
    for comp in graph.components.values():
        supports = any(d.get("type") == "supports" for _, _, d in graph.g.out_edges(comp.id, data=True))
        (by_kind if supports else idle).setdefault(comp.kind, set()).add(comp.id)
        by_kind.setdefault(comp.kind, set())
    drawn = {re.search(r"of kind (\S+) ", d.caption).group(1): d  # type: ignore[union-attr]
             for d in _diagrams(shipped, "components")}
    page = shipped.html("components")
    nothing, beside = _sentences(page, "ra2-diagram-none"), _sentences(page, "ra2-diagram-not-drawn")
    empty = {kind for kind, comps in by_kind.items() if not comps}
    assert {"dataplane", "ra1-flavour"} <= empty and "runc" in idle["container-runtime"]
    assert set(drawn) == set(by_kind) - empty and set(nothing) == empty
    assert set(beside) == {kind for kind in idle if kind not in empty}
    for kind, sentence in (*nothing.items(), *beside.items()):
        linked = set(re.findall(r'<a class="reference internal" href="#ra2-comp-[^"]*"><code[^>]*>'
                                r'(?:<span class="pre">)?([^<]+)', sentence))
        assert linked == idle[kind], (kind, sentence)
    for kind, d in drawn.items():
        assert d.focus == by_kind[kind] <= d.nodes["component"], kind
        assert not idle.get(kind, set()) & d.nodes["component"], f"{kind}: a component supporting nothing drawn"
        assert _count(d.caption, r"The (\d+) components? of kind") == len(by_kind[kind])
        assert _count(d.caption, r"the (\d+) requirements? and") == len(d.nodes.get("requirement", ()))
        assert _count(d.caption, r"(\d+) matrix rows? they support") == len(d.nodes.get("feature", ()))
        supported = {t for c in by_kind[kind] for _, t, data in graph.g.out_edges(c, data=True)
                     if data.get("type") == "supports"}
        assert supported == d.nodes.get("requirement", set()) | d.nodes.get("feature", set()), kind
        _check_common(d)


def test_the_single_requirement_diagram_shows_its_supporters(shipped: Build) -> None:
    (d,) = [d for d in _diagrams(shipped, "ra2/networking") if "category" not in d.caption]
    assert d.focus == {"ra2.ntw.008"}
    assert _count(d.caption, r"(\d+) components? within") == len(d.nodes["component"]) >= 5
    _check_common(d)


# ---- every large table filters and sorts, opened from file:// in Chromium -------------------------------------

LARGE_TABLES_JS = """Array.from(document.querySelectorAll('.ra2-filterable table')).filter(t => t.tBodies.length
      && t.tBodies[0].rows.length >= 8).map(t => {
    const container = t.closest('.dt-container');
    return {rows: t.tBodies[0].rows.length, cls: t.className.slice(0, 50), enhanced: !!container,
            search: !!(container && container.querySelector('input')),
            sortable: container ? container.querySelectorAll('thead th.dt-orderable-asc').length : 0};
  })"""
SORT_JS = """new Promise(done => {
    const t = document.querySelector('.dt-container table'), th = t.querySelector('thead th.dt-orderable-asc');
    const first = () => t.tBodies[0].rows[0].textContent;
    const before = first(); th.click();
    setTimeout(() => { const asc = first(); th.click();
      setTimeout(() => done({before, asc, desc: first()}), 300); }, 300);
  })"""


def test_every_large_table_filters_and_sorts_from_file_urls(shipped: Build) -> None:
    site = Path(shipped.app.outdir)
    pages = ("traceability", "known-issues", "components", "matrices", "coverage", "verification")
    with Browser(require_tool("chromium")) as browser:
        browser.resize(1400, 900)
        seen = 0
        for page in pages:
            browser.open(site / f"{page}.html")  # a file:// URL: DataTables comes from _static, no network
            tables = browser.js(LARGE_TABLES_JS)
            seen += len(tables)
            plain = [t for t in tables if not (t["enhanced"] and t["search"] and t["sortable"])]
            assert not plain, f"{page}: large tables without filter or sorting: {plain}"
        assert seen >= 15, f"only {seen} large tables found"
        browser.open(site / "known-issues.html")
        order = browser.js(SORT_JS)
        assert order["asc"] != order["desc"], f"sorting the known issues changed nothing: {order}"


def _widest_matrix_page() -> tuple[str, list[str]]:
    """The page showing the shipped matrix with the most components, and the words of its column titles."""
    project = Project.load(REPO)
    matrix = max(project.tree.matrices, key=lambda m: len(m.columns))
    page = next(p for p in (REPO / "source").rglob("*.rst")
                if re.search(rf"^\.\. ra2:matrix:: {re.escape(matrix.id)}\s*$", p.read_text(), re.M))
    comps = project.graph.components
    titles = [matrix.column_titles.get(c) or (comps[c].name if c in comps else c) for c in matrix.columns]
    return page.relative_to(REPO / "source").with_suffix("").as_posix(), titles


def test_printing_splits_the_widest_matrix_and_keeps_every_column(shipped: Build) -> None:
    """Chromium prints the page of the widest matrix to A4: the matrix comes out as captioned parts of at
    most six components, every column title is printed whole (no word cut by a narrow column), and the
    row header column is in every part. The PDF and PNGs of its pages are kept under build/print/."""
    page, titles = _widest_matrix_page()
    assert len(titles) > 6, "the shipped matrices no longer need splitting: test with a wider one"
    keep = REPO / "build" / "print"
    keep.mkdir(parents=True, exist_ok=True)
    pdf = keep / "widest-matrix.pdf"
    with Browser(require_tool("chromium")) as browser:
        browser.open(Path(shipped.app.outdir) / f"{page}.html")
        browser.print_pdf(pdf)
        parts_left = browser.js("document.querySelectorAll('.ra2-print-parts').length")
    text = subprocess.run([require_tool("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    total = len(titles)
    captions = re.findall(rf"Columns (\d+)–(\d+) of {total}\b", text)
    spans = [(int(a), int(b)) for a, b in captions]
    assert spans and spans[0][0] == 1 and spans[-1][1] == total, captions
    assert all(b - a < 6 for a, b in spans) and all(n[0] == p[1] + 1 for p, n in itertools.pairwise(spans)), spans
    words = set(re.findall(r"[\w-]+", text))
    cut = [w for t in titles for w in re.findall(r"[\w-]+", t) if w not in words]
    assert not cut, f"column title words not printed whole: {cut}"
    first = text.index(f"Columns 1–{spans[0][1]} of {total}")
    parts = text[first:].split("Columns ")[1:len(spans) + 1]
    assert all("Requirement or feature" in p for p in parts), "a part lacks the row header column"
    assert parts_left == 0, "the printed parts stay on the page after printing"
    for old in keep.glob("widest-matrix-*.png"):
        old.unlink()
    subprocess.run([require_tool("pdftoppm"), "-r", "60", "-png", str(pdf), str(keep / "widest-matrix")], check=True)
