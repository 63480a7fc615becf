"""Building blocks every directive shares: docutils nodes made from YAML text, tables, cross-references.

Text from YAML only ever becomes `nodes.Text` (escaped by every writer), never parsed as RST or passed as
raw HTML: a title such as ``:ref:`x` <script>`` appears exactly as written.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.util.docutils import SphinxDirective

from ra2docs.sphinx import deps
from ra2docs.sphinx.data import Loaded, get_loaded

Content = str | nodes.Node | Sequence[nodes.Node] | None


def para(text: str, classes: Sequence[str] = ()) -> nodes.paragraph:
    return nodes.paragraph("", "", nodes.Text(text), classes=list(classes))


def paragraphs(text: str) -> list[nodes.paragraph]:
    """YAML prose as paragraphs: blank lines separate them; everything stays literal text."""
    parts = [" ".join(chunk.split()) for chunk in text.replace("\r\n", "\n").split("\n\n")]
    return [para(p) for p in parts if p]


def inline(text: str, classes: Sequence[str] = ()) -> nodes.inline:
    return nodes.inline("", "", nodes.Text(text), classes=list(classes))


def xref(target: str, text: str = "", objtype: str = "id") -> addnodes.pending_xref:
    """A link to any ra2docs ID, resolved by the ra2 domain once every page is read.

    Generated links to an ID that no page shows stay plain text without a warning (`ra2_generated`);
    the check findings already cover IDs that do not exist.
    """
    ref = addnodes.pending_xref("", refdomain="ra2", reftype=objtype, reftarget=target,
                                refexplicit=bool(text), refwarn=False, ra2_generated=True)
    ref += nodes.literal("", text or target, classes=["ra2-id"]) if not text else nodes.Text(text)
    return ref


def joined(items: Iterable[nodes.Node], sep: str = ", ") -> list[nodes.Node]:
    out: list[nodes.Node] = []
    for item in items:
        if out:
            out.append(nodes.Text(sep))
        out.append(item)
    return out


def _is_inline(node: nodes.Node) -> bool:
    return isinstance(node, (nodes.Inline, nodes.Text))


def _entry(content: Content, classes: Sequence[str] = ()) -> nodes.entry:
    entry = nodes.entry(classes=list(classes))
    if content is None or content == "":
        return entry
    if isinstance(content, str):
        entry += para(content)
    elif isinstance(content, nodes.Node):
        entry += nodes.paragraph("", "", content) if _is_inline(content) else content
    else:
        items = list(content)
        if items and not any(_is_inline(n) for n in items):
            entry.extend(items)
        elif items:
            entry += nodes.paragraph("", "", *items)
    return entry


Cell = Content | tuple[Content, Sequence[str]]  # content, or (content, CSS classes of the cell)


def _row(cells: Sequence[Cell]) -> nodes.row:
    row = nodes.row()
    for cell in cells:
        if isinstance(cell, tuple):
            row += _entry(cell[0], cell[1])
        else:
            row += _entry(cell)
    return row


def table(header: Sequence[Sequence[Cell]], rows: Iterable[Sequence[Cell]], classes: Sequence[str] = (),
          stub_columns: int = 0, widths: Sequence[int] | None = None) -> nodes.container:
    """A table in a horizontally scrollable container; `header` is a list of header rows."""
    ncols = len(header[0])
    tab = nodes.table(classes=["ra2-table", *classes])
    group = nodes.tgroup(cols=ncols)
    tab += group
    for i in range(ncols):
        spec = nodes.colspec(colwidth=widths[i] if widths else 1)
        if i < stub_columns:
            spec["stub"] = 1
        group += spec
    head = nodes.thead()
    head.extend(_row(r) for r in header)
    group += head
    body = nodes.tbody()
    body.extend(_row(r) for r in rows)
    group += body
    return nodes.container("", tab, classes=["ra2-scroll"])


def field_list(fields: Iterable[tuple[str, Content]]) -> nodes.field_list:
    out = nodes.field_list(classes=["ra2-fields"])
    for name, value in fields:
        if value is None or value == "" or (isinstance(value, Sequence) and not value):
            continue
        out += nodes.field("", nodes.field_name("", name), nodes.field_body("", *_entry(value).children))
    return out


class Ra2Directive(SphinxDirective):
    """Base of every ra2docs directive: the loaded tree and dependency recording."""

    has_content = False

    @property
    def loaded(self) -> Loaded:
        return get_loaded(self.env)

    def selection_key(self) -> dict[str, Any]:
        """What this directive selects (its arguments and options): enough to recompute `files`."""
        key = {k: str(v) for k, v in self.options.items()}
        if self.arguments:
            key["_argument"] = self.arguments[0]
        return key

    def depend(self, files: Iterable[str]) -> None:
        """Rebuild this page when one of these YAML files (as locations name them) changes."""
        deps.record(self.env, self.name, self.selection_key(), set(files))

    def problem(self, message: str) -> list[nodes.Node]:
        """A directive misused in a page: a warning at the directive's line, and nothing rendered."""
        from sphinx.util import logging

        logging.getLogger(__name__).warning(message, location=self.get_location(), type="ra2docs",
                                            subtype="directive")
        return []
