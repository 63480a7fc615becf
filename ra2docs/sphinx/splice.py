"""Generated HTML kept out of Sphinx's page body until the page context is ready, then spliced in once.

A page's generated blocks (`html_parts.ra2_html`, `matrix_html.ra2_html_table`) are most of its HTML: 29 MB
for the catalogue at N = 5,000. Written into the translator's body as they are, every copy Sphinx makes of
the body on its way to the file costs their size again, and `html-page-context` is emitted with the whole
context, which Sphinx `repr`s for its debug log: 0.7 s CPU for a 225 MB site. So while a page of the
``html``/``dirhtml`` builders is written each block leaves a marker in the body, and the first
`html-page-context` handler puts the blocks back: the template and every later handler see the page as it
always was, byte for byte.

Only the pages `doctree-resolved` announced defer (their doctree is the one written next); a block rendered
anywhere else (a partial rendering of a title or a table of contents) is written in place. The marker holds
a random token, so no page text can be taken for one.
"""

from __future__ import annotations

import secrets
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.writers.html5 import HTML5Translator

SPLICE_BUILDERS = ("html", "dirhtml")  # the builders that write each page through `write_doc` + `handle_page`
MARKER = f"<!--ra2docs-generated-{secrets.token_hex(8)}-->"

_announced: set[int] = set()  # id() of the doctrees about to be written (several: a parallel write's chunk)
_pending: dict[int, list[str]] = {}  # id() of a doctree -> its blocks, in body order


def announce(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if app.builder.name in SPLICE_BUILDERS:
        _announced.add(id(doctree))


def append(translator: HTML5Translator, html: str) -> None:
    """Add a generated block to the body being written: as a marker when its page splices."""
    key = id(translator.document)
    if key in _announced:
        _pending.setdefault(key, []).append(html)
        translator.body.append(MARKER)
    else:
        translator.body.append(html)


def splice(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: object) -> None:
    key = id(doctree)
    _announced.discard(key)
    blocks = _pending.pop(key, None)
    if not blocks:
        return
    parts = context["body"].split(MARKER)
    if len(parts) != len(blocks) + 1:  # a block went to some other fragment of the page: never silently lose one
        raise RuntimeError(f"ra2docs: {pagename}: {len(blocks)} generated blocks but {len(parts) - 1} markers")
    out = [parts[0]]
    for block, part in zip(blocks, parts[1:], strict=True):
        out += [block, part]
    context["body"] = "".join(out)


def setup(app: Sphinx) -> None:
    app.connect("doctree-resolved", announce, priority=900)  # after the placeholders are rendered
    app.connect("html-page-context", splice, priority=1)  # before any other handler reads the body
