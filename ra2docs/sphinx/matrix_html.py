"""The HTML of a big comparison matrix, written directly instead of through a docutils table.

A matrix grows as requirements x components (375k cells for the synthetic N = 5,000 tree); as docutils
nodes each cell costs four nodes to build, transform and translate, which dominated the build. For the
HTML builders the table is therefore one `ra2_html_table` node whose markup is produced here, with every
text from the YAML passed through `html.escape` (so it can never become markup). Other builders get the
docutils table from `matrix.matrix_table` (over `GRID_LIMIT` cells, the listing of `matrix.stated_cells_table`).
Both show the same cells, symbols, labels, `via` and notes.
"""

from __future__ import annotations

from html import escape

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.writers.html5 import HTML5Translator

from ra2docs import model
from ra2docs.sphinx import splice
from ra2docs.sphinx.html_parts import linked
from ra2docs.sphinx.nodes import RenderContext


class ra2_html_table(nodes.General, nodes.Element):
    """A table whose HTML is ready (`html` attribute), made from escaped text only."""


def _link(ctx: RenderContext, target: str, label_html: str, objtype: str) -> str:
    entry = ctx.objects.get(target)
    if entry is None or (objtype != "id" and entry[2] != objtype):
        return label_html
    href = ctx.href(entry[0], entry[1])
    title = escape(f"{target}: {entry[3]}")
    return f'<a class="reference internal" href="{escape(href)}" title="{title}">{label_html}</a>'


def _id_html(obj_id: str) -> str:
    return f'<code class="ra2-id docutils literal notranslate">{escape(obj_id)}</code>'


def _class(level_id: str) -> str:
    from ra2docs.sphinx.matrix import level_class

    return level_class(level_id)


def level_text(level: model.Level | None, level_id: str) -> str:
    from ra2docs.sphinx.matrix import level_text as text

    return text(level, level_id)


UNKNOWN_CLASS = "ra2-level-unknown"


def unknown_level_hint(level_id: str) -> str:
    return (f"{level_id!r} is not a level of this matrix's vocabulary: the check reports it "
            "(ra2.unknown-level); the legend lists the levels")


def _row_head(ctx: RenderContext, row: model.Row) -> str:
    if row.requirement:
        req = ctx.loaded.project.graph.requirements.get(row.requirement)
        title = row.title or (req.title if req else "")
        head = f"{_link(ctx, row.requirement, _id_html(row.requirement), 'id')} {linked(ctx, title)}"
    else:
        head = linked(ctx, row.title or row.feature)
    note = f'<p class="ra2-note">{linked(ctx, row.note)}</p>' if row.note else ""
    return f'<th class="stub" scope="row"><p>{head}</p>{note}</th>'


GRID_LIMIT = 20_000  # rows x columns beyond which a dense matrix is listed like a sparse one


def too_big_for_a_grid(matrix: model.Matrix) -> str:
    """The note above a dense matrix listed by its stated cells (every builder's)."""
    grid = len(matrix.rows) * len(matrix.columns)
    return (f"{len(matrix.rows):,} rows by {len(matrix.columns):,} components ({grid:,} cells) are too many for a "
            "grid: each row lists the cells it states; a component a row does not list has not stated it.")


def sparse_matrix_html(ctx: RenderContext, matrix: model.Matrix, vocab: model.Vocabulary | None) -> str:
    """A sparse matrix (most cells unstated) as one line per row listing the stated cells, each a badge with
    the level's symbol, label and colour and the component's name: its size follows the cells, not
    rows x columns (a 20,000-row, 170-column grid would be 98% blank)."""
    comps = ctx.loaded.project.graph.components
    levels = {lv.id: lv for lv in vocab.levels} if vocab else {}
    names = {cid: matrix.column_titles.get(cid) or (comps[cid].name if cid in comps else cid)
             for cid in matrix.columns}
    links = {cid: _link(ctx, cid, escape(name), "comp") for cid, name in names.items()}
    out = [_scroll_open(matrix.title or matrix.id)]
    if not matrix.sparse:  # a dense matrix too big for a grid: the page would grow with rows x columns
        out.append(f'<p class="ra2-note">{escape(too_big_for_a_grid(matrix))}</p>')
    out += ['<table class="ra2-table ra2-matrix-table ra2-sparse docutils align-default">',
           '<thead><tr><th class="head stub"><p>Requirement or feature</p></th>'
           '<th class="head"><p>What the components state (unstated cells left out)</p></th></tr></thead><tbody>']
    stated: dict[tuple[str, str], str] = {}  # (level, column) -> its badge and link: few, repeated per row
    for row in matrix.rows:
        badges = []
        for cell in row.cells:
            badge = stated.get((cell.level, cell.column))
            if badge is None:
                text = escape(level_text(levels.get(cell.level), cell.level))
                cls = _class(cell.level) if cell.level in levels else UNKNOWN_CLASS
                badge = stated[(cell.level, cell.column)] = (
                    f'<span class="ra2-stated"><span class="ra2-badge {cls}">{text}</span> '
                    f"{links.get(cell.column, escape(cell.column))}")
            if cell.via or cell.note:
                extra = f" via {escape(names.get(cell.via, cell.via))}" if cell.via else ""
                extra += f" ({linked(ctx, cell.note)})" if cell.note else ""
                badges.append(f"{badge}{extra}</span>")
            else:
                badges.append(f"{badge}</span>")
        out.append(f"<tr>{_row_head(ctx, row)}<td><p>{' · '.join(badges)}</p></td></tr>")
    out.append("</tbody></table></div>")
    return "\n".join(out) + "\n"


QUOTE_FOLD = 60  # a cell whose wording is longer than this shows it behind its level (`<details>`)


def _scroll_open(label: str) -> str:
    """The scrolling box around a table: focusable (arrow keys scroll it), named for screen readers."""
    return (f'<div class="ra2-scroll ra2-wide ra2-filterable docutils container" role="region" tabindex="0" '
            f'aria-label="{escape(label)}">')


def _cell_html(ctx: RenderContext, cell: model.Cell, levels: dict[str, model.Level]) -> str:
    """A stated cell: its level as symbol and word, then `via`, note and the source's wording; long wording
    folds behind the level, so the table stays a grid of levels that can be compared at a glance."""
    comps = ctx.loaded.project.graph.components
    level = levels.get(cell.level)
    level_html = escape(level_text(level, cell.level))
    extra = []
    if cell.via:
        via = comps.get(cell.via)
        label = escape(via.name if via else cell.via)
        extra.append(f'<p class="ra2-via">via {_link(ctx, cell.via, label, "comp")}</p>')
    if cell.note:
        extra.append(f'<p class="ra2-note">{linked(ctx, cell.note)}</p>')
    quote = cell.text if cell.text and cell.text != cell.note else ""
    classes = f"ra2-cell {_class(cell.level) if level is not None else UNKNOWN_CLASS}"
    title = "" if level is not None else f' title="{escape(unknown_level_hint(cell.level))}"'
    if quote and len(quote) > QUOTE_FOLD:
        extra.append(f'<p class="ra2-quote">“{linked(ctx, quote)}”</p>')
        return (f'<td class="{classes}"{title}><details><summary class="ra2-cell-level">{level_html}</summary>'
                f'{"".join(extra)}</details></td>')
    if quote:
        extra.append(f'<p class="ra2-quote">“{linked(ctx, quote)}”</p>')
    return f'<td class="{classes}"{title}><p class="ra2-cell-level">{level_html}</p>{"".join(extra)}</td>'


def matrix_html(ctx: RenderContext, matrix: model.Matrix, vocab: model.Vocabulary | None) -> str:
    if matrix.sparse or len(matrix.rows) * len(matrix.columns) > GRID_LIMIT:
        return sparse_matrix_html(ctx, matrix, vocab)

    comps = ctx.loaded.project.graph.components
    levels = {lv.id: lv for lv in vocab.levels} if vocab else {}
    columns = matrix.columns
    out = [_scroll_open(matrix.title or matrix.id),
           f'<table class="ra2-table ra2-matrix-table docutils align-default" style="--ra2-cols: {len(columns)}">',
           '<colgroup><col class="ra2-col-stub">' + "<col>" * len(columns) + "</colgroup>", "<thead>",
           '<tr><th class="head stub" scope="col"><p>Requirement or feature</p></th>']
    for cid in columns:
        comp = comps.get(cid)
        label = escape(matrix.column_titles.get(cid) or (comp.name if comp else cid))
        out.append(f'<th class="head" scope="col"><p>{_link(ctx, cid, label, "comp")}</p></th>')
    out.append("</tr>")
    for attr in matrix.show_attributes:
        values = (comps[c].attributes.get(attr, "") if c in comps else "" for c in columns)
        cells = "".join(f'<th class="head"><p>{escape(value)}</p></th>' for value in values)
        out.append(f'<tr><th class="head stub ra2-attribute" scope="row"><p>{escape(attr)}</p></th>{cells}</tr>')
    out.append("</thead><tbody>")
    missing = '<td class="ra2-cell ra2-cell-empty"><p>— not stated</p></td>'
    for row in matrix.rows:
        parts = [f"<tr>{_row_head(ctx, row)}"]
        by_column = {c.column: c for c in row.cells}
        for cid in columns:
            cell = by_column.get(cid)
            parts.append(missing if cell is None else _cell_html(ctx, cell, levels))
        parts.append("</tr>")
        out.append("".join(parts))
    out.append("</tbody></table></div>")
    return "\n".join(out) + "\n"


def visit_html_table(self: HTML5Translator, node: ra2_html_table) -> None:
    splice.append(self, node.attributes.pop("html"))  # the doctree is cyclic garbage later: keep it small
    raise nodes.SkipNode


def setup(app: Sphinx) -> None:
    app.add_node(ra2_html_table, html=(visit_html_table, None))
