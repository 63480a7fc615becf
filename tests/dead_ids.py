"""Count the mentions of known IDs in a built site that are not links (and not the ID's own definition).

An ID "mentioned" is a whole token in a page's text equal to a requirement or component ID of the tree;
it is dead unless it sits inside an ``<a href>`` or inside the element that defines it (the element whose
``id`` is its anchor). A qualified mention (``RA1:gen.cnt.02``) names another spec's requirement
and is not counted. Text no reader sees is skipped: scripts, styles, an ``<object>``'s fallback.
Used by the site tests and by hand: ``python -m tests.dead_ids build/html``.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

from docutils.nodes import make_id

from ra2docs.project import Project

TOKEN = re.compile(r"[A-Za-z0-9][\w\-]*(?:\.[\w\-]+)+")
VOID = {"br", "img", "input", "meta", "link", "hr", "col", "area", "base", "wbr", "source", "track", "embed"}
SKIPPED_PAGES = {"genindex.html", "search.html", "py-modindex.html"}


class _Mentions(HTMLParser):
    def __init__(self, ids: dict[str, str]) -> None:
        super().__init__(convert_charrefs=True)
        self.ids = ids  # ID -> its anchor
        self.stack: list[tuple[str, str, bool]] = []  # tag, id attribute, is a link
        self.dead: list[str] = []
        self.live = 0
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        attr = dict(attrs)
        self.stack.append((tag, attr.get("id") or "", tag == "a" and bool(attr.get("href"))))
        if tag in ("script", "style", "title", "object"):
            self.skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        while self.stack:
            popped = self.stack.pop()
            if popped[0] in ("script", "style", "title", "object"):
                self.skip -= 1
            if popped[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.skip or ":ra2:" in data:  # a role's syntax shown as an example is no mention
            return
        for match in TOKEN.finditer(data):
            token = match.group()
            if match.start() and data[match.start() - 1] == ":" and data[:match.start() - 1][-1:].isalnum():
                continue  # `RA1:gen.cnt.02`: a qualified reference to another spec's requirement
            anchor = self.ids.get(token)
            if anchor is None:
                continue
            if any(link for _, _, link in self.stack) or any(i == anchor for _, i, _ in self.stack):
                self.live += 1
            else:
                self.dead.append(token)


def known_ids(root: Path) -> dict[str, str]:
    graph = Project.load(root).graph
    out = {rid: f"ra2-req-{make_id(rid)}" for rid in graph.requirements}
    out.update({cid: f"ra2-comp-{make_id(cid)}" for cid in graph.components if "." in cid})
    return out


def dead_mentions(site: Path, root: Path) -> Counter[str]:
    """`page: ID` -> how often it is mentioned there without a link."""
    ids = known_ids(root)
    out: Counter[str] = Counter()
    for page in sorted(site.rglob("*.html")):
        rel = str(page.relative_to(site))
        if rel in SKIPPED_PAGES or rel.startswith("_"):
            continue
        parser = _Mentions(ids)
        parser.feed(page.read_text(encoding="utf-8"))
        for token in parser.dead:
            out[f"{rel}: {token}"] += 1
    return out


if __name__ == "__main__":
    found = dead_mentions(Path(sys.argv[1]), Path(sys.argv[2] if len(sys.argv) > 2 else "."))
    for key, count in found.most_common():
        print(f"{count:5d}  {key}")
    print(f"{sum(found.values())} dead ID mentions")
