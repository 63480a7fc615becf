"""Pages that warned are read and written again by the next build, so a warning repeats until it is fixed.

Sphinx reads and writes only the pages that changed. A warning a page raised (a link to an unknown ID, a
misused directive, a broken `:doc:` reference) would therefore vanish from the next incremental build
although nothing was fixed, and `make html` (with -W) would fail once and then pass. A logging handler
notes the page of every warning located in a page, whoever emits it; the next build treats those pages
as outdated (`env-get-outdated`). The notes live in a small file beside the doctrees, appended to, so
parallel workers can add to it too.
"""

from __future__ import annotations

import logging
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.logging import get_node_location, is_suppressed_warning

NOTES = "ra2docs-pages-that-warned.txt"


class _PageNoter(logging.Handler):
    def __init__(self, app: Sphinx) -> None:
        super().__init__(logging.WARNING)
        self.app = app

    def emit(self, record: logging.LogRecord) -> None:
        kind, subtype = getattr(record, "type", None), getattr(record, "subtype", None)
        if kind and is_suppressed_warning(kind, subtype or "", self.app.config.suppress_warnings):
            return  # a silenced warning is no reason to build its page again
        docname = self._docname(getattr(record, "location", None))
        if docname:
            notes = Path(self.app.doctreedir) / NOTES
            notes.parent.mkdir(parents=True, exist_ok=True)
            with notes.open("a", encoding="utf-8") as out:
                out.write(docname + "\n")

    def _docname(self, location: object) -> str | None:
        env = self.app.env
        if isinstance(location, tuple) and location and isinstance(location[0], str):
            return location[0] if location[0] in env.found_docs else None
        if isinstance(location, nodes.Node):
            location = get_node_location(location)
        if isinstance(location, str) and location:
            path = location.rsplit(":", 1)[0] if location.rsplit(":", 1)[-1].isdigit() else location
            try:
                return env.path2doc(path)
            except (ValueError, OSError):
                return None
        return None


def _attach(app: Sphinx) -> None:
    logger = logging.getLogger("sphinx")
    if not any(isinstance(h, _PageNoter) and h.app is app for h in logger.handlers):
        logger.addHandler(_PageNoter(app))


def _attach_again(app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str],
                  removed: set[str]) -> list[str]:
    _attach(app)  # an application built again (the preview's): build-finished detached the noter
    return []


def _detach(app: Sphinx, exc: BaseException | None) -> None:
    logger = logging.getLogger("sphinx")
    for handler in [h for h in logger.handlers if isinstance(h, _PageNoter) and h.app is app]:
        logger.removeHandler(handler)


def _pages_that_warned(app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str],
                       removed: set[str]) -> list[str]:
    notes = Path(app.doctreedir) / NOTES
    try:
        names = set(notes.read_text(encoding="utf-8").split())
    except OSError:
        return []
    notes.unlink(missing_ok=True)  # this build notes again whatever still warns
    return sorted(n for n in names if n in env.found_docs and n not in changed and n not in removed)


def setup(app: Sphinx) -> None:
    app.connect("builder-inited", _attach)
    app.connect("build-finished", _detach)
    app.connect("env-get-outdated", _attach_again, priority=100)
    app.connect("env-get-outdated", _pages_that_warned)
