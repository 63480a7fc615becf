"""What one diagram shows: its focus (the requirements of a chapter, the components of a kind, or one
requirement), the nodes one link away from it, the links drawn, and a caption that says exactly that.

The caption is made from the nodes drawn, never written beside them: a test reads each built SVG back and
checks it holds what its caption promises.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ra2docs.graph import COMPONENT, FEATURE, REQUIREMENT
from ra2docs.sphinx.data import Loaded
from ra2docs.sphinx.requirements import select

DRAWN_LINKS = ("traces", "refines", "depends", "supports")  # sections, stacks and renames are not drawn
Edge = tuple[str, str, str, dict]


@dataclass
class Scope:
    focus: list[str]  # the nodes the diagram is about, drawn with a bold border
    nodes: list[str] = field(default_factory=list)  # every node drawn, the focus first, then sorted
    edges: list[Edge] = field(default_factory=list)
    caption: str = ""
    focus_label: str = ""  # what the bold border marks, as the legend says it
    not_drawn: str = ""  # what the scope leaves out and why, said beside the picture ...
    idle: list[str] = field(default_factory=list)  # ... and the components it leaves out

    def of_type(self, loaded: Loaded, kind: str, focus: bool | None = None) -> list[str]:
        types = loaded.project.graph.g.nodes
        return [n for n in self.nodes if types[n].get("type") == kind
                and (focus is None or (n in self.focus) == focus)]


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _edges_touching(loaded: Loaded, focus: set[str], wanted: set[str]) -> list[Edge]:
    """The drawn links with one end in `focus` and the other in `wanted` (a link stated at both ends once)."""
    g = loaded.project.graph.g
    out: list[Edge] = []
    for node in sorted(focus):
        for source, target, key, data in (*g.out_edges(node, keys=True, data=True),
                                           *g.in_edges(node, keys=True, data=True)):
            if str(data.get("type")) not in DRAWN_LINKS:
                continue
            if source in wanted and target in wanted:
                out.append((source, target, str(key), dict(data)))
    return once(out)


def once(edges: Iterable[Edge]) -> list[Edge]:
    """Each link once, in a stable order: a link between two focus nodes is met from both ends, and a link
    stated at both ends is two edges (key `traces` and `traces:to`); one stated only at its target is kept."""
    seen: dict[tuple[str, str, str], Edge] = {}
    for e in edges:
        seen.setdefault((e[0], e[1], e[2].removesuffix(":to")), e)
    return [seen[k] for k in sorted(seen)]


def _around(loaded: Loaded, focus: list[str], components: bool = True) -> Scope:
    """The focus and every requirement, component or feature one drawn link away from it."""
    g = loaded.project.graph.g
    shown_types = {REQUIREMENT, FEATURE} | ({COMPONENT} if components else set())
    near: set[str] = set(focus)
    for node in focus:
        for source, target, data in (*g.out_edges(node, data=True), *g.in_edges(node, data=True)):
            other = target if source == node else source
            if str(data.get("type")) in DRAWN_LINKS and g.nodes[other].get("type") in shown_types:
                near.add(other)
    rest = sorted(near - set(focus))
    scope = Scope(list(focus), [*focus, *rest])
    scope.edges = _edges_touching(loaded, set(focus), near)
    return scope


def requirement_scope(loaded: Loaded, req_id: str, radius: int, components: bool) -> Scope:
    """One requirement and its neighbourhood within `radius` links (either direction)."""
    graph = loaded.project.graph
    sub = graph.neighbourhood(req_id, radius)
    shown_types = {REQUIREMENT, FEATURE} | ({COMPONENT} if components else set())
    nodes = sorted((n for n, d in sub.nodes(data=True) if d.get("type") in shown_types),
                   key=lambda n: (n != req_id, n))
    wanted = set(nodes)
    edges = [(s, t, str(k), dict(d)) for s, t, k, d in sub.edges(keys=True, data=True)
             if s in wanted and t in wanted and str(d.get("type")) in DRAWN_LINKS]
    scope = Scope([req_id], nodes, once(edges), focus_label=f"bold border: {req_id}")
    reqs = len(scope.of_type(loaded, REQUIREMENT, focus=False))
    comps = len(scope.of_type(loaded, COMPONENT))
    scope.caption = (f"{req_id} (bold border) with the {_plural(reqs, 'requirement')} and "
                     f"{_plural(comps, 'component')} within {_plural(radius, 'link')} of it.")
    return scope


def chapter_scope(loaded: Loaded, options: dict[str, str]) -> Scope:
    """The requirements a ``ra2:requirements`` block with these options shows, what they trace to, and the
    components supporting them."""
    reqs = [r.key for r in select(loaded, options)]
    scope = _around(loaded, reqs, "no-components" not in options)
    scope.focus_label = "bold border: a requirement of this chapter"
    what = options.get("spec", "")
    if options.get("category"):
        what += f" category {options['category']}"
    if options.get("section"):
        what += f" section {options['section']}"
    linked = len(scope.of_type(loaded, REQUIREMENT, focus=False))
    comps = len(scope.of_type(loaded, COMPONENT))
    features = len(scope.of_type(loaded, FEATURE))
    scope.caption = (f"The {_plural(len(reqs), 'requirement')} of {what} (bold border), the "
                     f"{_plural(linked, 'requirement')} they link to and the {_plural(comps, 'component')} "
                     f"that support them" + (f" ({_plural(features, 'matrix row')})" if features else "") + ".")
    return scope


def _supports_something(loaded: Loaded, component: str) -> bool:
    return any(d.get("type") == "supports" for _, _, d in loaded.project.graph.g.out_edges(component, data=True))


def kind_scope(loaded: Loaded, kind: str) -> Scope:
    """Every component of one kind that supports something, and the requirements and matrix rows it
    supports, at which level. The components supporting nothing are not drawn but listed in `idle` (and
    `not_drawn` says why); when that is all of them the scope draws nothing and its caption says so."""
    graph = loaded.project.graph
    comps = sorted(c.id for c in graph.components.values() if c.kind == kind)
    drawn = [c for c in comps if _supports_something(loaded, c)]
    idle = [c for c in comps if c not in drawn]
    scope = _around(loaded, drawn)
    scope.focus_label = f"bold border: a component of kind {kind}"
    scope.idle = idle
    if not drawn:
        scope.caption = (f"No component of kind {kind} supports a requirement or matrix row, so there is no "
                         f"diagram. The {_plural(len(idle), 'component')} of this kind:")
        return scope
    if idle:
        scope.not_drawn = (f"Not drawn: {_plural(len(idle), 'component')} of kind {kind} that "
                           f"{'supports' if len(idle) == 1 else 'support'} no requirement or matrix row:")
    reqs = len(scope.of_type(loaded, REQUIREMENT))
    features = len(scope.of_type(loaded, FEATURE))
    others = len(scope.of_type(loaded, COMPONENT, focus=False))
    scope.caption = (f"The {_plural(len(drawn), 'component')} of kind {kind} (bold border) and the "
                     f"{_plural(reqs, 'requirement')} and {_plural(features, 'matrix row')} they support"
                     + (f", with {_plural(others, 'other component')} they work through" if others else "") + ".")
    return scope


def kinds(loaded: Loaded) -> list[str]:
    """Every component kind, in the order the catalogue first names it."""
    return list(dict.fromkeys(c.kind for c in loaded.project.graph.components.values()))
