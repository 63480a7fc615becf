"""Specs are namespaces: how a written reference to a requirement (or a section) finds what it means.

A reference `SPEC:id` (SPEC a declared spec) is qualified: it means that spec's requirement. An unqualified
`id` written in a file of spec S means the definition among the specs S sees: S, its bases (`based_on`,
transitively) and the specs based on S (transitively). Written outside any spec (links files, matrices,
responses, waivers), it sees every spec. Never file order: two visible definitions are ambiguous.

A requirement's key (`Requirement.key`, the graph node) is its ID when no other spec defines that ID, else
`SPEC:id`; so an unambiguous reference, qualified or not, resolves to the key, and keys never collide.
Section references (`SPEC:4.1.2`, or `4.1.2` inside the spec) resolve to `section:SPEC:4.1.2` nodes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from ra2docs import model

SECTION_NUMBER = re.compile(r"^\d+(?:\.\d+)*$")


def section_key(spec: str, number: str) -> str:
    return f"section:{spec}:{number}"


@dataclass(frozen=True, slots=True)
class Resolved:
    """The key a reference means, or why it means nothing (`problem`: "ambiguous", "unseen", "unknown")."""

    key: str = ""
    problem: str = ""
    candidates: tuple[model.Requirement, ...] = ()  # definitions it could mean (ambiguous) or that exist (unseen)
    section: bool = False


def split(ref: str, spec_ids: Iterable[str]) -> tuple[str, str]:
    """(spec, id) of a qualified reference, ("", ref) otherwise."""
    head, sep, tail = ref.partition(":")
    if sep and head in spec_ids:
        return head, tail
    return "", ref


class Namespaces:
    """Resolves references for one tree."""

    def __init__(self, tree: model.Tree, index: dict[str, model.Requirement]) -> None:
        self.specs = {s.id: s for s in tree.specs}
        self.index = index  # key -> requirement (first definition of a key)
        self.by_id: dict[str, dict[str, model.Requirement]] = {}  # id -> spec -> first definition
        for req in tree.requirements:
            self.by_id.setdefault(req.id, {}).setdefault(req.spec, req)
        self.sections: dict[str, dict[str, model.Named]] = {
            s.id: {sec.id: sec for sec in walk_sections(s.sections)} for s in tree.specs}
        self._seen: dict[str, frozenset[str]] = {}

    def sees(self, spec: str) -> frozenset[str]:
        """The specs whose requirements an unqualified reference written in `spec` can mean."""
        found = self._seen.get(spec)
        if found is None:
            up = self._closure(spec, lambda s: self.specs[s].based_on if s in self.specs else ())
            down = self._closure(spec, lambda s: [o.id for o in self.specs.values() if s in o.based_on])
            found = self._seen[spec] = frozenset(up | down)
        return found

    @staticmethod
    def _closure(start: str, step: object) -> set[str]:
        out, todo = {start}, [start]
        while todo:
            for nxt in step(todo.pop()):  # type: ignore[operator]
                if nxt not in out:
                    out.add(nxt)
                    todo.append(nxt)
        return out

    def resolve(self, ref: str, context: str = "") -> Resolved:
        """What `ref`, written in a file of spec `context` ("" = outside any spec), means."""
        spec, rid = split(ref, self.specs)
        if spec:
            if SECTION_NUMBER.match(rid):
                return self._section(spec, rid)
            req = self.by_id.get(rid, {}).get(spec)
            return Resolved(req.key) if req is not None else Resolved(problem="unknown")
        if context and SECTION_NUMBER.match(ref) and context in self.specs:
            return self._section(context, ref)
        defs = self.by_id.get(ref)
        if not defs:
            return Resolved(problem="unknown")
        if len(defs) == 1 and not context:
            return Resolved(next(iter(defs.values())).key)
        visible = [req for s, req in defs.items() if not context or s in self.sees(context)]
        if len(visible) == 1:
            return Resolved(visible[0].key)
        if visible:
            return Resolved(problem="ambiguous", candidates=tuple(visible))
        return Resolved(problem="unseen", candidates=tuple(defs.values()))

    def spec_of(self, key: str) -> str:
        """The spec of a requirement or section key ("" for anything else)."""
        req = self.index.get(key)
        if req is not None:
            return req.spec
        return key.split(":", 2)[1] if key.startswith("section:") else ""

    def _section(self, spec: str, number: str) -> Resolved:
        if number in self.sections.get(spec, {}):
            return Resolved(section_key(spec, number), section=True)
        return Resolved(problem="unknown-section", section=True)


def walk_sections(sections: Iterable[model.Named]) -> list[model.Named]:
    """A section tree, depth first (children follow their parent)."""
    out: list[model.Named] = []
    for sec in sections:
        out.append(sec)
        out.extend(walk_sections(sec.children))
    return out


def resolve_links(tree: model.Tree, namespaces: Namespaces | None = None
                  ) -> tuple[list[model.Link], list[tuple[model.Link, str, Resolved]]]:
    """Every link of the tree with both ends resolved to keys, and the ends that resolve to nothing.

    A link stated on a requirement resolves as seen from that requirement's spec; a links file states
    no spec, so its `to` is read as seen from the spec of `from`."""
    ns = namespaces or Namespaces(tree, tree.requirement_index())
    resolved: list[model.Link] = []
    unresolved: list[tuple[model.Link, str, Resolved]] = []
    for link in tree.all_links():
        source = ns.resolve(link.source_id, link.context)
        target = ns.resolve(link.target_id, link.context or ns.spec_of(source.key))
        for end, res in ((link.source_id, source), (link.target_id, target)):
            if not res.key:
                unresolved.append((link, end, res))
        if source.key and target.key:
            if (source.key, target.key) != (link.source_id, link.target_id):
                link = replace(link, source_id=source.key, target_id=target.key)
            resolved.append(link)
    return resolved, unresolved


def shared_ids(requirements: Iterable[model.Requirement], links: Iterable[model.Link],
               specs: Iterable[str] = ()) -> list[tuple[str, tuple[model.Requirement, ...]]]:
    """IDs that two or more specs define with different meanings: (ID, its first definition in each spec).

    Definitions joined by a `same-as` or `renamed-from` link (an RA restating an RM item) are one meaning
    and not listed. With `specs`, only IDs that each of those specs defines."""
    defs: dict[str, dict[str, model.Requirement]] = {}
    for req in requirements:
        defs.setdefault(req.id, {}).setdefault(req.spec, req)
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        while parent.get(key, key) != key:
            key = parent[key]
        return key

    for link in links:
        if link.type in ("same-as", "renamed-from"):
            parent[root(link.source_id)] = root(link.target_id)
    wanted = set(specs)
    out = []
    for rid, by_spec in sorted(defs.items()):
        if len(by_spec) < 2 or not wanted <= set(by_spec):
            continue
        if len({root(req.key) for req in by_spec.values()}) > 1:
            out.append((rid, tuple(by_spec[s] for s in sorted(by_spec))))
    return out
