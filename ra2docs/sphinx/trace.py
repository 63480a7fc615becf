"""``.. ra2:traceability::`` (each requirement's links both ways, with its coverage status) and
``.. ra2:coverage::`` (how much of each spec, chapter and profile the coverage policy finds covered)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util.typing import OptionSpec

from ra2docs import model
from ra2docs.errors import Finding
from ra2docs.sphinx import deps, html_parts
from ra2docs.sphinx.data import Loaded
from ra2docs.sphinx.nodes import (
    Ra2Directive,
    RenderContext,
    inline,
    joined,
    linked_para,
    linked_text,
    para,
    register,
    table,
    xref,
)
from ra2docs.sphinx.requirements import files_of, select
from ra2docs.sphinx.section_refs import section_label
from ra2docs.sphinx.verification import requirement_key as verification_key
from ra2docs.sphinx.verification import requirement_verification, requirement_verification_html, shows_verification

STATUS_TEXT = {"covered": "✔ covered", "uncovered": "✖ gap", "waived": "⚑ waived", "no-rule": "– no rule",
               "unstated": "? level not stated"}


def policy_files(loaded: Loaded) -> set[str]:
    """What coverage depends on besides the requirements and links: policy, waivers, components,
    vocabularies and matrices (a support cell can cover a requirement)."""
    tree = loaded.tree
    files = {r.location.file for r in tree.policy.rules}
    files.update(w.location.file for w in tree.waivers)
    files.update(c.location.file for c in tree.components)
    files.update(v.location.file for v in tree.vocabularies)
    files.update(m.location.file for m in tree.matrices)
    # verification (ra2docs.sphinx.verification): test cases, stored results, and the stacks they ran on
    files.update(t.location.file for t in tree.testcases)
    files.update(r.location.file for r in tree.results)
    files.update(s.location.file for s in tree.stacks)
    return files


def traceability_files(loaded: Loaded, options: dict[str, str]) -> set[str]:
    return files_of(loaded, select(loaded, options)) | policy_files(loaded)


def notes_prefix(options: dict[str, str]) -> str:
    """The anchors of one table's waiver notes: stable, and distinct for each selection on a page."""
    return "ra2-note-" + nodes.make_id("-".join(f"{k}-{v}" for k, v in sorted(options.items())) or "all")


def status_cell(loaded: Loaded, req: model.Requirement, notes: dict[str, int],
                prefix: str = "ra2-note") -> tuple[list[nodes.Element], list[str]]:
    """The status as symbol and word; a waiver's reason becomes a numbered note under the table, each
    number a link to its note."""
    status = loaded.status(req)
    content: list[nodes.Element] = [inline(STATUS_TEXT[status.value], ["ra2-status-text"])]
    if status.value == "waived":
        numbers = [notes.setdefault(reason, len(notes) + 1) for reason in status.waivers]
        reason = nodes.inline("", "", nodes.Text(" (note "), classes=["ra2-reason"])
        for index, number in enumerate(numbers):
            if index:
                reason += nodes.Text(", ")
            reason += nodes.reference("", str(number), internal=True, refid=f"{prefix}-{number}")
        reason += nodes.Text(")")
        content.append(reason)
    return content, ["ra2-status", f"ra2-status-{status.value}"]


def waiver_notes(notes: dict[str, int], prefix: str = "ra2-note") -> list[nodes.Node]:
    if not notes:
        return []
    listing = nodes.enumerated_list(enumtype="arabic", prefix="", suffix=".", classes=["ra2-waiver-notes"])
    listing.extend(nodes.list_item("", linked_para(reason), ids=[f"{prefix}-{number}"])
                   for reason, number in notes.items())
    return [nodes.paragraph("", "", nodes.strong("", "Why the waived gaps are accepted:")), listing]


def traceability_digest(loaded: Loaded, options: dict[str, str]) -> object:
    graph = loaded.project.graph
    rows = []
    reqs = select(loaded, options)
    for req in reqs:
        traces, traced_by = loaded.linked(req.key, "traces"), loaded.linked(req.key, "traces", True)
        linked = traces + traced_by
        rows.append((deps.placement(req, loaded), req.level, req.profiles, req.category, traces, traced_by,
                     [deps.placement(graph.requirements[i], loaded) for i in linked]))

    def coverage() -> object:  # from the policy files and the requirements' fields and links, above
        return [(loaded.status(r).value, loaded.status(r).waivers, verification_key(loaded, r)) for r in reqs]

    return rows, deps.Costly(frozenset(policy_files(loaded)), coverage)


class TraceabilityDirective(Ra2Directive):
    NAME = "traceability"
    select = staticmethod(traceability_files)
    digest = staticmethod(traceability_digest)

    @staticmethod
    def render(ctx: RenderContext, args: dict[str, Any], /) -> list[nodes.Node]:
        return render_traceability(ctx, args)  # defined below

    option_spec: ClassVar[OptionSpec] = {"spec": directives.unchanged_required, "category": directives.unchanged,
                                         "section": directives.unchanged, "cited-by": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        loaded = self.loaded
        graph = loaded.project.graph
        if self.options.get("spec", "") not in graph.specs:
            return self.problem(f"ra2:traceability: unknown spec {self.options.get('spec', '')!r}")
        self.depend()
        return [self.placeholder(**self.options)]


def render_traceability(ctx: RenderContext, options: dict[str, str]) -> list[nodes.Node]:
    loaded = ctx.loaded
    reqs = select(loaded, options)
    if not reqs:
        return [para("No requirements match this selection.", ["ra2-empty"])]
    # link ends: requirements (keys) and sections (`section:SPEC:number`), requirements first
    graph = loaded.project.graph
    traces = {r.key: loaded.linked(r.key, "traces") + graph.linked_sections(r.key, "traces") for r in reqs}
    traced_by = {r.key: loaded.linked(r.key, "traces", True) + graph.linked_sections(r.key, "traces", True)
                 for r in reqs}
    notes: dict[str, int] = {}
    prefix = notes_prefix(options)
    if html_parts.direct(ctx):
        return [html_parts.block(traceability_html(ctx, reqs, traces, traced_by, notes, prefix)),
                *waiver_notes(notes, prefix)]

    def end(key: str) -> nodes.Node:
        label, url = section_label(loaded, key)
        if not label:
            return xref(key)
        text = nodes.inline("", label, classes=["ra2-section-ref"])
        return nodes.reference("", "", text, refuri=url) if url else text

    columns: list[tuple[str, int, Callable[[model.Requirement], object]]] = [
        ("ID", 12, lambda r: xref(r.key)), ("Title", 30, lambda r: linked_text(r.title) if r.title else None),
        ("Level", 6, lambda r: r.level)]
    if any(traces.values()):  # a column nobody fills is left out (an RM has no "traces to")
        columns.append(("Traces to", 16, lambda r: joined(end(t) for t in traces[r.key])))
    if any(traced_by.values()):
        columns.append(("Traced by", 16, lambda r: joined(end(t) for t in traced_by[r.key])))
    columns.append(("Coverage", 12, lambda r: status_cell(loaded, r, notes, prefix)))
    if shows_verification(loaded):
        columns.append(("Verification", 16, lambda r: requirement_verification(loaded, r)))
    rows = [[fn(r) for _, _, fn in columns] for r in reqs]
    out = [table([[name for name, _, _ in columns]], rows, ["ra2-traceability"], wide=True,
                 widths=[width for _, width, _ in columns])]
    return out + waiver_notes(notes, prefix)


def traceability_html(ctx: RenderContext, reqs: list[model.Requirement], traces: dict[str, list[str]],
                      traced_by: dict[str, list[str]], notes: dict[str, int], prefix: str = "ra2-note") -> str:
    """The table `render_traceability` makes, as the HTML translator writes it."""
    loaded = ctx.loaded

    def end(key: str) -> str:
        label, url = section_label(loaded, key)
        if not label:
            return html_parts.xref(ctx, key)
        inner = html_parts.span(html_parts.text(label), ["ra2-section-ref"])
        return f'<a class="reference external" href="{html_parts.attr(url)}">{inner}</a>' if url else inner

    def refs(ids: list[str]) -> str:
        return html_parts.cell([html_parts.para(html_parts.joined(end(i) for i in ids))] if ids else [])

    def status(req: model.Requirement) -> str:
        content, classes = status_cell(loaded, req, notes, prefix)
        inner = "".join(html_parts.span(_inline_html(n), n["classes"]) for n in content)
        return html_parts.cell([html_parts.para(inner)], classes)

    header = ["ID", "Title", "Level"]
    with_traces, with_traced_by = any(traces.values()), any(traced_by.values())
    header += ["Traces to"] * with_traces + ["Traced by"] * with_traced_by + ["Coverage"]
    verified = shows_verification(loaded)
    header += ["Verification"] * verified
    rows = []
    for req in reqs:
        row = [html_parts.cell([html_parts.para(html_parts.xref(ctx, req.key))]),
               html_parts.cell([html_parts.para(html_parts.linked(ctx, req.title))] if req.title else []),
               html_parts.cell([html_parts.para(html_parts.text(req.level))] if req.level else [])]
        if with_traces:
            row.append(refs(traces[req.key]))
        if with_traced_by:
            row.append(refs(traced_by[req.key]))
        row.append(status(req))
        if verified:
            row.append(html_parts.cell([html_parts.para(requirement_verification_html(ctx, req))]))
        rows.append(row)
    return html_parts.table(header, rows, ["ra2-traceability"], wide=True)


def _inline_html(node: nodes.Node) -> str:
    """The children of a status inline (text and links to notes) as the translator writes them."""
    out = []
    for child in node.children:
        if isinstance(child, nodes.reference):
            out.append(f'<a class="reference internal" href="#{html_parts.attr(child["refid"])}">'
                       f"{html_parts.text(child.astext())}</a>")
        else:
            out.append(html_parts.text(child.astext()))
    return "".join(out)


def _findings_by_scope(loaded: Loaded) -> dict[tuple[str, str, str], Finding]:
    return {(f.subject, f.scope.get("rule", ""), f.scope.get("profile", "")): f
            for f in loaded.project.result.findings if f.code in ("ra2.uncovered", "ra2.unverified")}


def coverage_files(loaded: Loaded, options: dict[str, str]) -> set[str]:
    spec = options.get("spec", "")
    reqs = [r for r in loaded.tree.requirements if not spec or r.spec == spec]
    return files_of(loaded, reqs) | policy_files(loaded)


def coverage_digest(loaded: Loaded, options: dict[str, str]) -> object:
    spec = options.get("spec", "")
    graph = loaded.project.graph
    rules = [rule for rule in loaded.tree.policy.rules if not spec or rule.spec == spec]
    specs = {rule.spec for rule in rules}
    # what the counts take from the requirements: scope, chapter, and what traces to each (and from which spec)
    rest: list[object] = [(rule, _chapter_titles(loaded, rule.spec)) for rule in rules]
    rest.extend((r.key, r.spec, r.level, r.profiles, r.category, r.section,
                 [(o, graph.spec_of(o)) for o in graph.linked_any(r.key, "traces", incoming=True)])
                for r in graph.requirements.values() if r.spec in specs)

    def counts() -> object:  # from the policy files and the requirements' fields above
        found = _findings_by_scope(loaded)
        return [list(rule_rows(loaded, rule, found)) for rule in rules]

    return rest, deps.Costly(frozenset(policy_files(loaded)), counts)


class CoverageDirective(Ra2Directive):
    NAME = "coverage"
    select = staticmethod(coverage_files)
    digest = staticmethod(coverage_digest)

    @staticmethod
    def render(ctx: RenderContext, args: dict[str, Any], /) -> list[nodes.Node]:
        return render_coverage(ctx, args)  # defined below

    option_spec: ClassVar[OptionSpec] = {"spec": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        self.depend()
        return [self.placeholder(spec=self.options.get("spec", ""))]


def render_coverage(ctx: RenderContext, options: dict[str, str]) -> list[nodes.Node]:
    loaded = ctx.loaded
    spec = options.get("spec", "")
    rules = [r for r in loaded.tree.policy.rules if not spec or r.spec == spec]
    if not rules:
        return [para("No coverage rule applies to this spec.", ["ra2-empty"])]
    out: list[nodes.Node] = []
    found = _findings_by_scope(loaded)
    for rule in rules:
        out.append(nodes.rubric("", "", nodes.Text(f"Rule {rule.id}: {rule.title or rule.spec}")))
        out.append(table([["Chapter", "Profile", "In scope", "Covered", "Waived", "Gaps", "Covered %"]],
                         rule_rows(loaded, rule, found), ["ra2-coverage"]))
    return out


def rule_rows(loaded: Loaded, rule: model.Rule,
              found: dict[tuple[str, str, str], Finding]) -> Iterable[list[tuple[str, list[str]]]]:
    """Per chapter and profile: requirements in the rule's scope, covered, waived and open gaps, as the
    library's status (`ra2docs.status`) has them."""
    graph = loaded.project.graph
    titles = _chapter_titles(loaded, rule.spec)
    for profile in rule.profiles or (None,):
        counts: dict[str, Counter[str]] = {}
        for req in graph.in_scope(rule, profile):
            chapter = loaded.chapter_of(req)
            count = counts.setdefault(chapter, Counter())
            count["scope"] += 1
            gap = next((g for g in loaded.status(req).gaps if g.rule == rule.id and g.profile == (profile or "")),
                       None)
            if gap is None:
                count["covered"] += 1
            else:
                count["waived" if gap.waived_by else "gaps"] += 1
        total: Counter[str] = sum(counts.values(), Counter())
        label = profile or "all profiles"
        for chapter in sorted(counts, key=lambda c: (list(titles).index(c) if c in titles else len(titles), c)):
            yield _count_row(titles.get(chapter, chapter or "(no chapter)"), label, counts[chapter])
        yield _count_row("All chapters", label, total, ["ra2-total"])


def _count_row(chapter: str, profile: str, count: Counter[str],
               classes: list[str] | None = None) -> list[tuple[str, list[str]]]:
    scope = count["scope"]
    share = f"{100 * count['covered'] / scope:.0f} %" if scope else "–"
    cells = [chapter, profile, str(scope), str(count["covered"]), str(count["waived"]), str(count["gaps"]), share]
    out = [(cell, list(classes or [])) for cell in cells]
    if count["gaps"]:
        out[5][1].append("ra2-gaps")
    return out


def _chapter_titles(loaded: Loaded, spec_id: str) -> dict[str, str]:
    spec = loaded.project.graph.specs.get(spec_id)
    if spec is None:
        return {}
    titles = {c.id: c.title or c.id for c in spec.sections}
    titles.update({c.id: c.title or c.id for c in spec.categories})
    return titles


def setup(app: Sphinx) -> None:
    register(app, TraceabilityDirective, CoverageDirective)
