"""``.. ra2:requirements::`` — a chapter of requirements, each a section and a link target.

Options select the requirements: ``:spec:`` (required), ``:category:``, ``:section:``, ``:cited-by:`` (only
requirements a requirement of that spec traces to, e.g. the RM requirements RA2 cites).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.locale import admonitionlabels
from sphinx.util.typing import OptionSpec

from ra2docs import model
from ra2docs.sphinx import deps, html_parts
from ra2docs.sphinx.data import Loaded
from ra2docs.sphinx.domain import anchor, get_domain
from ra2docs.sphinx.nodes import (
    Ra2Directive,
    RenderContext,
    field_list,
    fill,
    inline,
    joined,
    para,
    paragraphs,
    renderer,
    xref,
)
from ra2docs.values import profile_cells

SAFE_URL_SCHEMES = ("https://", "http://")


def select(loaded: Loaded, options: dict[str, str]) -> list[model.Requirement]:
    spec, category, section = options.get("spec", ""), options.get("category", ""), options.get("section", "")
    cited_by = options.get("cited-by", "")
    graph = loaded.project.graph
    reqs = graph.spec_requirements(spec)
    if category:
        reqs = [r for r in reqs if r.category == category]
    if section:
        reqs = [r for r in reqs if r.section == section]
    if cited_by:
        index = graph.requirements
        reqs = [r for r in reqs if any(index[o].spec == cited_by for o in loaded.linked(r.key, "traces", True))]
    return reqs


def neighbours(loaded: Loaded, req_id: str) -> set[str]:
    out: set[str] = set()
    for link_type in ("traces", "refines", "depends"):
        out.update(loaded.linked(req_id, link_type))
        out.update(loaded.linked(req_id, link_type, incoming=True))
    return out


def files_of(loaded: Loaded, reqs: Iterable[model.Requirement]) -> set[str]:
    """A requirement's section shows its file, the files stating its links, and where its neighbours live
    (so a neighbour moving to another page updates the link)."""
    index = loaded.project.graph.requirements
    files: set[str] = set()
    for req in reqs:
        files.add(req.location.file)
        files.update(loaded.link_files.get(req.key, ()))
        files.update(index[n].location.file for n in neighbours(loaded, req.key))
    return files


@deps.selector("ra2:requirements")
def requirement_files(loaded: Loaded, options: dict[str, str]) -> set[str]:
    return files_of(loaded, select(loaded, options))


@deps.digest("ra2:requirements")
def requirement_digest(loaded: Loaded, options: dict[str, str]) -> object:
    graph, index = loaded.project.graph, loaded.project.graph.requirements
    spec = graph.specs.get(options.get("spec", ""))
    out: list[object] = [spec.categories if spec else None, spec.sections if spec else None]
    for req in select(loaded, options):
        links = [loaded.linked(req.key, t, incoming) for t in ("traces", "refines", "depends")
                 for incoming in (False, True)]
        out.append((req.key, req.title, req.description, req.level, req.profiles, req.category, req.section,
                    req.status, req.tags, req.source, req.notes, links,
                    [deps.placement(index[n], loaded) for n in sorted(neighbours(loaded, req.key))]))
    return out


class RequirementsDirective(Ra2Directive):
    option_spec: ClassVar[OptionSpec] = {
        "spec": directives.unchanged_required, "category": directives.unchanged, "section": directives.unchanged,
        "cited-by": directives.unchanged, "group-by": lambda arg: directives.choice(arg, ("category", "section")),
    }

    def run(self) -> list[nodes.Node]:
        loaded = self.loaded
        spec = self.options.get("spec", "")
        if spec not in loaded.project.graph.specs:
            known = ", ".join(sorted(loaded.project.graph.specs)) or "none"
            return self.problem(f"ra2:requirements: unknown spec {spec!r} (specs: {known})")
        reqs = select(loaded, self.options)
        self.depend(files_of(loaded, reqs))
        if not reqs:
            return [para("No requirements match this selection.", ["ra2-empty"])]
        domain = get_domain(self.env)
        for req in reqs:  # link targets now; the sections when the page is written
            domain.note_object(req.key, "req", req.title, self.state.document)
        if "group-by" in self.options:
            return self.grouped(loaded, reqs, self.options["group-by"])
        return [fill("requirements", ids=[r.key for r in reqs])]

    def grouped(self, loaded: Loaded, reqs: list[model.Requirement], field: str) -> list[nodes.Node]:
        """One section per category (or section) of the spec, in the spec's order; empty ones left out."""
        spec = loaded.project.graph.specs[self.options["spec"]]
        declared = spec.categories if field == "category" else spec.sections
        titles = {named.id: named.title or named.id for named in declared}
        groups: dict[str, list[model.Requirement]] = {}
        for req in reqs:
            groups.setdefault(getattr(req, field), []).append(req)
        order = [g for g in titles if g in groups] + sorted(g for g in groups if g not in titles)
        out: list[nodes.Node] = []
        for group in order:
            anchor = f"ra2-group-{nodes.make_id(spec.id)}-{nodes.make_id(group or 'none')}"
            section = nodes.section(support_smartquotes=False, ids=[anchor])
            section += nodes.title("", "", nodes.Text(titles.get(group, group or "Other requirements")))
            section += fill("requirements", ids=[r.key for r in groups[group]])
            out.append(section)
        return out



@renderer("requirements")
def render_requirements(ctx: RenderContext, args: dict[str, Any]) -> list[nodes.Node]:
    """Each requirement as a section: its ID and title as heading (and link target), facts, description.

    Made when the page is written, so a chapter of thousands of requirements costs Sphinx's read-time
    transforms and table-of-contents machinery nothing; the page's contents list shows its groups.
    """
    index = ctx.loaded.project.graph.requirements
    if html_parts.direct(ctx):
        return [requirements_html(ctx, [index[i] for i in args["ids"] if i in index])]
    out: list[nodes.Node] = []
    for req_id in args["ids"]:
        req = index.get(req_id)
        if req is None:  # gone since the page was read; the page is re-read on the next build
            continue
        section = nodes.section(classes=["ra2-requirement"], ids=[anchor("req", req.key)])
        section += nodes.title("", "", nodes.literal("", req.key, classes=["ra2-id"]), nodes.Text(" "),
                               nodes.Text(req.title))
        section += requirement_fields(ctx.loaded, req)
        section.extend(paragraphs(req.description))
        if req.notes:
            section += nodes.note("", *paragraphs(req.notes))
        out.append(section)
    return out


def requirements_html(ctx: RenderContext, reqs: list[model.Requirement]) -> nodes.Node:
    """The sections `render_requirements` makes, as the HTML translator would write them.

    The block's children (each requirement's ID, title and description as a section) are what the search
    index reads: requirements stay findable by ID and words of their title and text."""
    level = ctx.section_level + 1
    out: list[str] = []
    searchable: list[nodes.Node] = []
    for req in reqs:
        target = anchor("req", req.key)
        title = f"{html_parts.literal(req.key)} {html_parts.text(req.title)}"
        out.append(f'<section class="ra2-requirement" id="{target}">\n')
        out.append(html_parts.heading(ctx, level, title, target))
        out.append(html_parts.field_list(requirement_fields_html(ctx, req), ["ra2-fields"]))
        out.append(html_parts.blocks(html_parts.paragraphs(req.description)))
        if req.notes:
            out.append(f'<div class="admonition note">\n<p class="admonition-title">{admonitionlabels["note"]}'
                       f"</p>\n{html_parts.blocks(html_parts.paragraphs(req.notes))}</div>\n")
        out.append("</section>\n")
        section = nodes.section(ids=[target])
        section += nodes.title("", f"{req.key} {req.title}")
        section.extend(paragraphs(req.description))
        searchable.append(section)
    return html_parts.block("".join(out), searchable)


def requirement_fields_html(ctx: RenderContext, req: model.Requirement) -> list[tuple[str, str]]:
    """`requirement_fields` as (name, HTML) pairs, empty fields left out as there."""
    def refs(ids: list[str]) -> str:
        return html_parts.joined(html_parts.xref(ctx, i) for i in ids)

    linked = ctx.loaded.linked
    level = html_parts.span(html_parts.text(req.level),
                            ["ra2-level-word", f"ra2-normative-{nodes.make_id(req.level)}"])
    source = ""
    if req.source is not None:
        label = html_parts.text(str(req.source))
        url = req.source.url
        source = (f'<a class="reference external" href="{html_parts.attr(url)}">{label}</a>'
                  if url.startswith(SAFE_URL_SCHEMES) else label)
    fields = [
        ("Level", level),
        ("Profiles", html_parts.text(_profiles(req))),
        ("Status", html_parts.text(req.status)),
        ("Tags", html_parts.text(", ".join(req.tags))),
        ("Source", source),
        ("Traces to", refs(linked(req.key, "traces"))),
        ("Traced by", refs(linked(req.key, "traces", True))),
        ("Refines", refs(linked(req.key, "refines"))),
        ("Refined by", refs(linked(req.key, "refines", incoming=True))),
        ("Depends on", refs(linked(req.key, "depends"))),
        ("Needed by", refs(linked(req.key, "depends", incoming=True))),
    ]
    return [(name, value) for name, value in fields if value]


def _refs(ids: Iterable[str]) -> list[nodes.Node]:
    return joined(xref(i) for i in ids)


def _profiles(req: model.Requirement) -> str:
    return ", ".join(profile_cells(req))


def source_node(source: model.Source | None) -> nodes.Node | None:
    if source is None:
        return None
    text = str(source)
    if source.url.startswith(SAFE_URL_SCHEMES):
        return nodes.reference("", text, refuri=source.url)
    return nodes.Text(text)


def requirement_fields(loaded: Loaded, req: model.Requirement) -> nodes.field_list:
    level = inline(req.level, ["ra2-level-word", f"ra2-normative-{nodes.make_id(req.level)}"])
    return field_list([
        ("Level", level),
        ("Profiles", _profiles(req)),
        ("Status", req.status),
        ("Tags", ", ".join(req.tags)),
        ("Source", source_node(req.source)),
        ("Traces to", _refs(loaded.linked(req.key, "traces"))),
        ("Traced by", _refs(loaded.linked(req.key, "traces", True))),
        ("Refines", _refs(loaded.linked(req.key, "refines"))),
        ("Refined by", _refs(loaded.linked(req.key, "refines", incoming=True))),
        ("Depends on", _refs(loaded.linked(req.key, "depends"))),
        ("Needed by", _refs(loaded.linked(req.key, "depends", incoming=True))),
    ])


def setup(app: Sphinx) -> None:
    app.add_directive_to_domain("ra2", "requirements", RequirementsDirective)
