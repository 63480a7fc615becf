"""The ra2docs Sphinx extension: `extensions = ["ra2docs.sphinx"]` in conf.py.

The spec tree is loaded and checked once per build (see `data`); each feature module below adds its
directives, roles and event handlers through its own `setup(app)`.
"""

from __future__ import annotations

import importlib
from typing import Any

from sphinx.application import Sphinx

from ra2docs import __version__

FEATURE_MODULES: tuple[str, ...] = (
    "ra2docs.sphinx.data",  # config values; loads and checks the tree at builder-inited
    "ra2docs.sphinx.domain",  # the ra2 domain and roles: every other module adds directives to it
    "ra2docs.sphinx.deps",  # exact incremental builds
    "ra2docs.sphinx.nodes",  # placeholders rendered when each page is written
    "ra2docs.sphinx.requirements",
    "ra2docs.sphinx.trace",
    "ra2docs.sphinx.matrix",
    "ra2docs.sphinx.matrix_html",  # big matrices straight to HTML
    "ra2docs.sphinx.html_parts",  # chapters, traceability tables and the catalogue straight to HTML
    "ra2docs.sphinx.splice",  # that generated HTML kept out of the page body until its context is made
    "ra2docs.sphinx.catalogue",
    "ra2docs.sphinx.dashboard",  # coverage charts (inline SVG) for the home page
    "ra2docs.sphinx.findings",  # findings as warnings, the known-issues page, the code catalogue
    "ra2docs.sphinx.diagram",
    "ra2docs.sphinx.style",
    "ra2docs.sphinx.pdf",  # `-b rinoh`: the level colours as a rinohtype style sheet
    "ra2docs.sphinx.changelog",
    "ra2docs.sphinx.vendors",
    "ra2docs.sphinx.verification",  # test cases, status per stack, verification matrices
    "ra2docs.sphinx.shared",  # IDs two specs define with different meanings
    "ra2docs.sphinx.rewarn",  # pages that warned are built again next time, so -W keeps failing
)


def setup(app: Sphinx) -> dict[str, Any]:
    # env_version 2: placeholders name their directive's registry key (`ra2:requirements`), so an
    # environment pickled before is read again rather than rendered with names no longer registered
    for name in FEATURE_MODULES:
        importlib.import_module(name).setup(app)
    return {"version": __version__, "env_version": 2, "parallel_read_safe": True,
            "parallel_write_safe": True}
