"""The HTML of a big comparison matrix, written directly instead of through a docutils table.

A matrix grows as requirements x components (375k cells for the synthetic N = 5,000 tree); as docutils
nodes each cell costs four nodes to build, transform and translate, which dominated the build. For the
HTML builders the table is therefore one `ra2_html_table` node whose markup is produced here, with every
text from the YAML passed through `html.escape` (so it can never become markup). Other builders get the
docutils table from `matrix.matrix_table`. Both show the same cells, symbols, labels, `via` and notes.
"""

from __future__ import annotations

from html import escape

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.writers.html5 import HTML5Translator

from ra2docs import model
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


def _row_head(ctx: RenderContext, row: model.Row) -> str:
    if row.requirement:
        req = ctx.loaded.project.graph.requirements.get(row.requirement)
        title = row.title or (req.title if req else "")
        head = f"{_link(ctx, row.requirement, _id_html(row.requirement), 'id')} {escape(title)}"
    else:
        head = escape(row.title or row.feature)
    note = f'<p class="ra2-note">{escape(row.note)}</p>' if row.note else ""
    return f'<th class="stub"><p>{head}</p>{note}</th>'


def sparse_matrix_html(ctx: RenderContext, matrix: model.Matrix, vocab: model.Vocabulary | None) -> str:
    """A sparse matrix (most cells unstated) as one line per row listing the stated cells, each a badge with
    the level's symbol, label and colour and the component's name: its size follows the cells, not
    rows x columns (a 20,000-row, 170-column grid would be 98% blank)."""
    from ra2docs.sphinx.matrix import level_text

    comps = ctx.loaded.project.graph.components
    levels = {lv.id: lv for lv in vocab.levels} if vocab else {}
    names = {cid: matrix.column_titles.get(cid) or (comps[cid].name if cid in comps else cid)
             for cid in matrix.columns}
    links = {cid: _link(ctx, cid, escape(name), "comp") for cid, name in names.items()}
    out = ['<div class="ra2-scroll docutils container">',
           '<table class="ra2-table ra2-matrix-table ra2-sparse docutils align-default">',
           '<thead><tr><th class="head stub"><p>Requirement or feature</p></th>'
           '<th class="head"><p>What the components state (unstated cells left out)</p></th></tr></thead><tbody>']
    for row in matrix.rows:
        badges = []
        for cell in row.cells:
            text = escape(level_text(levels.get(cell.level), cell.level))
            extra = f" via {escape(names.get(cell.via, cell.via))}" if cell.via else ""
            extra += f" ({escape(cell.note)})" if cell.note else ""
            badges.append(f'<span class="ra2-stated"><span class="ra2-badge {_class(cell.level)}">{text}</span> '
                          f"{links.get(cell.column, escape(cell.column))}{extra}</span>")
        out.append(f"<tr>{_row_head(ctx, row)}<td><p>{' · '.join(badges)}</p></td></tr>")
    out.append("</tbody></table></div>")
    return "\n".join(out) + "\n"


def matrix_html(ctx: RenderContext, matrix: model.Matrix, vocab: model.Vocabulary | None) -> str:
    from ra2docs.sphinx.matrix import level_text

    if matrix.sparse:
        return sparse_matrix_html(ctx, matrix, vocab)

    comps = ctx.loaded.project.graph.components
    levels = {lv.id: lv for lv in vocab.levels} if vocab else {}
    out = ['<div class="ra2-scroll docutils container">',
           '<table class="ra2-table ra2-matrix-table docutils align-default">', "<thead>",
           '<tr><th class="head stub"><p>Requirement or feature</p></th>']
    for cid in matrix.columns:
        comp = comps.get(cid)
        label = escape(matrix.column_titles.get(cid) or (comp.name if comp else cid))
        out.append(f'<th class="head"><p>{_link(ctx, cid, label, "comp")}</p></th>')
    out.append("</tr>")
    for attr in matrix.show_attributes:
        values = (comps[c].attributes.get(attr, "") if c in comps else "" for c in matrix.columns)
        cells = "".join(f'<th class="head"><p>{escape(value)}</p></th>' for value in values)
        out.append(f'<tr><th class="head stub ra2-attribute"><p>{escape(attr)}</p></th>{cells}</tr>')
    out.append("</thead><tbody>")
    columns = matrix.columns
    missing = '<td class="ra2-cell ra2-cell-empty"><p>— not stated</p></td>'
    for row in matrix.rows:
        parts = [f"<tr>{_row_head(ctx, row)}"]
        by_column = {c.column: c for c in row.cells}
        for cid in columns:
            cell = by_column.get(cid)
            if cell is None:
                parts.append(missing)
                continue
            body = [f'<p class="ra2-cell-level">{escape(level_text(levels.get(cell.level), cell.level))}</p>']
            if cell.via:
                via = comps.get(cell.via)
                label = escape(via.name if via else cell.via)
                body.append(f'<p class="ra2-via">via {_link(ctx, cell.via, label, "comp")}</p>')
            if cell.note:
                body.append(f'<p class="ra2-note">{escape(cell.note)}</p>')
            if cell.text and cell.text != cell.note:
                body.append(f'<p class="ra2-quote">“{escape(cell.text)}”</p>')
            parts.append(f'<td class="ra2-cell {_class(cell.level)}">{"".join(body)}</td>')
        parts.append("</tr>")
        out.append("".join(parts))
    out.append("</tbody></table></div>")
    return "\n".join(out) + "\n"


def visit_html_table(self: HTML5Translator, node: ra2_html_table) -> None:
    self.body.append(node.attributes.pop("html"))  # the doctree is cyclic garbage later: keep it small
    raise nodes.SkipNode


def setup(app: Sphinx) -> None:
    app.add_node(ra2_html_table, html=(visit_html_table, None))
