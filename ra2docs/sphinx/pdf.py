"""The site as one PDF with rinohtype (``sphinx-build -b rinoh``; ``make pdf``): pure Python, pip installs it
with its fonts, no TeX and no system library.

rinohtype lays out the docutils nodes itself, so the big blocks take the nodes path (tables, not HTML) and
the diagrams are PNG images (see `diagram.raster`). This module gives it what the site's stylesheets give
the browser: a style sheet made at build time from the vocabularies' level colours (each matrix cell on its
level's colour, text in black or white, whichever contrasts more), and references that read as written
(``ra2.ntw.001``, not rinohtype's default "Section 4.2"). A project's own ``rinoh_documents`` is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config

from ra2docs import model
from ra2docs.contrast import text_on
from ra2docs.fileio import write_text_atomic
from ra2docs.sphinx.data import get_loaded
from ra2docs.sphinx.matrix import level_class

BUILDER = "rinoh"
STYLESHEET, TEMPLATE = "ra2docs.rts", "ra2docs.rtt"
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
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
"""


def stylesheet(vocabularies: Iterable[model.Vocabulary]) -> str:
    """rinohtype style rules: a cell of each level on the level's colour, its text readable on it."""
    rules = [_BASE]
    seen: set[str] = set()
    for vocab in vocabularies:
        for level in vocab.levels:
            cls = level_class(level.id)
            if cls in seen or not _HEX.match(level.colour):
                continue
            seen.add(cls)
            rules.append(f"[{cls} background : TableCell(has_class='{cls}') / TableCellBackground]\n"
                         f"fill_color={level.colour}\n")
            rules.append(f"[{cls} text : TableCell(has_class='{cls}') / ... / StyledText]\n"
                         f"font_color={text_on(level.colour)}\n")
    return "\n".join(rules)


def _template_path(app: Sphinx) -> Path:
    return Path(app.outdir) / TEMPLATE


def _documents(app: Sphinx, config: Config) -> None:
    if "rinoh_documents" not in config or config.rinoh_documents:
        return  # rinohtype is not the builder, or the project names its own documents
    name = re.sub(r"[^A-Za-z0-9]+", "-", config.project).strip("-").lower() or "ra2docs"
    config.rinoh_documents = [{"doc": config.root_doc, "target": name, "title": config.project,
                               "template": str(_template_path(app))}]


def _write_style(app: Sphinx, env: object) -> list[str]:
    if app.builder.name == BUILDER:
        folder = Path(app.outdir)
        write_text_atomic(folder / STYLESHEET, stylesheet(get_loaded(app.env).tree.vocabularies))
        write_text_atomic(_template_path(app), "[TEMPLATE_CONFIGURATION]\nname=ra2docs\ntemplate=book\n"
                          f"stylesheet={STYLESHEET}\n")
    return []


def setup(app: Sphinx) -> None:
    app.connect("config-inited", _documents, priority=900)  # after rinohtype declared its config values
    app.connect("env-updated", _write_style)
