"""The spec tree as one networkx graph, and the named questions asked of it.

Nodes are requirement and component IDs, `matrix:<id>`, `stack:<id>` and `feature:<matrix>/<id>`.
Edges carry a `type`: traces (RA -> RM), refines, depends, supports (component -> requirement or
feature, one edge per matrix cell, keyed by the matrix), includes (stack -> component).
References to IDs that do not exist are left out of the graph; the checks report them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property

import networkx as nx

from ra2docs import model, refs
from ra2docs.refs import Namespaces, Resolved

REQUIREMENT, COMPONENT, FEATURE, STACK, SECTION = "requirement", "component", "feature", "stack", "section"


@dataclass(frozen=True, slots=True)
class Coverage:
    """One reason a requirement counts (or is shown) as covered."""

    how: str  # "traces" or "supports"
    by: str  # the tracing requirement's or the supporting component's ID
    level: str = ""  # support level, for "supports"
    matrix: str = ""
    covers: bool = True


def feature_node(matrix_id: str, feature_id: str) -> str:
    return f"feature:{matrix_id}/{feature_id}"


class SpecGraph:
    """A built graph plus indexes; construct with `SpecGraph.build(tree)`."""

    def __init__(self, tree: model.Tree, graph: nx.MultiDiGraph) -> None:
        self.tree = tree
        self.g = graph
        self.requirements = tree.requirement_index()  # by key (`Requirement.key`)
        self.components = tree.component_index()
        self.specs = tree.spec_index()
        self.vocabularies = tree.vocabulary_index()
        self.namespaces = Namespaces(tree, self.requirements)
        # every link with both ends resolved to keys; the ends that resolve to nothing, for the checks
        self.links: list[model.Link] = []
        self.unresolved: list[tuple[model.Link, str, Resolved]] = []
        self.rows: dict[int, str] = {}  # id(matrix row) -> the key of the requirement it names
        self._resolve_links()

    def _resolve_links(self) -> None:
        ns = self.namespaces
        sections = {refs.section_key(s, n) for s, secs in ns.sections.items() for n in secs}
        self.links, self.unresolved = refs.resolve_links(self.tree, ns)
        self.section_nodes = sections
        keys: dict[tuple[str, str], str] = {}  # (reference, spec) -> key: rows of other matrices repeat them
        for matrix in self.tree.matrices:
            for row in matrix.rows:
                if row.requirement:
                    key = keys.get((row.requirement, matrix.spec))
                    if key is None:
                        res = ns.resolve(row.requirement, matrix.spec)
                        key = keys[(row.requirement, matrix.spec)] = res.key if res.key and not res.section else ""
                    if key:
                        self.rows[id(row)] = key

    def spec_of(self, key: str) -> str:
        """The spec of a requirement or section key ("" for anything else)."""
        return self.namespaces.spec_of(key)

    def row_key(self, row: model.Row) -> str:
        """The key of the requirement a matrix row names ("" when it names none that resolves)."""
        return self.rows.get(id(row), "")

    def requirement(self, ref: str, context: str = "") -> model.Requirement | None:
        """The requirement a written reference means (None when it means none, or is ambiguous)."""
        found = self.requirements.get(ref)
        if found is not None:
            return found
        res = self.namespaces.resolve(ref, context)
        return self.requirements.get(res.key) if res.key else None

    def _inputs(self) -> tuple[object, ...]:
        """Everything `build` makes the networkx graph from, in order. Matrices by identity: comparing them
        by value would walk every cell (a process keeps unchanged files' objects, `load.load_tree`)."""
        tree = self.tree
        return (list(self.requirements), list(self.components), list(self.section_nodes),
                [(lk.source_id, lk.target_id, lk.type, lk.stated_at) for lk in self.links],
                [id(m) for m in tree.matrices], self.rows, tree.vocabularies, tree.stacks)

    @classmethod
    def build(cls, tree: model.Tree, previous: SpecGraph | None = None) -> SpecGraph:
        """The graph of `tree`. With the `previous` graph of an earlier load, its networkx graph is used again
        when everything it was made from is the same (an edit to descriptions or titles: the preview)."""
        sg = cls(tree, nx.MultiDiGraph())
        # `previous.tree` keeps its matrices alive, so equal ids are the same objects
        if previous is not None and previous._inputs() == sg._inputs():
            sg.g = previous.g  # nothing changes a built graph (views and subgraphs are copies)
            return sg
        g = sg.g
        reqs = sg.requirements
        comps = sg.components
        g.add_nodes_from((rid, {"type": REQUIREMENT}) for rid in reqs)
        g.add_nodes_from((cid, {"type": COMPONENT}) for cid in comps)
        g.add_nodes_from((key, {"type": SECTION}) for key in sg.section_nodes)
        for link in sg.links:
            g.add_edge(link.source_id, link.target_id, key=f"{link.type}:{link.stated_at}", type=link.type)
        vocabularies = tree.vocabulary_index()
        # One attribute dict per (matrix, level, via) shared by its support edges, not one per cell: at 375k
        # cells the dicts were half the graph's memory. Edges of different matrices keep different dicts
        # (an edge's key is its matrix's ID); nothing writes to edge data after this.
        # Support edges go straight into networkx's own adjacency (u -> v -> key -> data, the key dict
        # shared by successors and predecessors, as `add_edge` does): add_edge per cell, copying a fresh
        # dict each time, was most of building the graph. Both ends exist already.
        succ, pred = g._succ, g._pred  # type: ignore[attr-defined]  # networkx internals, as add_edge uses them
        new_keys = g.edge_key_dict_factory  # type: ignore[misc]
        for matrix in tree.matrices:
            vocab = vocabularies.get(matrix.vocabulary)
            covering = vocab.covering_levels() if vocab else set()
            shared: dict[tuple[str, str], dict[str, object]] = {}  # (level, via) -> this matrix's edge data
            key = matrix.id
            for row in matrix.rows:
                if row.requirement:
                    target = sg.rows.get(id(row), "")
                    if not target:
                        continue
                else:
                    target = feature_node(matrix.id, row.feature)
                    g.add_node(target, type=FEATURE, title=row.title)
                into_target = pred[target]
                for cell in row.cells:
                    column = cell.column
                    if column in comps:
                        data = shared.get((cell.level, cell.via))
                        if data is None:
                            data = shared[(cell.level, cell.via)] = {
                                "type": "supports", "level": cell.level, "covers": cell.level in covering,
                                "via": cell.via}
                        keys = succ[column].get(target)
                        if keys is None:
                            keys = succ[column][target] = into_target[column] = new_keys()
                        keys[key] = data
        if hasattr(nx, "_clear_cache"):  # what add_edge does after each edge (networkx >= 3.3): drop cached views
            nx._clear_cache(g)
        for stack in tree.stacks:
            node = f"stack:{stack.id}"
            g.add_node(node, type=STACK)
            for cid in stack.components:
                if cid in comps:
                    g.add_edge(node, cid, type="includes")
        return sg

    # ---- edges by type -------------------------------------------------------------------------

    def _in(self, node: str, edge_type: str) -> Iterator[tuple[str, dict[str, object]]]:
        if node in self.g:
            for origin, _, data in self.g.in_edges(node, data=True):
                if data["type"] == edge_type:
                    yield origin, data

    def _in_keyed(self, node: str, edge_type: str) -> Iterator[tuple[str, str, dict[str, object]]]:
        """`_in` with each edge's key (a support edge's matrix), in the same order: straight from networkx's
        predecessor map, where looking each key up again (`get_edge_data`) cost a second per 375k cells."""
        for origin, keyed in self.g._pred.get(node, {}).items():  # type: ignore[attr-defined]  # as _in reads it
            for key, data in keyed.items():
                if data["type"] == edge_type:
                    yield origin, str(key), data

    def traces_of(self, req_id: str) -> list[str]:
        """Requirements `req_id` traces to (RA -> RM), each once, in a stable order."""
        return self.linked(req_id, "traces")

    def traced_by(self, req_id: str) -> list[str]:
        """Requirements that trace to `req_id`."""
        return self.linked(req_id, "traces", incoming=True)

    def linked(self, req_id: str, link_type: str, incoming: bool = False) -> list[str]:
        """Requirements `req_id` links to (or, `incoming`, that link to it) by `link_type`, sorted (keys)."""
        return [k for k in self.linked_any(req_id, link_type, incoming) if k in self.requirements]

    def linked_sections(self, key: str, link_type: str, incoming: bool = False) -> list[str]:
        """Sections (`section:SPEC:number` keys) a requirement links to, or that link to it."""
        return [k for k in self.linked_any(key, link_type, incoming) if k not in self.requirements]

    def linked_any(self, key: str, link_type: str, incoming: bool = False) -> list[str]:
        """Requirements and sections linked to `key` by `link_type`, sorted."""
        return self._link_index.get(key, {}).get((link_type, incoming), [])

    @cached_property
    def _link_index(self) -> dict[str, dict[tuple[str, bool], list[str]]]:
        """Each requirement's links by (type, incoming), from one pass over the links.

        Walking a node's edges scans its support edges too (dozens per requirement in a big matrix), and
        the site asks for the links of every requirement several times."""
        found: dict[str, dict[tuple[str, bool], set[str]]] = {}
        for link in self.links:
            found.setdefault(link.source_id, {}).setdefault((link.type, False), set()).add(link.target_id)
            found.setdefault(link.target_id, {}).setdefault((link.type, True), set()).add(link.source_id)
        return {rid: {key: sorted(ids) for key, ids in by_key.items()} for rid, by_key in found.items()}

    @cached_property
    def link_files(self) -> dict[str, set[str]]:
        """Files stating a link that touches each requirement (either end)."""
        out: dict[str, set[str]] = {}
        for link in self.links:
            out.setdefault(link.source_id, set()).add(link.location.file)
            out.setdefault(link.target_id, set()).add(link.location.file)
        return out

    # ---- named queries ------------------------------------------------------------------------

    def covering(self, req_id: str, stack: model.Stack | None = None) -> list[Coverage]:
        """What covers a requirement: requirements tracing to it and components supporting it.

        With a stack, only support by the stack's components counts.
        """
        members = set(stack.components) if stack else None
        out = [Coverage("traces", origin) for origin in self.linked_any(req_id, "traces", incoming=True)]
        for comp, matrix, data in self._in_keyed(req_id, "supports"):
            if members is None or comp in members:
                out.append(Coverage("supports", comp, str(data["level"]), matrix, bool(data["covers"])))
        return out

    def supported_by(self, node: str) -> list[Coverage]:
        """Components stating a level for a requirement or feature node, covering or not."""
        return [Coverage("supports", comp, str(d["level"]), matrix, bool(d["covers"]))
                for comp, matrix, d in self._in_keyed(node, "supports")]

    def support_statements(self, node: str) -> list[tuple[str, str, str]]:
        """`supported_by` as (component, level, matrix) triples, for listings of every requirement's
        supporters: no `Coverage` objects made (375k of them at N = 5,000)."""
        return [(comp, str(d["level"]), matrix) for comp, matrix, d in self._in_keyed(node, "supports")]

    def supports(self, component_id: str) -> list[tuple[str, str, str]]:
        """What a component states support for: (requirement or feature node, level, matrix), sorted."""
        return self.support_index.get(component_id, [])

    @cached_property
    def support_index(self) -> dict[str, list[tuple[str, str, str]]]:
        """`supports` of every component from one pass over the edges: asking networkx per component
        walks its edge views each time (seconds per pass at 375k support edges)."""
        found: dict[str, list[tuple[str, str, str]]] = {}
        for comp, target, key, data in self.g.edges(keys=True, data=True):
            if data["type"] == "supports":
                found.setdefault(comp, []).append((target, str(data["level"]), str(key)))
        for listing in found.values():
            listing.sort()
        return found

    def is_covered(self, req_id: str, covered_by: str, from_spec: str = "",
                   stack: model.Stack | None = None) -> bool:
        if covered_by in ("traces", "either") and stack is None:
            for origin in self.linked_any(req_id, "traces", incoming=True):  # a section tracing counts too
                if not from_spec or self.spec_of(origin) == from_spec:
                    return True
        if covered_by in ("support", "either"):
            members = set(stack.components) if stack else None
            for comp, data in self._in(req_id, "supports"):
                if data["covers"] and (members is None or comp in members):
                    return True
        return False

    def in_scope(self, rule: model.Rule, profile: str | None) -> Iterator[model.Requirement]:
        """Requirements a coverage rule applies to, under one profile (None: all profiles)."""
        for req in self.spec_requirements(rule.spec):
            if not req.applies_to(profile):
                continue
            if not rule.takes_level(req.level_in(profile)):
                continue
            if rule.categories and req.category not in rule.categories:
                continue
            yield req

    def uncovered(self, rule: model.Rule, profile: str | None = None,
                  stack: model.Stack | None = None) -> list[model.Requirement]:
        """Requirements the rule demands coverage for that nothing covers."""
        return [req for req in self.in_scope(rule, profile)
                if not self.is_covered(req.key, rule.covered_by, rule.from_spec, stack)]

    @cached_property
    def _by_spec(self) -> dict[str, list[model.Requirement]]:
        out: dict[str, list[model.Requirement]] = {}
        for req in self.requirements.values():
            out.setdefault(req.spec, []).append(req)
        return out

    def spec_requirements(self, spec_id: str) -> list[model.Requirement]:
        return self._by_spec.get(spec_id, [])

    def neighbourhood(self, node: str, radius: int = 1) -> nx.MultiDiGraph:
        """The subgraph within `radius` links of a node, either direction (for diagrams)."""
        if node not in self.g:
            return nx.MultiDiGraph()
        return nx.ego_graph(self.g, node, radius=radius, undirected=True)

    def profiles(self) -> list[str]:
        seen: dict[str, None] = {}
        for spec in self.tree.specs:
            for p in spec.profiles:
                seen.setdefault(p.id, None)
        return list(seen)

    def link_cycles(self, link_types: Iterable[str] = ("refines", "depends")) -> list[list[str]]:
        types = set(link_types)
        # Only the few refines/depends links matter: build their graph from the links, not from all edges.
        known = self.requirements
        sub: nx.DiGraph[str] = nx.DiGraph((lk.source_id, lk.target_id) for lk in self.links
                         if lk.type in types and lk.source_id in known and lk.target_id in known)
        return [sorted(c) for c in nx.strongly_connected_components(sub)
                if len(c) > 1 or any(sub.has_edge(n, n) for n in c)]
