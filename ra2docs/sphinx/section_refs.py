"""Section references: a section of a spec named in YAML text as ``SPEC:number`` (``RA2:5.3``).

Upstream cells cite sections (RST ``:ref:`` targets); the YAML keeps such a citation as the section reference
it resolves to, and the site shows it as the section's number and title, linked to where the section is
published (its ``anchor``, when that is a URL). One function serves the docutils and the direct-HTML paths.
"""

from __future__ import annotations

import re

from ra2docs.sphinx.data import Loaded

# a declared spec, a colon and a section number, as a whole token (not part of "file.rst:12" or "RA2:5.3x")
SECTION_REF = re.compile(r"(?<![\w.:/-])([A-Za-z][A-Za-z0-9_-]*):(\d+(?:\.\d+)*)(?![\w-]|\.\d)")


def section_label(loaded: Loaded, key: str) -> tuple[str, str]:
    """("RA2 §5.3 Node hardening", URL or "") for a section key; ("", "") for anything else. A section's
    `anchor` that is a URL becomes the link; a Sphinx label of the upstream documents is not one of this site."""
    if not key.startswith("section:"):
        return "", ""
    _, spec, number = key.split(":", 2)
    section = loaded.project.graph.namespaces.sections.get(spec, {}).get(number)
    title = section.title if section is not None else ""
    url = section.anchor if section is not None and section.anchor.startswith(("https://", "http://")) else ""
    return f"{spec} §{number} {title}".strip(), url


def split(text: str, loaded: Loaded) -> list[tuple[str, tuple[str, str] | None]]:
    """`text` cut into pieces, each with (label, URL) where it is a reference to a declared section."""
    if ":" not in text:  # every reference has one
        return [(text, None)]
    sections = loaded.project.graph.namespaces.sections
    out: list[tuple[str, tuple[str, str] | None]] = []
    last = 0
    for match in SECTION_REF.finditer(text):
        spec, number = match.groups()
        if number not in sections.get(spec, {}):
            continue
        if match.start() > last:
            out.append((text[last:match.start()], None))
        out.append((match.group(), section_label(loaded, f"section:{spec}:{number}")))
        last = match.end()
    if last < len(text) or not out:
        out.append((text[last:], None))
    return out
