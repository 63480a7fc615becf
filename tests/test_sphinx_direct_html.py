"""The HTML written directly (requirement chapters, traceability tables, the catalogue) is exactly what the
docutils nodes path writes, hostile text included; and requirements stay findable in the search index."""

from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
import pytest

from ra2docs.sphinx import html_parts
from tests.conftest import run_cli
from tests.sphinx_helpers import build, copy_root, html_files
from tests.test_sphinx import HOSTILE_DESCRIPTION, HOSTILE_TITLE


def _hostile_sample(tmp_path: Path) -> Path:
    """The sample with markup-like text, notes, a multi-line description, tags, status and a refinement."""
    root = copy_root("sample", tmp_path)
    rm = root / "requirements" / "rm-stg.yaml"
    text = rm.read_text().replace("title: Persistent volumes", f"title: '{HOSTILE_TITLE} & \"q\" @x'")
    text += ("    status: draft\n    tags: [storage, '<tag>']\n    value: At least 2 <TB>\n"
             "    notes: 'A note with <em>markup</em> & more'\n    description: |\n"
             + "".join(f"      {line}\n" for line in HOSTILE_DESCRIPTION.splitlines())
             + "  - id: req.inf.stg.02\n    title: Snapshots\n    refines: [req.inf.stg.01]\n"
               "    depends: [req.nope.01]\n")
    rm.write_text(text)
    (root / "mappings" / "waivers.yaml").write_text(  # the new requirement's gap, waived: a numbered note
        "kind: waivers\nwaivers:\n  - code: ra2.uncovered\n    target: req.inf.stg.02\n"
        "    reason: Snapshots are not asked for yet (see req.inf.stg.01)\n")
    components = root / "mappings" / "components.yaml"
    components.write_text(components.read_text().replace("name: Multus", "name: 'Multus <b>&</b>'"))
    return root


@pytest.mark.parametrize("list_limit", [200, 1])
def test_direct_html_equals_the_nodes_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, list_limit: int) -> None:
    root = _hostile_sample(tmp_path / "src")
    via_nodes = build(root, tmp_path / "nodes", ra2docs_direct_html=False, ra2docs_list_limit=list_limit)
    written: list[str] = []
    original = html_parts.block
    monkeypatch.setattr(html_parts, "block", lambda html, *rest: written.append(html) or original(html, *rest))
    direct = build(root, tmp_path / "direct", ra2docs_list_limit=list_limit)
    assert any("ra2-requirement" in h for h in written) and any("ra2-traceability" in h for h in written)
    assert any("ra2-catalogue" in h for h in written)
    assert 'href="#ra2-note-' in direct.html("trace"), "the waived gap's note number is no link"
    assert direct.warnings == via_nodes.warnings
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in direct.html("rm")
    assert "<script>alert(1)" not in direct.html("rm") and "<b>&</b>" not in direct.html("catalogue")
    assert html_files(direct.out) == html_files(via_nodes.out)


def test_direct_html_in_a_numbered_grouped_page(tmp_path: Path) -> None:
    root = copy_root("sample", tmp_path / "src")
    index = root / "index.rst"
    index.write_text(index.read_text().replace(".. toctree::\n", ".. toctree::\n   :numbered:\n"))
    (root / "rm.rst").write_text("RM requirements\n===============\n\n.. ra2:requirements::\n   :spec: RM\n"
                                 "   :group-by: category\n")
    via_nodes = build(root, tmp_path / "nodes", ra2docs_direct_html=False)
    direct = build(root, tmp_path / "direct")
    assert html_files(direct.out) == html_files(via_nodes.out)


def test_requirements_are_in_the_search_index(tmp_path: Path) -> None:
    result = build(copy_root("sample", tmp_path))
    script = (result.out / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(re.search(r"Search\.setIndex\((.*)\)", script, re.S).group(1))  # type: ignore[union-attr]
    assert "req.inf.ntw.01 Pods reach each other" in index["alltitles"]
    rm = index["docnames"].index("rm")
    assert rm in _docs(index["terms"]["translat"])  # a word of a description ("Without address translation.")
    assert rm in _docs(index["titleterms"].get("pod", [])) or rm in _docs(index["terms"].get("pod", []))


def _docs(entry: int | list[int]) -> list[int]:
    return entry if isinstance(entry, list) else [entry]


@pytest.mark.parametrize("direct", [True, False])
def test_a_requirement_level_value_is_shown_beside_its_level(tmp_path: Path, direct: bool) -> None:
    """`value:` of a requirement (all profiles) is a field of its block on the site, and beside the level in
    the workbook's Level column."""
    root = copy_root("sample", tmp_path / "src")
    rm = root / "requirements" / "rm-stg.yaml"
    rm.write_text(rm.read_text().replace("    level: must\n", "    level: must\n    value: At least 2 TB\n"))
    page = build(root, tmp_path / "out", ra2docs_direct_html=direct).html("rm")
    block = page[page.index('id="ra2-req-req-inf-stg-01"'):]
    block = block[:block.index("</section>")]
    fields = re.sub(r"<[^>]+>", " ", block)
    assert re.search(r"Level\s*:?\s+must\s+Value\s*:?\s+At least 2 TB", " ".join(fields.split())), block
    book = tmp_path / "rfp.xlsx"
    run_cli("export", "xlsx", "-o", str(book), str(root), "--spec", "RM", check=True)
    ws = openpyxl.load_workbook(book)["Requirements"]
    header = [c.value for c in ws[1]]
    [row] = [r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == "req.inf.stg.01"]
    assert row[header.index("Level")] == "must, At least 2 TB"
