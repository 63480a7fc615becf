"""PDFs with rinohtype (``sphinx-build -b rinoh``; ``make pdf``): pure Python, pip installs it with its fonts,
no TeX and no system library. One PDF per entry of ``rinoh_documents`` (the shipped conf.py: one per spec,
rooted at pages of source/pdf/ that ``ra2docs_print_only`` keeps out of the other builds), or of the whole
site when the project names none. Long lists are shorter in print (`list_limit`), and every generated table
gets print column widths (`pdf_tables`).

rinohtype lays out the docutils nodes itself, so the big blocks take the nodes path (tables, not HTML) and
the diagrams are PNG images (see `diagram.raster`). This module gives it what the site's stylesheets give
the browser: a style sheet made at build time from the vocabularies' level colours (each matrix cell on its
level's colour, text in black or white, whichever contrasts more), and references that read as written
(``ra2.ntw.001``, not rinohtype's default "Section 4.2"). A project's own ``rinoh_documents`` entries get
this template unless they name one.

Two fixes to the doctree before rinohtype lays it out: a matrix wider than `PRINT_COLUMNS` components is
split into several tables of balanced width, each repeating the row header column and captioned with the
components it holds (a page keeps every column readable instead of cutting words); and a rubric's IDs move
to a target just before it, because rinohtype's Sphinx visitor leaves a rubric's IDs unqualified while it
qualifies the references to them (the findings page's group links would dangle).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from copy import deepcopy
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.config import Config

from ra2docs import model
from ra2docs.fileio import write_text_atomic
from ra2docs.sphinx import pdf_tables
from ra2docs.sphinx.data import get_loaded
from ra2docs.sphinx.style import level_colours

BUILDER = "rinoh"
PRINT_COLUMNS = 6  # components side by side on a portrait A4/Letter page (config: ra2docs_print_columns)
PRINT_LIST_LIMIT = 5  # findings of one code printed (config: ra2docs_print_list_limit)
MATRIX_TABLE = "ra2-matrix-table"
GENERATED_TABLE = "ra2-table"  # every table a directive makes (nodes.table)
STYLESHEET, TEMPLATE = "ra2docs.rts", "ra2docs.rtt"
_BASE = """[STYLESHEET]
name=ra2docs
description=rinohtype's Sphinx style, with the level colours of the ra2docs matrices
base=sphinx

[VARIABLES]
; DejaVu Sans has the level symbols (check and cross marks) the serif fonts lack
fallback_typeface=DejaVu Sans

[linked reference]
; a reference reads as its text (a requirement's ID), not as the number of the section it points to
type=custom

; tables in 8 pt, left aligned: the traceability tables hold seven columns across a portrait page, and
; justified text in narrow columns printed wide gaps (the column widths: pdf_tables.py)
[table body cell paragraph]
base=default
indent_first=0
margin_left=3pt
margin_right=3pt
font_size=8pt
text_align=LEFT

[table head cell paragraph]
base=table body cell paragraph
font_weight=BOLD
text_align=CENTER
"""


def stylesheet(vocabularies: Iterable[model.Vocabulary]) -> str:
    """rinohtype style rules: a cell of each level on the level's colour, its text readable on it."""
    rules = [_BASE]
    for cls, fill, ink in level_colours(vocabularies):
        rules.append(f"[{cls} background : TableCell(has_class='{cls}') / TableCellBackground]\n"
                     f"fill_color={fill}\n")
        rules.append(f"[{cls} text : TableCell(has_class='{cls}') / ... / StyledText]\n"
                     f"font_color={ink}\n")
    return "\n".join(rules)


def _template_path(app: Sphinx) -> Path:
    return Path(app.outdir) / TEMPLATE


def _documents(app: Sphinx, config: Config) -> None:
    if "rinoh_documents" not in config:  # rinohtype is not the builder: its root pages are no pages of the site
        config.exclude_patterns = [*config.exclude_patterns, *config.ra2docs_print_only]
        return
    if not config.rinoh_documents:  # the project names no documents: the whole site as one
        name = re.sub(r"[^A-Za-z0-9]+", "-", config.project).strip("-").lower() or "ra2docs"
        config.rinoh_documents = [{"doc": config.root_doc, "target": name, "title": config.project}]
    for document in config.rinoh_documents:
        if isinstance(document, dict):  # a project's own template is kept; the others get the level colours
            document.setdefault("template", str(_template_path(app)))


def list_limit(builder: Builder, limit: int) -> int:
    """How many rows of one group a long list prints: the PDF keeps `ra2docs_print_list_limit` of each
    (the reader is told how many more `ra2docs check` lists), the site keeps `limit`."""
    if builder.name != BUILDER:
        return limit
    return min(limit, max(1, int(builder.config.ra2docs_print_list_limit)))


def _write_style(app: Sphinx, env: object) -> list[str]:
    if app.builder.name == BUILDER:
        folder = Path(app.outdir)
        write_text_atomic(folder / STYLESHEET, stylesheet(get_loaded(app.env).tree.vocabularies))
        write_text_atomic(_template_path(app), "[TEMPLATE_CONFIGURATION]\nname=ra2docs\ntemplate=book\n"
                          f"stylesheet={STYLESHEET}\n")
    return []


def split_columns(total: int, most: int) -> list[range]:
    """`total` columns as consecutive parts of at most `most`, as even as can be (13 by 6: 5, 4, 4)."""
    parts = max(1, math.ceil(total / most))
    size, extra = divmod(total, parts)
    out, start = [], 0
    for i in range(parts):
        end = start + size + (i < extra)
        out.append(range(start, end))
        start = end
    return out


def _keep_columns(table: nodes.table, stubs: int, keep: range) -> None:
    """Reduce `table` to its `stubs` row header columns and the data columns in `keep` (0 = first data column)."""
    wanted = set(range(stubs)) | {stubs + i for i in keep}
    group = next(iter(table.findall(nodes.tgroup)))
    for i, spec in enumerate(list(group.findall(nodes.colspec))):
        if i not in wanted:
            group.remove(spec)
    group["cols"] = len(wanted)
    for row in group.findall(nodes.row):
        for i, entry in enumerate(list(row.children)):
            if i not in wanted:
                row.remove(entry)


def split_wide_table(table: nodes.table, most: int = PRINT_COLUMNS) -> list[nodes.Node]:
    """`table` as several tables of at most `most` data columns, each after a caption naming its columns;
    the table itself when it fits. The row header (stub) columns are repeated in every part."""
    group = next(iter(table.findall(nodes.tgroup)), None)
    if group is None:
        return [table]
    specs = list(group.findall(nodes.colspec))
    stubs = sum(1 for s in specs if s.get("stub"))
    data = len(specs) - stubs
    if data <= most or any(e.get("morecols") for e in table.findall(nodes.entry)):
        return [table]  # fits, or has cells spanning columns (no clean cut)
    out: list[nodes.Node] = []
    for number, keep in enumerate(split_columns(data, most)):
        part = deepcopy(table)
        if number:  # an ID may be defined once
            for node in part.findall(nodes.Element):
                node["ids"] = []
        _keep_columns(part, stubs, keep)
        out.append(nodes.paragraph("", f"Columns {keep.start + 1}–{keep.stop} of {data}",
                                   classes=["ra2-matrix-part"]))
        out.append(part)
    return out


def _prepare_doctree(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if app.builder.name != BUILDER:
        return
    for table in list(doctree.findall(nodes.table)):
        if MATRIX_TABLE in table["classes"] and table.parent is not None:
            parts = split_wide_table(table, max(1, int(app.config.ra2docs_print_columns)))
            if len(parts) > 1:
                table.parent.replace(table, parts)
    for table in doctree.findall(nodes.table):
        if GENERATED_TABLE in table["classes"]:
            pdf_tables.lay_out(table, matrix=MATRIX_TABLE in table["classes"])
    for rubric in list(doctree.findall(nodes.rubric)):
        if rubric["ids"] and rubric.parent is not None:
            anchor = nodes.target("", "", ids=rubric["ids"])
            rubric["ids"] = []
            rubric.parent.insert(rubric.parent.index(rubric), anchor)


def setup(app: Sphinx) -> None:
    app.add_config_value("ra2docs_print_columns", PRINT_COLUMNS, "", types=frozenset({int}))
    app.add_config_value("ra2docs_print_list_limit", PRINT_LIST_LIMIT, "", types=frozenset({int}))
    # pages only the PDF reads (the roots of its documents), left out of every other build
    app.add_config_value("ra2docs_print_only", [], "env", types=frozenset({list}))
    app.connect("config-inited", _documents, priority=900)  # after rinohtype declared its config values
    app.connect("env-updated", _write_style)
    app.connect("doctree-resolved", _prepare_doctree, priority=900)  # after the placeholders are rendered
