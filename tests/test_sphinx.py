"""The ra2docs Sphinx extension, built for real on the sample project under tests/roots/sample."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import docutils_namespace

from tests.sphinx_helpers import ROOTS, Build, build, copy_root

EXPECTED = ROOTS / "sample-expected"


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Build:
    return build(copy_root("sample", tmp_path_factory.mktemp("sample")))


def _fragment(html: str, start: str) -> str:
    begin = html.index(start)
    return html[begin:html.index("</table>", begin) + len("</table>")] + "\n"


def _check_expected(name: str, actual: str) -> None:
    """Compare with committed output; RA2DOCS_REGENERATE=1 rewrites it (review the diff)."""
    path = EXPECTED / name
    if os.environ.get("RA2DOCS_REGENERATE") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8"), f"{name} differs from the committed copy"


def test_sample_builds_without_warnings(sample: Build) -> None:
    assert sample.warnings == ""
    assert sample.app.statuscode == 0


def test_requirements_are_targets_with_links_both_ways(sample: Build) -> None:
    rm = sample.html("rm")
    assert 'id="ra2-req-req-inf-ntw-01"' in rm
    assert "Pods reach each other" in rm and "Without address translation." in rm
    # traced by, as a link to the RA page's anchor
    assert 'href="ra.html#ra2-req-ra-ntw-001"' in rm
    ra = sample.html("ra")
    assert 'href="rm.html#ra2-req-req-inf-ntw-01"' in ra
    assert 'href="https://example.org/rm"' in rm  # a source URL of http(s) becomes a link


def test_matrix_cells_have_text_colour_class_via_and_notes(sample: Build) -> None:
    html = sample.html("matrix")
    _check_expected("matrix-cni.html", _fragment(html, '<table class="ra2-table ra2-matrix-table'))
    assert "✔ Supported" in html and "↪ Via another plugin" in html
    assert "Delegates to the plugin it wraps" in html
    assert "meta-plugin" in html  # show_attributes header row
    css = (sample.out / "_static" / "ra2docs-levels.css").read_text()
    assert ".ra2-level-supported { background-color: #2e7d32" in css


def test_traceability_and_coverage(sample: Build) -> None:
    html = sample.html("trace")
    _check_expected("trace-rm.html", _fragment(html, '<table class="ra2-table ra2-traceability'))
    assert "✔ covered" in html
    assert "All chapters" in html


def test_catalogue_findings_and_codes(sample: Build) -> None:
    cat = sample.html("catalogue")
    assert 'id="ra2-comp-multus"' in cat and "CNI plugin" in cat and "CSI driver" in cat
    assert 'href="matrix.html#ra2-matrix-cni"' in cat
    findings = sample.html("findings")
    assert "Open findings (0)" in findings
    assert 'id="ra2-code-ra2-uncovered"' in findings


def test_role_links_prose(sample: Build) -> None:
    index = sample.html("index")
    assert 'href="ra.html#ra2-req-ra-ntw-001"' in index
    assert 'href="matrix.html#ra2-matrix-cni"' in index


def test_diagram_links_its_neighbours(sample: Build) -> None:
    svgs = list((sample.out / "_images").glob("graphviz-*.svg"))
    assert svgs, "no diagram rendered"
    svg = svgs[0].read_text()
    assert "req.inf.ntw.01" in svg and "Multus" in svg
    assert "rm.html#ra2-req-req-inf-ntw-01" in svg
    assert "ra.html#ra2-req-ra-ntw-001" in svg  # its own page, named so the link works from _images/
    assert "../ra#" not in svg


HOSTILE_TITLE = ':ref:`pwn` <script>alert(1)</script> `tick` **bold** .. raw:: html'
HOSTILE_DESCRIPTION = (".. raw:: html\n\n   <b>raw</b>\n\n"
                       "`link <https://evil.example>`_ and |sub| <img src=x onerror=alert(2)>")


def test_yaml_text_never_becomes_markup(tmp_path: Path) -> None:
    root = copy_root("sample", tmp_path)
    path = root / "requirements" / "rm-stg.yaml"
    text = path.read_text().replace("title: Persistent volumes", f"title: '{HOSTILE_TITLE}'")
    text += "    description: |\n" + "".join(f"      {line}\n" for line in HOSTILE_DESCRIPTION.splitlines())
    path.write_text(text)
    matrix = root / "mappings" / "matrix.yaml"
    matrix.write_text(matrix.read_text().replace("note: Delegates to the plugin it wraps",
                                                 f"note: '{HOSTILE_TITLE}'"))
    result = build(root)
    assert result.warnings == ""
    matrix_html = result.html("matrix")
    assert "<script>alert(1)" not in matrix_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in matrix_html
    doctree = result.app.env.get_doctree("rm")
    assert not list(doctree.findall(nodes.raw))
    assert not [r for r in doctree.findall(nodes.reference) if "evil" in r.get("refuri", "")]
    html = result.html("rm")
    assert "<script>alert(1)" not in html and "<img src=x" not in html and "<b>raw</b>" not in html
    assert ":ref:`pwn` &lt;script&gt;alert(1)&lt;/script&gt; `tick` **bold** .. raw:: html" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "https://evil.example" in html and 'href="https://evil.example"' not in html


def _break_trace(root: Path) -> None:
    path = root / "requirements" / "ra-stg.yaml"
    path.write_text(path.read_text().replace("    traces: [req.inf.stg.01]\n", ""))


def test_findings_are_located_warnings_and_fail_with_W(tmp_path: Path) -> None:
    root = copy_root("sample", tmp_path)
    _break_trace(root)
    result = build(root, warningiserror=True)
    assert result.app.statuscode == 1
    lines = [line for line in result.warnings.splitlines() if "ra2docs.ra2.uncovered" in line]
    assert len(lines) == 1, result.warnings  # once per build, not once per page
    assert re.search(r"requirements/rm-stg\.yaml:5:\d+: (WARNING|ERROR): RM requirement 'req\.inf\.stg\.01'",
                     lines[0]), lines[0]
    assert "[ra2docs.ra2.ra-no-trace]" in result.warnings
    assert "requirements/ra-stg.yaml:5" in result.warnings


def test_suppress_warnings_silences_one_code(tmp_path: Path) -> None:
    root = copy_root("sample", tmp_path)
    _break_trace(root)
    result = build(root, suppress_warnings=["ra2docs.ra2.uncovered"])
    assert "ra2.uncovered" not in result.warnings
    assert "ra2docs.ra2.ra-no-trace" in result.warnings


def test_waived_findings_are_listed_not_warned(tmp_path: Path) -> None:
    root = copy_root("sample", tmp_path)
    _break_trace(root)
    (root / "mappings" / "waivers.yaml").write_text(
        "kind: waivers\nwaivers:\n"
        "  - {code: ra2.uncovered, target: req.inf.stg.01, reason: Storage is out of scope for release 1}\n"
        "  - {code: ra2.ra-no-trace, target: ra.stg.001, reason: Traced in the next release}\n")
    result = build(root, warningiserror=True)
    assert result.warnings == ""
    assert result.app.statuscode == 0
    findings = result.html("findings")
    assert "Storage is out of scope for release 1" in findings
    assert "Accepted (waived) findings (2)" in findings
    assert "⚑ waived" in result.html("trace")


def test_unknown_id_in_prose_is_a_located_warning(tmp_path: Path) -> None:
    root = copy_root("sample", tmp_path)
    index = root / "index.rst"
    index.write_text(index.read_text() + "\nSee :ra2:req:`req.nope.99` and :ra2:req:`multus`.\n")
    result = build(root)
    assert re.search(r"index\.rst:\d+: WARNING: unknown ID 'req\.nope\.99'.*\[ra2docs\.unknown-id\]",
                     result.warnings), result.warnings
    assert "'multus' is a component, not a requirement" in result.warnings


def test_directive_misuse_is_a_located_warning(tmp_path: Path) -> None:
    root = copy_root("sample", tmp_path)
    (root / "matrix.rst").write_text("Matrices\n========\n\n.. ra2:matrix:: nope\n")
    result = build(root)
    assert re.search(r"matrix\.rst:\d+: WARNING: ra2:matrix: unknown matrix 'nope'", result.warnings)


def test_other_builders_get_the_docutils_tables(tmp_path: Path) -> None:
    root = copy_root("sample", tmp_path)
    with docutils_namespace():
        app = Sphinx(str(root), str(root), str(tmp_path / "text"), str(tmp_path / "dt"), "text",
                     status=io.StringIO(), warning=io.StringIO())
        app.build()
    text = (tmp_path / "text" / "matrix.txt").read_text()
    assert "✔ Supported" in text and "Delegates" in text
    assert "Pods reach" in (tmp_path / "text" / "rm.txt").read_text()


def test_sparse_matrix_lists_only_stated_cells(tmp_path: Path) -> None:
    root = copy_root("sample", tmp_path)
    matrix = root / "mappings" / "matrix.yaml"
    matrix.write_text(matrix.read_text().replace("vocabulary: support\n", "vocabulary: support\nsparse: true\n")
                      .replace("cells: {multus: supported, danm: supported}", "cells: {danm: supported}"))
    result = build(root)
    assert result.warnings == ""
    html = result.html("matrix")
    table = _fragment(html, '<table class="ra2-table ra2-matrix-table ra2-sparse')
    assert "not stated" not in table
    assert '<span class="ra2-badge ra2-level-supported">✔ Supported</span> <a' in table
    assert table.count("ra2-stated") == 5  # the cells the YAML states, and no others


def _wide_matrix_root(tmp_path: Path) -> Path:
    """The sample site with a `sparse: false` matrix of 250 components and 100 rows stating one cell a row."""
    from ra2docs.sphinx.matrix_html import GRID_LIMIT

    root = copy_root("sample", tmp_path)
    columns = [f"wide{n:03d}" for n in range(250)]
    components = root / "mappings" / "components.yaml"
    components.write_text(components.read_text() + "".join(
        f"  - {{id: {cid}, kind: cni, name: Wide plugin {cid[4:]}}}\n" for cid in columns))
    rows = "".join(f"  - feature: f{n:03d}\n    title: Feature {n}\n    cells: {{{columns[n]}: supported}}\n"
                   for n in range(100))
    (root / "mappings" / "wide.yaml").write_text(
        "kind: matrix\nid: wide\ntitle: A wide matrix\nvocabulary: support\nsparse: false\n"
        f"columns: [{', '.join(columns)}]\nrows:\n{rows}")
    (root / "matrix.rst").write_text((root / "matrix.rst").read_text() + "\n.. ra2:matrix:: wide\n")
    assert 100 * len(columns) > GRID_LIMIT
    return root


@pytest.mark.parametrize(("builder", "suffix"), [("text", "txt"), ("latex", "tex")])
def test_other_builders_list_a_matrix_too_wide_for_a_grid_by_stated_cells(tmp_path: Path, builder: str,
                                                                          suffix: str) -> None:
    """The text and LaTeX (PDF) builders get the listing and note the HTML gets, not a 251-column grid."""
    root = _wide_matrix_root(tmp_path)
    with docutils_namespace():
        app = Sphinx(str(root), str(root), str(tmp_path / builder), str(tmp_path / "dt"), builder,
                     status=io.StringIO(), warning=io.StringIO())
        app.build()
    files = [p for p in (tmp_path / builder).rglob(f"*.{suffix}") if "too many for a grid" in p.read_text()]
    assert len(files) == 1
    out = files[0].read_text()
    assert "100 rows by 250 components (25,000 cells) are too many for a grid" in " ".join(out.split())
    listing = out.split("too many for a grid")[1].split("\\end{longtable}")[0]  # LaTeX: the catalogue follows
    assert len(re.findall(r"plugin\s+\d{3}", listing)) == 100  # each stated cell names its component; no headings
    assert "— not stated" not in listing and "Feature 99" in listing and listing.count("Supported") == 100
    if builder == "text":
        assert len(out.encode()) < 100_000  # the grid's header row alone is 250 component names wide
        assert "| Requirement or       | Ceph CSI" in out  # a small matrix: a grid still


def test_a_dense_matrix_too_wide_for_a_grid_is_listed_by_stated_cells(tmp_path: Path) -> None:
    """A `sparse: false` matrix of 250 components and 100 rows (25,000 grid cells, over GRID_LIMIT) stating one
    cell a row: the page follows the stated cells, not rows x columns (issue 15: the peers' 101 MB page)."""
    root = _wide_matrix_root(tmp_path)
    result = build(root)
    # one build warning for the matrix's 24,900 unstated cells, not one each
    unstated = [line for line in result.warnings.splitlines() if "unknown cell" in line]
    assert len(unstated) == 1 and "wide.yaml:8:5:" in unstated[0]  # the first row
    assert "no value for 24,900 cells (unknown cells) in 100 of its 100 rows: row 'f000' columns 'wide001'" \
        in unstated[0]
    findings_page = result.html("findings")
    assert findings_page.count("no value for 24,900 cells") == 1 and "no value for column" not in findings_page
    html = result.html("matrix")
    table = _fragment(html, '<table class="ra2-table ra2-matrix-table ra2-sparse')
    assert "too many for a grid" in html
    assert table.count("ra2-stated") == 100  # the stated cells, and no placeholder for the 24,900 others
    assert "not stated</p>" not in table
    assert len(html.encode()) < 400_000  # a 25,000-cell grid with placeholders would be several MB
    cni = _fragment(html, '<table class="ra2-table ra2-matrix-table docutils')  # the small matrix: a grid still
    assert "<colgroup>" in cni


def test_other_page_context_handlers_see_the_generated_html_in_the_body(tmp_path: Path) -> None:
    """Generated blocks wait outside the body until `html-page-context` (ra2docs.sphinx.splice); a handler of
    that event (a theme's, another extension's) still sees the page's whole body, with no marker left."""
    from ra2docs.sphinx.splice import MARKER

    root = copy_root("sample", tmp_path)
    bodies: dict[str, str] = {}
    with docutils_namespace():
        app = Sphinx(str(root), str(root), str(tmp_path / "html"), str(tmp_path / "dt"), "html",
                     confoverrides={"html_theme": "basic"}, status=io.StringIO(), warning=io.StringIO())
        app.connect("html-page-context", lambda _app, name, _t, ctx, _d: bodies.__setitem__(name, ctx.get("body", "")))
        app.build()
    assert 'class="ra2-requirement"' in bodies["ra"] and "ra2-matrix-table" in bodies["matrix"]
    assert not any(MARKER in body for body in bodies.values())
    assert bodies["matrix"] in (tmp_path / "html" / "matrix.html").read_text(encoding="utf-8")


def test_a_written_pages_rendered_content_is_freed(tmp_path: Path) -> None:
    """The pages read are frozen with the environment before writing (nodes.freeze_before_writing); what is
    rendered into them (the search index's section per requirement) is taken out once the page is written,
    so it does not live on for the rest of the build (at N = 100,000: every chapter's sections)."""
    import gc

    root = copy_root("sample", tmp_path)
    result = build(root)
    assert 'class="ra2-requirement"' in result.html("ra")
    gc.collect()
    alive = [o for o in gc.get_objects() if isinstance(o, nodes.section) and any(
        i.startswith("ra2-req-") for i in o.get("ids", ()))]
    assert alive == []
