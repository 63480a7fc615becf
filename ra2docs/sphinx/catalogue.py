"""``.. ra2:catalogue::`` — the components by kind, each with what it supports in each matrix.

``:kind:`` limits it to one kind. A component supporting more than `ra2docs_list_limit` rows of a matrix
shows the count per level instead of every ID (the matrix page has them all).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util.typing import OptionSpec

from ra2docs import model
from ra2docs.graph import FEATURE
from ra2docs.sphinx import deps, html_parts
from ra2docs.sphinx.data import Loaded
from ra2docs.sphinx.domain import anchor, get_domain
from ra2docs.sphinx.matrix import level_class, level_text
from ra2docs.sphinx.nodes import (
    Ra2Directive,
    RenderContext,
    inline,
    joined,
    linked_paragraphs,
    para,
    register,
    table,
    xref,
)


def select(loaded: Loaded, options: dict[str, str]) -> list[model.Component]:
    kind = options.get("kind", "")
    return [c for c in loaded.project.graph.components.values() if not kind or c.kind == kind]


def catalogue_files(loaded: Loaded, options: dict[str, str]) -> set[str]:
    comps = select(loaded, options)
    ids = {c.id for c in comps}
    files = {c.location.file for c in comps}
    graph = loaded.project.graph
    for matrix in loaded.tree.matrices:
        if ids & set(matrix.columns):
            files.add(matrix.location.file)
            vocab = graph.vocabularies.get(matrix.vocabulary)
            if vocab is not None:
                files.add(vocab.location.file)
            files.update(graph.requirements[r.requirement].location.file for r in matrix.rows
                         if r.requirement in graph.requirements)
    return files


def catalogue_digest(loaded: Loaded, options: dict[str, str]) -> object:
    graph = loaded.project.graph
    comps = select(loaded, options)
    # what each component supports comes from the matrices: their files' bytes stand in for them, and
    # each requirement they name counts once (not once per cell). These are the requirements the
    # components' support edges reach, found without indexing every edge (which only a re-read needs).
    ids, reqs = {c.id for c in comps}, graph.requirements
    targets = sorted({row.requirement for m in loaded.tree.matrices for row in m.rows
                      if row.requirement in reqs and any(cell.column in ids for cell in row.cells)})
    return (loaded.tree.component_kinds, [(m.id, m.title, m.vocabulary) for m in loaded.tree.matrices],
            list(graph.vocabularies.values()), comps,
            [loaded.file_digest(m.location.file) for m in loaded.tree.matrices],
            [deps.placement(graph.requirements[t], loaded) for t in targets])


class CatalogueDirective(Ra2Directive):
    NAME = "catalogue"
    select = staticmethod(catalogue_files)
    digest = staticmethod(catalogue_digest)

    @staticmethod
    def render(ctx: RenderContext, args: dict[str, Any], /) -> list[nodes.Node]:
        return render_catalogue(ctx, args)  # defined below

    option_spec: ClassVar[OptionSpec] = {"kind": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        loaded = self.loaded
        comps = select(loaded, self.options)
        self.depend()
        domain = get_domain(self.env)
        for comp in comps:  # link targets now; the table when the page is written
            domain.note_object(comp.id, "comp", comp.name, self.state.document)
        return [self.placeholder(kind=self.options.get("kind", ""), limit=self.config.ra2docs_list_limit)]


def render_catalogue(ctx: RenderContext, args: dict[str, Any]) -> list[nodes.Node]:
    loaded = ctx.loaded
    comps = select(loaded, args)
    if not comps:
        return [para("No components of this kind.", ["ra2-empty"])]
    kinds = {k.id: k for k in loaded.tree.component_kinds}
    by_kind: dict[str, list[model.Component]] = defaultdict(list)
    for comp in comps:
        by_kind[comp.kind].append(comp)
    order = [k for k in kinds if k in by_kind] + sorted(k for k in by_kind if k not in kinds)
    out: list[nodes.Node] = []
    for kind in order:
        named = kinds.get(kind)
        out.append(nodes.rubric("", "", nodes.Text(named.title if named and named.title else kind)))
        if named and named.description:
            out.extend(linked_paragraphs(named.description))
        if html_parts.direct(ctx):
            html_rows = [component_row_html(ctx, comp, args["limit"]) for comp in by_kind[kind]]
            out.append(html_parts.block(html_parts.table(["Component", "Versions", "Status", "About", "Supports"],
                                                         html_rows, ["ra2-catalogue"], wide=True)))
            continue
        rows = [component_row(loaded, comp, args["limit"]) for comp in by_kind[kind]]
        out.append(table([["Component", "Versions", "Status", "About", "Supports"]], rows,
                         ["ra2-catalogue"], widths=[14, 10, 8, 30, 38], wide=True))
    return out


def component_row(loaded: Loaded, comp: model.Component, limit: int) -> list[object]:
    name = nodes.paragraph("", "", nodes.strong("", comp.name), nodes.Text(" "),
                           nodes.literal("", comp.id, classes=["ra2-id"]), ids=[anchor("comp", comp.id)])
    about: list[nodes.Node] = [*linked_paragraphs(comp.description)]
    about.extend(para(f"{key}: {value}", ["ra2-attribute"]) for key, value in comp.attributes.items())
    return [name, ", ".join(comp.versions), comp.status, about, supports(loaded, comp, limit)]


SupportLine = tuple[str, str, list[str]]  # level ID, its label, the requirement IDs or feature names
SupportListing = list[tuple[model.Matrix, list[SupportLine]]]


def support_listing(loaded: Loaded, comp: model.Component) -> SupportListing:
    """What a component supports, by matrix and then level in the vocabulary's order."""
    graph = loaded.project.graph
    by_matrix: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    nodes_data = graph.g.nodes
    for target, level, matrix_id in loaded.supports.get(comp.id, ()):
        shown = target.split("/", 1)[1] if nodes_data[target].get("type") == FEATURE else target
        by_matrix[matrix_id][level].append(shown)
    out: SupportListing = []
    matrices = {m.id: m for m in loaded.tree.matrices}
    for matrix_id, levels in by_matrix.items():
        matrix = matrices[matrix_id]
        vocab = graph.vocabularies.get(matrix.vocabulary)
        order = [lv.id for lv in vocab.levels] if vocab else []
        lines = [(level, level_text(vocab.level(level) if vocab else None, level), levels[level])
                 for level in sorted(levels, key=lambda lv: order.index(lv) if lv in order else len(order))]
        out.append((matrix, lines))
    return out


def supports(loaded: Loaded, comp: model.Component, limit: int) -> list[nodes.Node]:
    reqs = loaded.project.graph.requirements
    out: list[nodes.Node] = []
    for matrix, lines in support_listing(loaded, comp):
        out.append(nodes.paragraph("", "", xref(matrix.id, matrix.title, "matrix"), classes=["ra2-in-matrix"]))
        for level, label_text, items in lines:
            label = inline(label_text, ["ra2-badge", level_class(level)])
            if len(items) > limit:
                listed: list[nodes.Node] = [nodes.Text(f" {len(items)} rows (see the matrix)")]
            else:
                listed = [nodes.Text(" "), *joined(xref(i) if i in reqs else nodes.Text(i) for i in items)]
            out.append(nodes.paragraph("", "", label, *listed, classes=["ra2-support-line"]))
    return out or [para("Not in any matrix.", ["ra2-empty"])]


def component_row_html(ctx: RenderContext, comp: model.Component, limit: int) -> list[str]:
    """`component_row` as table cells, as the HTML translator writes them."""
    h = html_parts
    name = h.para(f"<strong>{h.text(comp.name)}</strong> {h.literal(comp.id)}", ids=[anchor("comp", comp.id)])
    about = h.linked_paragraphs(ctx, comp.description)
    about += [h.para(h.text(f"{key}: {value}"), ["ra2-attribute"]) for key, value in comp.attributes.items()]
    reqs = ctx.loaded.project.graph.requirements
    listing: list[str] = []
    for matrix, lines in support_listing(ctx.loaded, comp):
        listing.append(h.para(h.xref(ctx, matrix.id, matrix.title, "matrix"), ["ra2-in-matrix"]))
        for level, label_text, items in lines:
            label = h.span(h.text(label_text), ["ra2-badge", level_class(level)])
            if len(items) > limit:
                listed = h.text(f" {len(items)} rows (see the matrix)")
            else:
                listed = " " + h.joined(h.xref(ctx, i) if i in reqs else h.text(i) for i in items)
            listing.append(h.para(label + listed, ["ra2-support-line"]))
    versions = ", ".join(comp.versions)
    return [h.cell([name]), h.cell([h.para(h.text(versions))] if versions else []),
            h.cell([h.para(h.text(comp.status))] if comp.status else []), h.cell(about),
            h.cell(listing or [h.para("Not in any matrix.", ["ra2-empty"])])]


def setup(app: Sphinx) -> None:
    register(app, CatalogueDirective)
