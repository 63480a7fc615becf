"""``.. ra2:shared-ids::``: the IDs two or more specs define with different meanings, each definition linked.

The list is the library's (`ra2docs.refs.shared_ids`): definitions joined by `same-as` (an RA restating an
RM item) are one meaning and left out."""

from __future__ import annotations

from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util.typing import OptionSpec

from ra2docs import model, refs
from ra2docs.sphinx import deps
from ra2docs.sphinx.data import Loaded
from ra2docs.sphinx.nodes import Content, Ra2Directive, RenderContext, para, register, table, xref


def _specs(options: dict[str, str]) -> list[str]:
    return options.get("specs", "").replace(",", " ").split()


def shared(loaded: Loaded, options: dict[str, str]) -> list[tuple[str, tuple[model.Requirement, ...]]]:
    graph = loaded.project.graph
    return refs.shared_ids(graph.requirements.values(), graph.links, _specs(options))


def shared_files(loaded: Loaded, options: dict[str, str]) -> set[str]:
    tree = loaded.tree
    return ({r.location.file for r in tree.requirements} | {lk.location.file for lk in tree.links}
            | {s.location.file for s in tree.specs})


def shared_digest(loaded: Loaded, options: dict[str, str]) -> object:
    return [(rid, [(d.key, d.spec, d.title, deps.placement(d, loaded)) for d in defs])
            for rid, defs in shared(loaded, options)]


class SharedIdsDirective(Ra2Directive):
    NAME = "shared-ids"
    select = staticmethod(shared_files)
    digest = staticmethod(shared_digest)
    option_spec: ClassVar[OptionSpec] = {"specs": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        known = self.loaded.project.graph.specs
        unknown = [s for s in _specs(self.options) if s not in known]
        if unknown:
            return self.problem(f"ra2:shared-ids: unknown spec {unknown[0]!r} (specs: {', '.join(sorted(known))})")
        self.depend()
        return [self.placeholder(specs=self.options.get("specs", ""))]

    @staticmethod
    def render(ctx: RenderContext, args: dict[str, Any], /) -> list[nodes.Node]:
        return render_shared_ids(ctx, args)


def render_shared_ids(ctx: RenderContext, options: dict[str, str]) -> list[nodes.Node]:
    found = shared(ctx.loaded, options)
    if not found:
        return [para("No ID is defined by two specs with different meanings.", ["ra2-empty"])]
    specs = sorted({d.spec for _, defs in found for d in defs})
    rows: list[list[Content]] = []
    for rid, defs in found:
        by_spec = {d.spec: d for d in defs}
        row: list[Content] = [nodes.literal("", rid, classes=["ra2-id"])]
        for spec in specs:
            d = by_spec.get(spec)
            row.append([] if d is None else [xref(d.key), nodes.Text(f" {d.title}" if d.title else "")])
        rows.append(row)
    return [table([["ID", *(f"Meaning in {s}" for s in specs)]], rows, ["ra2-shared-ids"])]


def setup(app: Sphinx) -> None:
    register(app, SharedIdsDirective)
