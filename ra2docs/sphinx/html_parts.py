"""HTML written directly for the big generated blocks (requirement chapters, traceability tables, the catalogue).

Thousands of requirements as docutils nodes cost most of a build: making ~400k nodes, then walking them with
the HTML translator. For the HTML builders each block is instead one `ra2_html` node whose markup is made
here, the same markup the translator writes for the equivalent nodes (tests build both ways and compare).
Every text from the YAML goes through `text` or `attr` (the translator's own escaping), so it can never
become markup. The node's children, never written, are what Sphinx's search index reads.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.locale import _
from sphinx.writers.html5 import HTML5Translator

from ra2docs.sphinx import section_refs, splice
from ra2docs.sphinx.nodes import RenderContext, box_classes, id_pieces, note_generated

# docutils' HTMLTranslator.special_characters and attval: the same escaping as the nodes path
_SPECIAL = {ord("&"): "&amp;", ord("<"): "&lt;", ord('"'): "&quot;", ord(">"): "&gt;", ord("@"): "&#64;"}
_ATTR_WHITESPACE = re.compile("[\n\r\t\v\f]")
_WORDS_AND_SPACES = re.compile(r"[^ \n]+| +|\n")
DIRECT_BUILDERS = ("html", "dirhtml")  # singlehtml, epub: section numbers and links differ; nodes path


class ra2_html(nodes.General, nodes.Element):
    """Ready HTML (`html` attribute) made from escaped text only; children feed the search index."""


def visit_ra2_html(self: HTML5Translator, node: ra2_html) -> None:
    splice.append(self, node.attributes.pop("html"))  # the doctree is cyclic garbage later: keep it small
    raise nodes.SkipNode


def skip(self: object, node: nodes.Node) -> None:
    raise nodes.SkipNode


def direct(ctx: RenderContext) -> bool:
    """Whether this page's generated blocks are written as HTML here rather than through nodes."""
    return ctx.builder.name in DIRECT_BUILDERS and bool(ctx.builder.config.ra2docs_direct_html)


def block(html: str, searchable: Iterable[nodes.Node] = ()) -> ra2_html:
    note_generated(html)
    node = ra2_html(html=html)
    node.extend(searchable)
    return node


def text(value: str) -> str:
    return value.translate(_SPECIAL)


def attr(value: str) -> str:
    return _ATTR_WHITESPACE.sub(" ", value).translate(_SPECIAL)


def classes_attr(classes: Sequence[str]) -> str:
    return f' class="{attr(" ".join(classes))}"' if classes else ""


def literal(value: str, classes: Sequence[str] = ("ra2-id",)) -> str:
    """An inline literal as Sphinx writes it: each word in a non-wrapping span."""
    parts = []
    for token in _WORDS_AND_SPACES.findall(text(value)):
        if token.strip():
            parts.append(f'<span class="pre">{token}</span>')
        elif token in (" ", "\n"):
            parts.append(token)
        else:
            parts.append("&#160;" * (len(token) - 1) + " ")
    return f'<code class="{attr(" ".join([*classes, "docutils literal notranslate"]))}">{"".join(parts)}</code>'


def span(inner_html: str, classes: Sequence[str] = ()) -> str:
    return f"<span{classes_attr(classes)}>{inner_html}</span>"


def xref(ctx: RenderContext, target: str, label: str = "", objtype: str = "id") -> str:
    """`nodes.xref` as HTML: a link to the page showing `target`, or just the ID (or label) when none does.
    Made once per page and target: the catalogue links each requirement from every component supporting it."""
    made = ctx.fragments.get(("xref", target, label, objtype))
    if made is None:
        made = ctx.fragments[("xref", target, label, objtype)] = _xref(ctx, target, label, objtype)
    return made


def _xref(ctx: RenderContext, target: str, label: str, objtype: str) -> str:
    inner = text(label) if label else literal(target)
    entry = ctx.objects.get(target)
    if entry is None or (objtype != "id" and entry[2] != objtype):
        return span(inner) if label else inner
    href = ctx.href(entry[0], entry[1])
    return (f'<a class="reference internal" href="{attr(href)}" title="{attr(f"{target}: {entry[3]}")}">'
            f"{inner}</a>")


def joined(items: Iterable[str], sep: str = ", ") -> str:
    return text(sep).join(items)


def para(inner_html: str, classes: Sequence[str] = (), ids: Sequence[str] = ()) -> str:
    """A paragraph without its closing newline (the translator leaves it out for a table cell's only child)."""
    id_attr = f' id="{attr(ids[0])}"' if ids else ""
    return f"<p{classes_attr(classes)}{id_attr}>{inner_html}</p>"


def paragraphs(value: str) -> list[str]:
    """`nodes.paragraphs` as HTML: blank lines separate paragraphs, everything stays literal text."""
    parts = [" ".join(chunk.split()) for chunk in value.replace("\r\n", "\n").split("\n\n")]
    return [para(text(p)) for p in parts if p]


def linked(ctx: RenderContext, value: str) -> str:
    """`nodes.linked_text` as HTML: escaped text whose known IDs link to their definitions."""
    out = []
    for chunk, section in section_refs.split(value, ctx.loaded):  # `RA2:5.3` first: its number is no ID
        if section is not None:
            inner = span(text(section[0]), ["ra2-section-ref"])
            out.append(f'<a class="reference external" href="{attr(section[1])}">{inner}</a>' if section[1] else inner)
            continue
        out += [xref(ctx, piece, piece) if is_id else text(piece) for piece, is_id in id_pieces(chunk, ctx.objects)]
    return "".join(out)


def linked_paragraphs(ctx: RenderContext, value: str) -> list[str]:
    """`nodes.linked_paragraphs` as HTML."""
    parts = [" ".join(chunk.split()) for chunk in value.replace("\r\n", "\n").split("\n\n")]
    return [para(linked(ctx, p)) for p in parts if p]


def blocks(paras: Sequence[str]) -> str:
    """Paragraphs in a body (section, list item, field): each followed by a newline."""
    return "".join(f"{p}\n" for p in paras)


def cell(paras: Sequence[str], classes: Sequence[str] = (), tag: str = "td") -> str:
    """A table cell: its only paragraph is not followed by a newline, several are."""
    inner = paras[0] if len(paras) == 1 else blocks(paras)
    return f"<{tag}{classes_attr(classes)}>{inner}</{tag}>\n"


def table(header: Sequence[str], rows: Iterable[Sequence[str]], classes: Sequence[str], wide: bool = False) -> str:
    """`nodes.table` as HTML: `header` holds header texts, `rows` the cells (from `cell`)."""
    out = [f'<div class="{attr(" ".join([*box_classes(wide), "docutils", "container"]))}">\n',
           f'<table class="{attr(" ".join(["ra2-table", *classes, "docutils", "align-default"]))}">\n',
           "<thead>\n", '<tr class="row-odd">']
    out.extend(cell([para(text(name))], ["head"], "th") for name in header)
    out.append("</tr>\n</thead>\n<tbody>\n")
    for index, row in enumerate(rows):
        out.append(f'<tr class="{"row-even" if index % 2 == 0 else "row-odd"}">')
        out.extend(row)
        out.append("</tr>\n")
    out.append("</tbody>\n</table>\n</div>\n")
    return "".join(out)


def field_list(fields: Sequence[tuple[str, str]], classes: Sequence[str]) -> str:
    """A field list whose every body is one paragraph (`fields`: name and the paragraph's inner HTML)."""
    out = [f'<dl class="{attr(" ".join([*classes, "field-list", "simple"]))}">\n']
    for index, (name, value_html) in enumerate(fields):
        parity = "field-odd" if index % 2 == 0 else "field-even"
        out.append(f'<dt class="{parity}">{text(name)}<span class="colon">:</span></dt>\n'
                   f'<dd class="{parity}">{para(value_html)}\n</dd>\n')
    out.append("</dl>\n")
    return "".join(out)


def heading(ctx: RenderContext, level: int, inner_html: str, anchor: str) -> str:
    """A section title at `level` (1 = the page title) as the translator writes it, permalink included."""
    tag = f"h{min(level, 6)}"
    aria = f' aria-level="{level}"' if level > 6 else ""
    numbers = ctx.builder.env.toc_secnumbers.get(ctx.docname, {})
    number = numbers.get(f"#{anchor}") if f"#{anchor}" in numbers else numbers.get("")
    config = ctx.builder.config
    prefix = ""
    if number:  # as the translator does: a section the toctree does not number takes its page's number
        prefix = f'<span class="section-number">{".".join(map(str, number))}{config.html_secnumber_suffix}</span>'

    link = ""
    if config.html_permalinks and getattr(ctx.builder, "add_permalinks", False):
        link = (f'<a class="headerlink" href="#{anchor}" title="{_("Link to this heading")}">'
                f"{config.html_permalinks_icon}</a>")
    return f"<{tag}{aria}>{prefix}{inner_html}{link}</{tag}>\n"


def setup(app: Sphinx) -> None:
    app.add_config_value("ra2docs_direct_html", True, "env", types=[bool])
    app.add_node(ra2_html, html=(visit_ra2_html, None), text=(skip, None), latex=(skip, None),
                 man=(skip, None), texinfo=(skip, None))
