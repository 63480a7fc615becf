"""Sphinx configuration of the shipped documentation site: `make html` builds source/ into build/html.

The pages in source/ place ra2docs directives; the extension fills them from the YAML under requirements/
and mappings/ (the tree at `ra2docs_root`, relative to this file).
"""

from __future__ import annotations

project = "RA2 requirements and traceability"
author = "ra2docs contributors"
copyright = "the ra2docs contributors"

extensions = ["ra2docs.sphinx"]
ra2docs_root = "."

html_theme = "furo"
html_title = "RA2 traceability"
html_theme_options = {"sidebar_hide_name": False}
graphviz_output_format = "svg"  # diagrams keep their links and stay sharp when zoomed
templates_path: list[str] = []
exclude_patterns: list[str] = []

# `make pdf`: one PDF per spec, as an RFP package sends it; their root pages (source/pdf/) are not pages of the site
rinoh_documents = [
    {"doc": "pdf/ra2", "target": "ra2-spec", "title": "RA2 specification",
     "subtitle": "Requirements, comparison matrices and traceability"},
    {"doc": "pdf/ra1", "target": "ra1-spec", "title": "RA1 specification",
     "subtitle": "Requirements and traceability"},
]
ra2docs_print_only = ["pdf/*"]
