"""The `ra2` domain: where each requirement, component, matrix and finding code is shown, and roles to link them.

``:ra2:req:`req.inf.ntw.04` `` (or ``:ra2:id:``, ``:ra2:comp:``, ``:ra2:matrix:``, ``:ra2:code:``,
``:ra2:test:`` for test cases) links any ID from prose. An ID the tree does not define, or one no page
shows, is a warning at the role's location.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from docutils import nodes
from docutils.nodes import Element
from sphinx.addnodes import pending_xref
from sphinx.builders import Builder
from sphinx.domains import Domain, ObjType
from sphinx.environment import BuildEnvironment
from sphinx.roles import XRefRole
from sphinx.util import logging
from sphinx.util.nodes import make_refnode
from sphinx.util.typing import RoleFunction

from ra2docs.errors import CATALOGUE
from ra2docs.report import unread_files
from ra2docs.sphinx import deps
from ra2docs.sphinx.data import Loaded, get_loaded

logger = logging.getLogger(__name__)

OBJTYPES = ("req", "comp", "matrix", "code", "test")
Entry = tuple[str, str, str, str]  # docname, anchor, objtype, display title


def anchor(objtype: str, obj_id: str) -> str:
    """The HTML anchor of an object: stable, and safe whatever characters the ID has."""
    return f"ra2-{objtype}-{nodes.make_id(obj_id)}"


def role_files(loaded: Loaded, options: dict[str, str]) -> set[str]:
    """A link in prose depends on the file defining its target: the target may move to another page."""
    target = options.get("id", "")
    graph = loaded.project.graph
    for index in (graph.requirements, graph.components):
        if target in index:
            return {index[target].location.file}
    return {m.location.file for m in loaded.tree.matrices if m.id == target} | {
        t.location.file for t in loaded.tree.testcases if t.id == target}


def role_digest(loaded: Loaded, options: dict[str, str]) -> object:
    target = options.get("id", "")
    graph = loaded.project.graph
    if target in graph.requirements:
        return deps.placement(graph.requirements[target], loaded)
    if target in graph.components:
        comp = graph.components[target]
        return comp.id, comp.kind, comp.name
    return [(m.id, m.title) for m in loaded.tree.matrices if m.id == target]


class RoleUse(deps.Tracked):
    """What a link in prose uses: the file defining its target, and where and how the target is shown."""

    NAME = "role"
    select = staticmethod(role_files)
    digest = staticmethod(role_digest)


class Ra2XRefRole(XRefRole):
    def result_nodes(self, document: nodes.document, env: BuildEnvironment, node: Element,
                     is_ref: bool) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        key = {"id": node["reftarget"]}
        deps.record(env, RoleUse.key(), key, RoleUse.select(get_loaded(env), key))
        return [node], []


class Ra2Domain(Domain):
    name = "ra2"
    label = "ra2docs"
    object_types: ClassVar[dict[str, ObjType]] = {
        "req": ObjType("requirement", "req", "id"),
        "comp": ObjType("component", "comp", "id"),
        "matrix": ObjType("matrix", "matrix", "id"),
        "code": ObjType("finding code", "code", "id"),
        "test": ObjType("test case", "test", "id"),
    }
    roles: ClassVar[dict[str, RoleFunction | XRefRole]] = {
        name: Ra2XRefRole(innernodeclass=nodes.literal) for name in ("req", "comp", "matrix", "code", "test", "id")}
    initial_data: ClassVar[dict[str, Any]] = {"objects": {}, "uses": {}}
    data_version = 2  # bumped whenever the shape of objects or uses changes

    @property
    def objects(self) -> dict[str, Entry]:
        return self.data["objects"]

    def note_object(self, obj_id: str, objtype: str, title: str, node: Element) -> str:
        """Record that the current page shows `obj_id`; returns the anchor to put on its node."""
        target = anchor(objtype, obj_id)
        known = self.objects.get(obj_id)
        if known is not None and known[0] != self.env.docname:
            logger.warning("%s %r is shown on page %r already; links go there", objtype, obj_id, known[0],
                           location=node, type="ra2docs", subtype="duplicate-placement")
            return target
        self.objects[obj_id] = (self.env.docname, target, objtype, title)
        return target

    def clear_doc(self, docname: str) -> None:
        for obj_id, entry in list(self.objects.items()):
            if entry[0] == docname:
                del self.objects[obj_id]
        self.data["uses"].pop(docname, None)

    def merge_domaindata(self, docnames: Iterable[str], otherdata: dict[str, Any]) -> None:
        docs = set(docnames)
        for obj_id, entry in otherdata["objects"].items():
            if entry[0] in docs:
                self.objects.setdefault(obj_id, entry)
        for docname, doc_uses in otherdata["uses"].items():
            if docname in docs:
                self.data["uses"][docname] = doc_uses

    def resolve_xref(self, env: BuildEnvironment, fromdocname: str, builder: Builder, typ: str, target: str,
                     node: pending_xref, contnode: Element) -> nodes.reference | None:
        entry = self.objects.get(target)
        if entry is None and typ in ("id", "req"):
            resolved = get_loaded(env).project.graph.namespaces.resolve(target)
            if resolved.problem == "ambiguous" and not node.get("ra2_generated"):
                logger.warning("%r could mean %s: write the one meant qualified", target,
                               " or ".join(f"{c.spec}:{c.id}" for c in resolved.candidates),
                               location=node, type="ra2docs", subtype="ambiguous-id")
                return None
            entry = self.objects.get(resolved.key) if resolved.key else None  # e.g. RM:e.cap.001 for e.cap.001
        if entry is not None and (typ in ("id", entry[2])):
            return make_refnode(builder, fromdocname, entry[0], entry[1], contnode, f"{target}: {entry[3]}")
        if not node.get("ra2_generated"):
            self._warn_unresolved(env, typ, target, node, found_as=entry[2] if entry else "")
        return None

    def _warn_unresolved(self, env: BuildEnvironment, typ: str, target: str, node: Element, found_as: str) -> None:
        if found_as:
            logger.warning("%r is a %s, not a %s: use :ra2:%s: or :ra2:id:", target,
                           self.object_types[found_as].lname, self.object_types[typ].lname, found_as,
                           location=node, type="ra2docs", subtype="unknown-id")
        elif _defined(env, target):
            logger.warning("%r is defined in the YAML but no page shows it: place a directive that renders it",
                           target, location=node, type="ra2docs", subtype="unplaced-id")
        elif not unread_files(get_loaded(env).project.result):  # else an unread file may define it: held back
            logger.warning("unknown ID %r: no requirement, component, matrix or finding code has it", target,
                           location=node, type="ra2docs", subtype="unknown-id")

    def resolve_any_xref(self, env: BuildEnvironment, fromdocname: str, builder: Builder, target: str,
                         node: pending_xref, contnode: Element) -> list[tuple[str, nodes.reference]]:
        entry = self.objects.get(target)
        if entry is None:
            return []
        ref = make_refnode(builder, fromdocname, entry[0], entry[1], contnode, f"{target}: {entry[3]}")
        return [(f"ra2:{entry[2]}", ref)]

    def get_objects(self) -> Iterator[tuple[str, str, str, str, str, int]]:
        for obj_id, (docname, target, objtype, _title) in self.objects.items():
            yield obj_id, obj_id, objtype, docname, target, 1


def _defined(env: BuildEnvironment, target: str) -> bool:
    tree = get_loaded(env).tree
    return (target in tree.requirement_index() or target in tree.component_index()
            or any(m.id == target for m in tree.matrices) or target in CATALOGUE
            or any(t.id == target for t in tree.testcases))


def target_node(domain: Ra2Domain, obj_id: str, objtype: str, title: str, node: Element) -> None:
    """Make `node` the link target of `obj_id` (adds its anchor to the node's ids)."""
    node["ids"].append(domain.note_object(obj_id, objtype, title, node))


def get_domain(env: BuildEnvironment) -> Ra2Domain:
    return env.get_domain("ra2")  # type: ignore[return-value]


def setup(app: Any) -> None:
    app.add_domain(Ra2Domain)
    deps.register(RoleUse)

