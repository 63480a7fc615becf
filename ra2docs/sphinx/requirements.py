"""``.. ra2:requirements::`` — a chapter of requirements, each a section and a link target.

Options select the requirements: ``:spec:`` (required), ``:category:``, ``:section:``, ``:cited-by:`` (only
requirements a requirement of that spec traces to, e.g. the RM requirements RA2 cites), ``:not-cited-by:``
(the others: with both, every requirement of a spec is shown once), ``:group-by:`` (category or section).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar, cast, overload

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.locale import admonitionlabels
from sphinx.util.typing import OptionSpec

from ra2docs import model
from ra2docs.sphinx import deps, html_parts
from ra2docs.sphinx.data import Loaded, get_loaded
from ra2docs.sphinx.domain import anchor, get_domain
from ra2docs.sphinx.nodes import (
    Ra2Directive,
    RenderContext,
    field_list,
    inline,
    joined,
    linked_paragraphs,
    linked_text,
    para,
    paragraphs,
    ra2_fill,
    register,
    xref,
)
from ra2docs.sphinx.section_refs import section_label
from ra2docs.sphinx.verification import requirement_key as verification_key
from ra2docs.sphinx.verification import requirement_verification, requirement_verification_html
from ra2docs.values import profile_cells

SAFE_URL_SCHEMES = ("https://", "http://")


def select(loaded: Loaded, options: dict[str, str]) -> list[model.Requirement]:
    spec, category, section = options.get("spec", ""), options.get("category", ""), options.get("section", "")
    cited_by, not_cited_by = options.get("cited-by", ""), options.get("not-cited-by", "")
    graph = loaded.project.graph
    reqs = graph.spec_requirements(spec)
    if category:
        reqs = [r for r in reqs if r.category == category]
    if section:
        reqs = [r for r in reqs if r.section == section]
    if cited_by:
        index = graph.requirements
        reqs = [r for r in reqs if any(index[o].spec == cited_by for o in loaded.linked(r.key, "traces", True))]
    if not_cited_by:
        index = graph.requirements
        reqs = [r for r in reqs
                if not any(index[o].spec == not_cited_by for o in loaded.linked(r.key, "traces", True))]
    return reqs


def neighbours(loaded: Loaded, req_id: str) -> frozenset[str]:
    """The requirements `req_id` traces, refines or depends on, or that do so to it (not sections).

    Memoised: a rebuild's page selections and digests ask for most requirements' neighbours twice or more."""
    memo = cast("dict[str, frozenset[str]]", loaded._memo.setdefault("ra2_neighbours", {}))
    found = memo.get(req_id)
    if found is None:
        graph = loaded.project.graph
        out: set[str] = set()
        for link_type in ("traces", "refines", "depends"):
            out.update(graph.linked_any(req_id, link_type))
            out.update(graph.linked_any(req_id, link_type, incoming=True))
        found = memo[req_id] = frozenset(out & graph.requirements.keys())
    return found


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


def requirement_files(loaded: Loaded, options: dict[str, str]) -> set[str]:
    """Besides `files_of`: what the coverage status and the supporting components come from."""
    from ra2docs.sphinx.trace import policy_files

    tests = {tc.location.file for tc in loaded.tree.testcases}
    return files_of(loaded, select(loaded, options)) | policy_files(loaded) | tests


def requirement_digest(loaded: Loaded, options: dict[str, str]) -> object:
    from ra2docs.sphinx.trace import policy_files

    graph, index = loaded.project.graph, loaded.project.graph.requirements
    spec = graph.specs.get(options.get("spec", ""))
    out: list[object] = [spec.categories if spec else None, spec.sections if spec else None]
    reqs = select(loaded, options)
    for req in reqs:
        links = link_fields(loaded, req)
        out.append((req.key, req.title, req.description, req.level, req.profiles, req.category, req.section,
                    req.status, req.tags, req.source, req.notes, links,
                    [deps.placement(index[n], loaded) for n in sorted(neighbours(loaded, req.key))]))

    def coverage() -> object:  # from the policy files and the requirements' own fields and links, above
        return [(loaded.status(r).value, supporters(loaded, r.key), verification_key(loaded, r)) for r in reqs]

    return out, deps.Costly(frozenset(policy_files(loaded)), coverage)


class RequirementsDirective(Ra2Directive):
    NAME = "requirements"
    select = staticmethod(requirement_files)
    digest = staticmethod(requirement_digest)

    @staticmethod
    def render(ctx: RenderContext, args: dict[str, Any], /) -> list[nodes.Node]:
        return render_requirements(ctx, args)  # defined below

    option_spec: ClassVar[OptionSpec] = {
        "spec": directives.unchanged_required, "category": directives.unchanged, "section": directives.unchanged,
        "cited-by": directives.unchanged, "not-cited-by": directives.unchanged,
        "group-by": lambda arg: directives.choice(arg, ("category", "section")),
    }

    def run(self) -> list[nodes.Node]:
        loaded = self.loaded
        spec = self.options.get("spec", "")
        if spec not in loaded.project.graph.specs:
            known = ", ".join(sorted(loaded.project.graph.specs)) or "none"
            return self.problem(f"ra2:requirements: unknown spec {spec!r} (specs: {known})")
        reqs = select(loaded, self.options)
        self.depend()
        if not reqs:
            return [para("No requirements match this selection.", ["ra2-empty"])]
        domain = get_domain(self.env)
        for req in reqs:  # link targets now; the sections when the page is written
            domain.note_object(req.key, "req", req.title, self.state.document)
        if "group-by" in self.options:
            return self.grouped(loaded, reqs, self.options["group-by"])
        return [index_node(reqs), self.placeholder(ids=[r.key for r in reqs])]

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
            section += index_node(groups[group])
            section += self.placeholder(ids=[r.key for r in groups[group]])
            out.append(section)
        return out



def index_node(reqs: list[model.Requirement]) -> addnodes.index:
    """The general index's entries of these requirements: by ID, and under their spec."""
    entries = []
    for req in reqs:
        target = anchor("req", req.key)
        entries.append(("single", f"{req.key} ({req.spec} requirement)", target, "", None))
        entries.append(("single", f"{req.spec} requirements; {req.key} {req.title}", target, "", None))
    return addnodes.index(entries=entries)


def add_to_local_toc(app: Sphinx, doctree: nodes.document) -> None:
    """List each requirement of a page in its "On this page" contents, under the section holding it.

    The requirements are made when the page is written (see `render_requirements`), after Sphinx built the
    page's contents from its sections; this adds them to that contents, up to `ra2docs_list_limit` per page
    (a page of thousands would make every page's navigation huge)."""
    env = app.env
    toc = env.tocs.get(env.docname)
    placeholders = [n for n in doctree.findall(ra2_fill) if n["renderer"] == RequirementsDirective.key()]
    if toc is None or not placeholders:
        return
    if sum(len(n["args"]["ids"]) for n in placeholders) > app.config.ra2docs_list_limit:
        return
    items = {ref["anchorname"]: ref.parent.parent for ref in toc.findall(nodes.reference)
             if isinstance(ref.parent.parent, nodes.list_item)}
    index = get_loaded(env).project.graph.requirements
    for placeholder in placeholders:
        section = next((a for a in _ancestors(placeholder) if isinstance(a, nodes.section)), None)
        if section is None:
            continue
        top = section.parent is doctree or not any(isinstance(a, nodes.section) for a in _ancestors(section))
        item = items.get("" if top else f"#{section['ids'][0]}")
        if item is None:
            continue
        sub = next((c for c in item.children if isinstance(c, nodes.bullet_list)), None)
        if sub is None:
            sub = nodes.bullet_list()
            item += sub
        for req_id in placeholder["args"]["ids"]:
            req = index.get(req_id)
            if req is None:
                continue
            ref = nodes.reference("", "", nodes.literal("", req.key), nodes.Text(f" {req.title}"), internal=True,
                                  refuri=env.docname, anchorname=f"#{anchor('req', req.key)}")
            sub += nodes.list_item("", addnodes.compact_paragraph("", "", ref))


def _ancestors(node: nodes.Node) -> list[nodes.Node]:
    out = []
    parent = node.parent
    while parent is not None:
        out.append(parent)
        parent = parent.parent
    return out


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
                               *linked_text(req.title))
        section += requirement_fields(ctx.loaded, req)
        section.extend(linked_paragraphs(req.description))
        if req.notes:
            section += nodes.note("", *linked_paragraphs(req.notes))
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
        title = f"{html_parts.literal(req.key)} {html_parts.linked(ctx, req.title)}"
        out.append(f'<section class="ra2-requirement" id="{target}">\n')
        out.append(html_parts.heading(ctx, level, title, target))
        out.append(html_parts.field_list(requirement_fields_html(ctx, req), ["ra2-fields"]))
        out.append(html_parts.blocks(html_parts.linked_paragraphs(ctx, req.description)))
        if req.notes:
            out.append(f'<div class="admonition note">\n<p class="admonition-title">{admonitionlabels["note"]}'
                       f"</p>\n{html_parts.blocks(html_parts.linked_paragraphs(ctx, req.notes))}</div>\n")
        out.append("</section>\n")
        section = nodes.section(ids=[target])
        section += nodes.title("", f"{req.key} {req.title}")
        section.extend(paragraphs(req.description))
        searchable.append(section)
    return html_parts.block("".join(out), searchable)


Support = tuple[str, str, str, str]  # component ID, its name, level ID, level text


def supporters(loaded: Loaded, req_id: str) -> list[Support]:
    """The components a matrix states as supporting `req_id`, each with its level (vocabulary order).

    Computed per requirement and memoised: a rebuild digests only the pages whose files changed, so most
    requirements are never asked for (an index of every requirement cost a sixth of such a rebuild)."""
    memo = cast("dict[str, list[Support]]", loaded._memo.setdefault("ra2_supporters", {}))
    found = memo.get(req_id)
    if found is None:
        found = memo[req_id] = _supporters_of(loaded, req_id)
    return found


def _supporters_of(loaded: Loaded, req_id: str) -> list[Support]:
    from ra2docs.sphinx.matrix import level_text

    graph = loaded.project.graph
    if req_id not in graph.requirements:
        return []
    # what every requirement's listing shares, made once: a component's (name, sort key), a matrix level's text
    named = cast("dict[str, tuple[str, str]]", loaded._memo.setdefault("ra2_support_names", {}))
    texts = cast("dict[tuple[str, str], str]", loaded._memo.setdefault("ra2_support_texts", {}))
    matrices = cast("dict[str, model.Matrix]", loaded._memo.get("ra2_matrices"))
    if matrices is None:
        matrices = loaded._memo["ra2_matrices"] = {m.id: m for m in loaded.tree.matrices}
    # each component's statements in (level, matrix) order, as the component's sorted listing gives them
    stated = sorted(graph.support_statements(req_id))
    entries: dict[Support, str] = {}  # -> its component's sort key
    for comp_id, level, matrix_id in stated:
        name = named.get(comp_id)
        if name is None:
            comp = graph.components.get(comp_id)
            label = comp.name if comp else comp_id
            name = named[comp_id] = (label, label.lower())
        text = texts.get((matrix_id, level))
        if text is None:
            matrix = matrices.get(matrix_id)
            vocab = graph.vocabularies.get(matrix.vocabulary) if matrix else None
            text = texts[(matrix_id, level)] = level_text(vocab.level(level) if vocab else None, level)
        entries.setdefault((comp_id, name[0], level, text), name[1])
    return sorted(entries, key=lambda e: (entries[e], e[0]))


def status_of(loaded: Loaded, req: model.Requirement) -> tuple[str, str]:
    """The requirement's coverage status (the library's one status function): its text and CSS classes."""
    from ra2docs.sphinx.trace import STATUS_TEXT

    value = loaded.status(req).value
    return STATUS_TEXT.get(value, value), f"ra2-status ra2-status-{nodes.make_id(value)}"


def requirement_fields_html(ctx: RenderContext, req: model.Requirement) -> list[tuple[str, str]]:
    """`requirement_fields` as (name, HTML) pairs, empty fields left out as there."""
    level = html_parts.span(html_parts.text(req.level),
                            ["ra2-level-word", f"ra2-normative-{nodes.make_id(req.level)}"])
    source = ""
    if req.source is not None:
        label = html_parts.text(str(req.source))
        url = req.source.url
        source = (f'<a class="reference external" href="{html_parts.attr(url)}">{label}</a>'
                  if url.startswith(SAFE_URL_SCHEMES) else label)
    from ra2docs.sphinx.matrix import level_class

    status_text, status_classes = status_of(ctx.loaded, req)
    fragments = ctx.fragments
    pieces = []
    for support in supporters(ctx.loaded, req.key):  # 375k at N = 5,000, of a few hundred distinct ones
        piece = fragments.get(("support", *support))
        if piece is None:
            cid, name, lv, text = support
            piece = fragments[("support", *support)] = html_parts.span(
                f"{html_parts.xref(ctx, cid, name, 'comp')} "
                f"{html_parts.span(html_parts.text(text), ['ra2-badge', level_class(lv)])}", ["ra2-support"])
        pieces.append(piece)
    supports = html_parts.joined(pieces)
    fields = [
        ("Level", level),
        ("Value", html_parts.text(str(req.value)) if req.value else ""),
        ("Profiles", html_parts.text(_profiles(req))),
        ("Coverage", html_parts.span(html_parts.text(status_text), status_classes.split())),
        ("Status", html_parts.text(req.status)),
        ("Tags", html_parts.text(", ".join(req.tags))),
        ("Source", source),
        ("Supported by", supports),
        ("Verification", requirement_verification_html(ctx, req)),
    ]
    for name, ends in link_fields(ctx.loaded, req):
        fields.append((name, html_parts.joined(_end_html(ctx, key) for key in ends)))
    return [(name, value) for name, value in fields if value]


FIXED_LINKS = (("traces", "Traces to", "Traced by"), ("refines", "Refines", "Refined by"),
               ("depends", "Depends on", "Needed by"))


def link_fields(loaded: Loaded, req: model.Requirement) -> list[tuple[str, list[str]]]:
    """(field name, link ends: requirement or section keys) for every link type, both directions: the three
    the model knows first, then each other declared type (verification has its own field) by its name."""
    graph = loaded.project.graph
    out = [(name, graph.linked_any(req.key, link_type, bool(incoming))) for link_type, *names in FIXED_LINKS
           for incoming, name in enumerate(names)]
    for link_type in loaded.tree.link_types.values():
        if link_type.id in {t for t, *_ in FIXED_LINKS} | {"verifies"}:
            continue
        name = (link_type.title or link_type.id).replace("-", " ").replace("_", " ").capitalize()
        outgoing, incoming = graph.linked_any(req.key, link_type.id), graph.linked_any(req.key, link_type.id, True)
        if link_type.inverse in ("", link_type.id):  # symmetric (same-as): one field
            out.append((name, sorted(set(outgoing) | set(incoming))))
        else:
            out += [(name, outgoing), (link_type.inverse.replace("-", " ").replace("_", " ").capitalize(), incoming)]
    return out


def _end_html(ctx: RenderContext, key: str) -> str:
    label, url = section_label(ctx.loaded, key)
    if not label:
        return html_parts.xref(ctx, key)
    inner = html_parts.span(html_parts.text(label), ["ra2-section-ref"])
    return f'<a class="reference external" href="{html_parts.attr(url)}">{inner}</a>' if url else inner


def _end(loaded: Loaded, key: str) -> nodes.Node:
    label, url = section_label(loaded, key)
    if not label:
        return xref(key)
    text = nodes.inline("", label, classes=["ra2-section-ref"])
    return nodes.reference("", "", text, refuri=url) if url else text


def _profiles(req: model.Requirement) -> str:
    return ", ".join(profile_cells(req))


@overload
def source_node(source: model.Source) -> nodes.Node: ...
@overload
def source_node(source: None) -> None: ...
def source_node(source: model.Source | None) -> nodes.Node | None:
    if source is None:
        return None
    text = str(source)
    if source.url.startswith(SAFE_URL_SCHEMES):
        return nodes.reference("", text, refuri=source.url)
    return nodes.Text(text)


def requirement_fields(loaded: Loaded, req: model.Requirement) -> nodes.field_list:
    from ra2docs.sphinx.matrix import level_class
    from ra2docs.sphinx.trace import section_label

    def _refs(ids: Iterable[str]) -> list[nodes.Node]:
        out: list[nodes.Node] = []
        for i in ids:
            label, url = section_label(loaded, i)
            node = (xref(i) if not label else nodes.reference("", label, refuri=url) if url
                    else inline(label, ["ra2-section-ref"]))
            out.extend([nodes.Text(", "), node] if out else [node])
        return out

    level = inline(req.level, ["ra2-level-word", f"ra2-normative-{nodes.make_id(req.level)}"])
    status_text, status_classes = status_of(loaded, req)
    supports = joined(nodes.inline("", "", xref(cid, name, "comp"), nodes.Text(" "),
                                   inline(text, ["ra2-badge", level_class(lv)]), classes=["ra2-support"])
                      for cid, name, lv, text in supporters(loaded, req.key))
    return field_list([
        ("Level", level),
        ("Value", str(req.value) if req.value else None),  # stated beside the level, for every profile
        ("Profiles", _profiles(req)),
        ("Coverage", inline(status_text, status_classes.split())),
        ("Status", req.status),
        ("Tags", ", ".join(req.tags)),
        ("Source", source_node(req.source)),
        ("Supported by", supports),
        ("Verification", requirement_verification(loaded, req)),
        *[(name, joined(_end(loaded, key) for key in ends)) for name, ends in link_fields(loaded, req)],
    ])


def setup(app: Sphinx) -> None:
    register(app, RequirementsDirective)
    app.connect("doctree-read", add_to_local_toc, priority=900)  # after Sphinx made the page's contents
