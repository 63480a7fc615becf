"""Building blocks every directive shares: docutils nodes made from YAML text, tables, cross-references,
and the placeholder that defers rendering until every page is read.

Text from YAML only ever becomes `nodes.Text` (escaped by every writer), never parsed as RST or passed as
raw HTML: a title such as ``:ref:`x` <script>`` appears exactly as written.

Directives run while pages are read; they select the data, note dependencies and link targets, and leave
an `ra2_fill` placeholder. A `doctree-resolved` handler renders it when the page is written. The pickled
doctrees stay small, Sphinx's read-time transforms (smart quotes among them, which would alter YAML text)
never walk the generated tables, and links are made directly since every target's page is known by then.
"""

from __future__ import annotations

import contextvars
import gc
import re
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.errors import NoUri
from sphinx.util.docutils import SphinxDirective

from ra2docs.sphinx import deps, section_refs
from ra2docs.sphinx.data import Loaded, get_loaded
from ra2docs.sphinx.splice import SPLICE_BUILDERS

Content = str | nodes.Node | Sequence[nodes.Node] | None


def para(text: str, classes: Sequence[str] = ()) -> nodes.paragraph:
    return nodes.paragraph("", "", nodes.Text(text), classes=list(classes))


def paragraphs(text: str) -> list[nodes.paragraph]:
    """YAML prose as paragraphs: blank lines separate them; everything stays literal text."""
    parts = [" ".join(chunk.split()) for chunk in text.replace("\r\n", "\n").split("\n\n")]
    return [para(p) for p in parts if p]


# Possessive runs and the look-behind match exactly what the plain pattern does (a start right after a letter or
# digit fails as the start before it did), without retrying every suffix of every word of a description.
ID_TOKEN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9][\w\-]*+(?:\.[\w\-]++)+")
QUALIFIED = re.compile(r"[A-Za-z0-9]:$")  # `RA1:gen.cnt.02` names another spec's requirement: not linked here


def id_pieces(text: str, known: Container[str]) -> list[tuple[str, bool]]:
    """`text` cut into (piece, is a known ID) pairs: every whole token that is an ID some page shows."""
    if "." not in text:  # every ID has a dot; most prose between them has none
        return [(text, False)] if text else []
    out: list[tuple[str, bool]] = []
    last = 0
    for match in ID_TOKEN.finditer(text):
        if match.group() in known and not QUALIFIED.search(text, 0, match.start()):
            if match.start() > last:
                out.append((text[last:match.start()], False))
            out.append((match.group(), True))
            last = match.end()
    if last < len(text):
        out.append((text[last:], False))
    return out


def linked_text(text: str) -> list[nodes.Node]:
    """Text whose IDs become links to their definitions (while a page is rendered; plain text otherwise)."""
    ctx = _CONTEXT.get()
    if ctx is None:
        return [nodes.Text(text)]
    out: list[nodes.Node] = []
    for chunk, section in section_refs.split(text, ctx.loaded):  # `RA2:5.3` first: its number is no ID
        if section is not None:
            label = nodes.inline("", section[0], classes=["ra2-section-ref"])
            out.append(nodes.reference("", "", label, refuri=section[1]) if section[1] else label)
            continue
        out += [xref(piece, piece) if is_id else nodes.Text(piece) for piece, is_id in id_pieces(chunk, ctx.objects)]
    return out


def linked_ids(text: str, known: Container[str]) -> list[nodes.Node]:
    """`linked_text` for a directive run while its page is read: links to the IDs in `known` are resolved
    when the page is written (an ID no page shows stays text)."""
    return [xref(piece, piece) if is_id else nodes.Text(piece) for piece, is_id in id_pieces(text, known)]


def linked_para(text: str, classes: Sequence[str] = ()) -> nodes.paragraph:
    return nodes.paragraph("", "", *linked_text(text), classes=list(classes))


def linked_paragraphs(text: str) -> list[nodes.paragraph]:
    """`paragraphs` with the IDs in them linked."""
    parts = [" ".join(chunk.split()) for chunk in text.replace("\r\n", "\n").split("\n\n")]
    return [linked_para(p) for p in parts if p]


def inline(text: str, classes: Sequence[str] = ()) -> nodes.inline:
    return nodes.inline("", "", nodes.Text(text), classes=list(classes))


class ra2_fill(nodes.General, nodes.Element):
    """Placeholder for generated content: `renderer` names the directive whose `render` makes it (its
    `Tracked.key()`), `args` its input."""


@dataclass
class RenderContext:
    """What a renderer needs when a page is written: the tree, the page and where every target lives."""

    loaded: Loaded
    builder: Builder
    docname: str
    objects: dict[str, tuple[str, str, str, str]]
    section_level: int = 0  # sections around the placeholder being rendered (1: inside the page's title)
    _uris: dict[str, str] = field(default_factory=dict)
    # HTML pieces repeated across a page (a component's link with a level badge), made once per page: their
    # links are relative to the page. Keys are tuples whose first item names the kind of piece.
    fragments: dict[tuple[str, ...], str] = field(default_factory=dict)

    def href(self, docname: str, anchor: str) -> str:
        """The link from the page being written to `anchor` on `docname` (relative URIs cached per page)."""
        if docname == self.docname:
            return f"#{anchor}"
        base = self._uris.get(docname)
        if base is None:
            base = self._uris[docname] = self.builder.get_relative_uri(self.docname, docname)
        if base.startswith("#"):  # one page holds every document (singlehtml, PDF builders): anchors suffice
            return f"#{anchor}"
        return f"{base}#{anchor}"

    def can_link(self, docname: str) -> bool:
        """Whether the output being written holds `docname` (a PDF of one spec holds only that spec's pages)."""
        if docname == self.docname or docname in self._uris:
            return True
        try:
            self._uris[docname] = self.builder.get_relative_uri(self.docname, docname)
        except NoUri:
            return False
        return True


_CONTEXT: contextvars.ContextVar[RenderContext | None] = contextvars.ContextVar("ra2docs_render", default=None)


def xref(target: str, text: str = "", objtype: str = "id") -> nodes.Node:
    """A link to any ra2docs ID. While a page is rendered, made directly; an ID no page shows stays text
    (the check findings already report IDs that do not exist). Outside rendering, a pending cross-reference."""
    inner: nodes.Node = nodes.literal("", target, classes=["ra2-id"]) if not text else nodes.Text(text)
    ctx = _CONTEXT.get()
    if ctx is None:
        ref = addnodes.pending_xref("", refdomain="ra2", reftype=objtype, reftarget=target,
                                    refexplicit=bool(text), refwarn=False, ra2_generated=True)
        ref += inner
        return ref
    entry = ctx.objects.get(target)
    if entry is None or (objtype != "id" and entry[2] != objtype) or not ctx.can_link(entry[0]):
        return inner if isinstance(inner, nodes.Element) else nodes.inline("", "", inner)
    return nodes.reference("", "", inner, internal=True, refuri=ctx.href(entry[0], entry[1]),
                           reftitle=f"{target}: {entry[3]}")


# Generated HTML (characters) since the cyclic garbage was last collected; see `_collect_written_pages`.
_generated = 0
COLLECT_EVERY = 4_000_000


def note_generated(html: str) -> None:
    """Count HTML made for a page: it and the page's doctree become cyclic garbage once the page is written."""
    global _generated
    _generated += len(html)


def _collect_written_pages() -> None:
    """Free the pages written since the last call before making another big one.

    A written page's doctree (parent links make it cyclic) and its copies of the HTML wait for a full
    collection, which the frozen project makes rare: at N = 5,000 the matrix pages' leftovers raised the
    peak by about 100 MiB. With the project frozen a collection walks only Sphinx's own objects (~15 ms);
    it runs only after some megabytes of generated HTML."""
    global _generated
    if _generated >= COLLECT_EVERY:
        _generated = 0
        gc.collect()


# While a build's pages are written after `freeze_before_writing`: per doctree (id), the frozen parents that
# received rendered content, and that content. None: nothing frozen, nothing to release.
_rendered: dict[int, list[tuple[nodes.Element, list[nodes.Node]]]] | None = None


def freeze_before_writing(app: Sphinx, env: object) -> list[str]:
    """Once the pages are read, collect the reading's garbage and freeze what lives on (the environment, the
    statuses and supporters the page digests computed): `_collect_written_pages` then walks only what the
    writing made. Unfrozen, those hundreds of thousands of objects were walked by each of its collections
    (28 at N = 5,000, 1.2 s). The next load unfreezes them (`data._project_outside_gc`).

    Only for the builders whose every page ends with `html-page-context` (`release_rendered`) and when pages
    are written in this process: the pages read are frozen too (Sphinx keeps their doctrees for writing),
    so what is rendered into them must be taken out again once written, or it could never be freed."""
    global _rendered
    _rendered = None
    if app.builder.name in SPLICE_BUILDERS and not app.parallel > 1:
        gc.collect()
        gc.freeze()
        _rendered = {}
    return []


def release_rendered(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
                     doctree: object) -> None:
    """After every other handler: take a written page's rendered content (the search index's sections of
    thousands of requirements among it) out of its frozen doctree, so the next collection frees it."""
    if _rendered is None:
        return
    for parent, made in _rendered.pop(id(doctree), ()):
        made_ids = {id(n) for n in made}
        parent.children[:] = [child for child in parent.children if id(child) not in made_ids]


def render_placeholders(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    placeholders = list(doctree.findall(ra2_fill))
    if not placeholders:
        return
    _collect_written_pages()
    from ra2docs.sphinx.domain import get_domain

    ctx = RenderContext(get_loaded(app.env), app.builder, docname, get_domain(app.env).objects)
    token = _CONTEXT.set(ctx)
    try:
        for node in placeholders:
            ctx.section_level = sum(1 for _ in _section_ancestors(node))
            made = deps.TRACKED[node["renderer"]].render(ctx, node["args"])
            if _rendered is not None:
                _rendered.setdefault(id(doctree), []).append((node.parent, made))
            node.replace_self(made)
    finally:
        _CONTEXT.reset(token)


def _section_ancestors(node: nodes.Node) -> Iterable[nodes.section]:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, nodes.section):
            yield parent
        parent = parent.parent


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


def _content(value: object) -> Content:
    """A cell's content as `Content`: renderers build rows of mixed cells, so the type is checked here."""
    if value is None or isinstance(value, str | nodes.Node | Sequence):
        return value
    raise TypeError(f"a table cell cannot hold a {type(value).__name__}")


def _row(cells: Sequence[object]) -> nodes.row:
    """A table row; each cell is a `Cell`."""
    row = nodes.row()
    for cell in cells:
        if isinstance(cell, tuple):
            row += _entry(_content(cell[0]), cell[1])
        else:
            row += _entry(_content(cell))
    return row


def table(header: Sequence[Sequence[object]], rows: Iterable[Sequence[object]], classes: Sequence[str] = (),
          stub_columns: int = 0, widths: Sequence[int] | None = None, wide: bool = False,
          filterable: bool = True) -> nodes.container:
    """A table in a scrolling box that filtering and sorting enhance (see static/ra2docs.js); `header` is
    a list of header rows; a `wide` table makes its page use the whole window."""
    ncols = len(header[0])
    tab = nodes.table(classes=["ra2-table", *classes])
    group = nodes.tgroup(cols=ncols)
    tab += group
    for i in range(ncols):
        spec = nodes.colspec(colwidth=widths[i] if widths else 20)
        if i < stub_columns:
            spec["stub"] = 1
        group += spec
    head = nodes.thead()
    head.extend(_row(r) for r in header)
    group += head
    body = nodes.tbody()
    body.extend(_row(r) for r in rows)
    group += body
    return nodes.container("", tab, classes=box_classes(wide, filterable))


def box_classes(wide: bool, filterable: bool = True) -> list[str]:
    return ["ra2-scroll", *(["ra2-filterable"] if filterable else []), *(["ra2-wide"] if wide else [])]


def field_list(fields: Iterable[tuple[str, Content]]) -> nodes.field_list:
    out = nodes.field_list(classes=["ra2-fields"])
    for name, value in fields:
        if value is None or value == "" or (isinstance(value, Sequence) and not value):
            continue
        out += nodes.field("", nodes.field_name("", name), nodes.field_body("", *_entry(value).children))
    return out


def register(app: Sphinx, *directives: type[Ra2Directive]) -> None:
    """Add directives to the ra2 domain and the registry: the one place a directive is registered."""
    for directive in directives:
        deps.register(directive)
        app.add_directive_to_domain("ra2", directive.NAME, directive)


def setup(app: Sphinx) -> None:
    app.add_node(ra2_fill)
    app.connect("doctree-resolved", render_placeholders)
    app.connect("env-updated", freeze_before_writing)
    app.connect("html-page-context", release_rendered, priority=999)  # after every other handler


class Ra2Directive(SphinxDirective, deps.Tracked):
    """Base of every ra2docs directive; each directive is one subclass declaring, beside docutils'
    `option_spec` and arguments, what `deps.Tracked` asks: NAME, `select`, `digest` and, when it leaves a
    placeholder, `render`. `register(app, ...)` adds it to the domain and the registry, once.

    `run` runs while the page is read: it records the dependency (`depend`), notes link targets and
    returns the placeholder (`placeholder`), or, for a directive whose content needs no other page, the
    content itself.
    """

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

    def depend(self) -> None:
        """Read this page again when the files `select` gives for this selection change (and, when the
        class has a digest, what it shows of them changed)."""
        key = self.selection_key()
        deps.record(self.env, self.key(), key, self.select(self.loaded, key))

    def placeholder(self, **args: Any) -> ra2_fill:
        """The node `render` replaces when the page is written, with `args` as its input."""
        return ra2_fill(renderer=self.key(), args=args)

    def problem(self, message: str) -> list[nodes.Node]:
        """A directive misused in a page: a warning at the directive's line, and nothing rendered."""
        from sphinx.util import logging

        logging.getLogger(__name__).warning(message, location=self.get_location(), type="ra2docs",
                                            subtype="directive")
        return []
