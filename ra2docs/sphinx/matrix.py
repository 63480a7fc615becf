"""``.. ra2:matrix:: <matrix ID>`` — components side by side, one support level per cell, with a legend.

Every cell shows its level's symbol and label as text (readable without colour, printed or read aloud);
the colour comes from a CSS class per level (see `style`). `via`, notes and the source's wording are shown
in the cell. Component attributes named in the matrix's `show_attributes` become header rows.
"""

from __future__ import annotations

import functools
from typing import Any, ClassVar, cast

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util.typing import OptionSpec

from ra2docs import model
from ra2docs.sphinx import deps
from ra2docs.sphinx.data import Loaded
from ra2docs.sphinx.domain import get_domain, target_node
from ra2docs.sphinx.matrix_html import GRID_LIMIT, UNKNOWN_CLASS, matrix_html, ra2_html_table, too_big_for_a_grid
from ra2docs.sphinx.nodes import (
    Ra2Directive,
    RenderContext,
    inline,
    linked_paragraphs,
    linked_text,
    note_generated,
    para,
    register,
    table,
    xref,
)
from ra2docs.sphinx.requirements import source_node


@functools.cache
def level_class(level_id: str) -> str:
    return f"ra2-level-{nodes.make_id(level_id)}"


def level_text(level: model.Level | None, level_id: str) -> str:
    if level is None:
        return f"⚠ unknown level {level_id!r}"
    return f"{level.symbol} {level.label}" if level.symbol else level.label


def find_matrix(loaded: Loaded, matrix_id: str) -> model.Matrix | None:
    return next((m for m in loaded.tree.matrices if m.id == matrix_id), None)


def matrix_files(loaded: Loaded, options: dict[str, str]) -> set[str]:
    matrix = find_matrix(loaded, options.get("_argument", ""))
    if matrix is None:
        return {m.location.file for m in loaded.tree.matrices}  # a matrix appearing later re-reads the page
    files = {matrix.location.file}
    vocab = loaded.project.graph.vocabularies.get(matrix.vocabulary)
    if vocab is not None:
        files.add(vocab.location.file)
    comps = loaded.project.graph.components
    files.update(comps[c].location.file for c in matrix.columns if c in comps)
    reqs = loaded.project.graph.requirements
    files.update(reqs[r.requirement].location.file for r in matrix.rows if r.requirement in reqs)
    return files


def matrix_digest(loaded: Loaded, options: dict[str, str]) -> object:
    matrix = find_matrix(loaded, options.get("_argument", ""))
    if matrix is None:
        return None
    graph = loaded.project.graph
    comps = [graph.components.get(c) for c in matrix.columns]
    reqs = [deps.placement(graph.requirements[r.requirement], loaded) for r in matrix.rows
            if r.requirement in graph.requirements]
    # the matrix is all its file holds: the file's bytes stand in for it (repr of 60k cells took seconds)
    return loaded.file_digest(matrix.location.file), graph.vocabularies.get(matrix.vocabulary), comps, reqs


class MatrixDirective(Ra2Directive):
    NAME = "matrix"
    select = staticmethod(matrix_files)
    digest = staticmethod(matrix_digest)

    @staticmethod
    def render(ctx: RenderContext, args: dict[str, Any], /) -> list[nodes.Node]:
        return render_matrix(ctx, args)  # defined below

    required_arguments = 1
    option_spec: ClassVar[OptionSpec] = {"no-legend": directives.flag, "no-title": directives.flag}

    def run(self) -> list[nodes.Node]:
        loaded = self.loaded
        matrix_id = self.arguments[0]
        matrix = find_matrix(loaded, matrix_id)
        self.depend()
        if matrix is None:
            known = ", ".join(m.id for m in loaded.tree.matrices) or "none"
            return self.problem(f"ra2:matrix: unknown matrix {matrix_id!r} (matrices: {known})")
        out = nodes.container(classes=["ra2-matrix"])
        target_node(get_domain(self.env), matrix.id, "matrix", matrix.title, out)
        legend_shown = cast("set[str]", self.env.temp_data.setdefault("ra2_legends", set()))  # per page being read
        first_legend = matrix.vocabulary not in legend_shown
        legend_shown.add(matrix.vocabulary)
        out += self.placeholder(id=matrix.id, title="no-title" not in self.options,
                    legend="full" if first_legend else "reference", show_legend="no-legend" not in self.options)
        return [out]


def render_matrix(ctx: RenderContext, args: dict[str, Any]) -> list[nodes.Node]:
    loaded = ctx.loaded
    matrix = find_matrix(loaded, args["id"])
    if matrix is None:
        return []
    vocab = loaded.project.graph.vocabularies.get(matrix.vocabulary)
    out: list[nodes.Node] = []
    if args["title"]:
        out.append(nodes.rubric("", "", nodes.Text(matrix.title)))
    out.extend(linked_paragraphs(matrix.description))
    if matrix.source is not None:
        out.append(nodes.paragraph("", "", nodes.Text("Source: "), source_node(matrix.source),
                                   classes=["ra2-source"]))
    if vocab is not None and args["show_legend"]:
        if args["legend"] == "full":
            out.append(legend(vocab))
        else:
            out.append(para(f"Levels as in the legend of {vocab.title or vocab.id} above.", ["ra2-legend-ref"]))
    if ctx.builder.format == "html":
        html = matrix_html(ctx, matrix, vocab)
        note_generated(html)
        out.append(ra2_html_table(html=html))
    elif len(matrix.rows) * len(matrix.columns) > GRID_LIMIT:  # as the HTML does: the grid would be mostly blank
        out.extend(stated_cells_table(loaded, matrix, vocab))
    else:
        out.append(matrix_table(loaded, matrix, vocab))
    return out


def stated_cells_table(loaded: Loaded, matrix: model.Matrix, vocab: model.Vocabulary | None) -> list[nodes.Node]:
    """`matrix_html.sparse_matrix_html` for the other builders (PDF, text, LaTeX): one line per row listing the
    cells it states, so the output follows the cells rather than rows x columns; a dense matrix says so first."""
    comps = loaded.project.graph.components
    levels = {lv.id: lv for lv in vocab.levels} if vocab else {}
    names = {cid: matrix.column_titles.get(cid) or (comps[cid].name if cid in comps else cid)
             for cid in matrix.columns}
    rows = []
    for row in matrix.rows:
        badges: list[nodes.Node] = []
        for cell in row.cells:
            cls = level_class(cell.level) if cell.level in levels else UNKNOWN_CLASS
            badge = nodes.inline("", "", inline(level_text(levels.get(cell.level), cell.level), ["ra2-badge", cls]),
                                 nodes.Text(" "), xref(cell.column, names.get(cell.column, cell.column), "comp"),
                                 classes=["ra2-stated"])
            if cell.via:
                badge += nodes.Text(f" via {names.get(cell.via, cell.via)}")
            if cell.note:
                badge.extend([nodes.Text(" ("), *linked_text(cell.note), nodes.Text(")")])
            badges.extend([nodes.Text(" · "), badge] if badges else [badge])
        rows.append([_row_head(loaded, row), nodes.paragraph("", "", *badges)])
    out: list[nodes.Node] = [] if matrix.sparse else [para(too_big_for_a_grid(matrix), ["ra2-note"])]
    out.append(table([["Requirement or feature", "What the components state (unstated cells left out)"]], rows,
                     ["ra2-matrix-table", "ra2-sparse"], stub_columns=1))
    return out


def matrix_table(loaded: Loaded, matrix: model.Matrix, vocab: model.Vocabulary | None) -> nodes.Node:
    comps = loaded.project.graph.components
    header: list[list[object]] = [["Requirement or feature"]]
    for cid in matrix.columns:
        comp = comps.get(cid)
        header[0].append(xref(cid, matrix.column_titles.get(cid) or (comp.name if comp else cid), "comp"))
    for attr in matrix.show_attributes:
        row: list[object] = [(attr, ["ra2-attribute"])]
        row.extend(comps[c].attributes.get(attr, "") if c in comps else "" for c in matrix.columns)
        header.append(row)
    levels = {lv.id: lv for lv in vocab.levels} if vocab else {}
    rows = [matrix_row(loaded, matrix, row, levels) for row in matrix.rows]
    return table(header, rows, ["ra2-matrix-table"], stub_columns=1)


def matrix_row(loaded: Loaded, matrix: model.Matrix, row: model.Row,
               levels: dict[str, model.Level]) -> list[object]:
    comps = loaded.project.graph.components
    cells_by_column = {c.column: c for c in row.cells}
    out: list[object] = [_row_head(loaded, row)]
    for cid in matrix.columns:
        cell = cells_by_column.get(cid)
        if cell is None:
            out.append(([] if matrix.sparse else [para("— not stated")], ["ra2-cell", "ra2-cell-empty"]))
            continue
        content: list[nodes.Node] = [para(level_text(levels.get(cell.level), cell.level), ["ra2-cell-level"])]
        if cell.via:
            via = comps.get(cell.via)
            content.append(nodes.paragraph("", "", nodes.Text("via "),
                                           xref(cell.via, via.name if via else cell.via, "comp"),
                                           classes=["ra2-via"]))
        if cell.note:
            content.append(para(cell.note, ["ra2-note"]))
        if cell.text and cell.text != cell.note:
            content.append(para(f"“{cell.text}”", ["ra2-quote"]))
        out.append((content, ["ra2-cell", level_class(cell.level)]))
    return out


def _row_head(loaded: Loaded, row: model.Row) -> list[nodes.Node]:
    """A row's first cell: its requirement (linked) and title, or its feature, then its note."""
    head: list[nodes.Node] = []
    if row.requirement:
        req = loaded.project.graph.requirements.get(row.requirement)
        head += [xref(row.requirement), nodes.Text(" " + (row.title or (req.title if req else "")))]
    else:
        head.append(nodes.Text(row.title or row.feature))
    first: list[nodes.Node] = [nodes.paragraph("", "", *head)]
    if row.note:
        first.append(para(row.note, ["ra2-note"]))
    return first


def legend(vocab: model.Vocabulary) -> nodes.Node:
    rows = [[([para(level_text(lv, lv.id))], ["ra2-cell", level_class(lv.id)]),
              "yes" if lv.covers else ("to be stated" if lv.placeholder else "no"), lv.description]
            for lv in vocab.levels]
    out = nodes.container(classes=["ra2-legend"])
    out += nodes.paragraph("", "", inline("Legend", ["ra2-legend-title"]),
                           nodes.Text(f" ({vocab.title or vocab.id})"))
    out += table([["Level", "Counts as coverage", "Meaning"]], rows, ["ra2-legend-table"], filterable=False)
    return out


def setup(app: Sphinx) -> None:
    register(app, MatrixDirective)
