"""Verification on the site: test cases, each requirement's status per stack, and verification matrices.

Usage::

    .. ra2:testcases::               every test case, each a link target of :ra2:test:`ID`
       :suite: Kubernetes conformance   (optional: only this suite)

    .. ra2:verification::            one row per requirement: support, verifying tests, outcomes, status
       :stack: acme-k8s              (optional: on this stack; without it, the overall status)
       :spec: RA2                    (optional: only this spec's requirements)
       :verified-only:               (optional: only requirements some test case verifies)

    .. ra2:verification-matrix::     requirements x test cases (a mark where a test verifies it), or
       :by: stacks                   test cases x stacks with their outcomes (default: requirements)
       :spec: RA2

Every status comes from `ra2docs.verification.requirement_status`, the function `check --format json`,
the exports and the workbook call. The pages depend on the testcases, results, stacks and matrix files
and on the files of the requirements shown, so importing results rebuilds them.
"""

from __future__ import annotations

from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util.typing import OptionSpec

from ra2docs import model
from ra2docs.contrast import ink
from ra2docs.sphinx.data import Loaded
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
    register,
    table,
    xref,
)
from ra2docs.verification import NOT_RUN, STATES, Status, requirement_status, stacks_with_results, verification
from ra2docs.verification_model import TestCase

STATE_LABELS = {"specified": "Specified", "supported": "Supported", "verified": "Verified",
                "passed": "Passed", "failed": "Failed"}
ON_STACK_LABELS = {**STATE_LABELS, "verified": "Verified, not passed"}  # tests exist, not all passed there
OUTCOME_LABELS = {"passed": "passed", "failed": "FAILED", "error": "ERROR", "skipped": "skipped",
                  NOT_RUN: "not run"}


def state_label(state: str, on_stack: bool) -> str:
    return (ON_STACK_LABELS if on_stack else STATE_LABELS)[state]


def state_node(state: str, on_stack: bool = False) -> nodes.inline:
    return inline(state_label(state, on_stack), ["ra2-vstate", f"ra2-vstate-{state}"])


def verification_files(loaded: Loaded, options: dict[str, str]) -> set[str]:
    tree = loaded.tree
    files = {tc.location.file for tc in tree.testcases} | {rs.location.file for rs in tree.results}
    files |= {s.location.file for s in tree.stacks} | {m.location.file for m in tree.matrices}
    spec = options.get("spec", "").strip()
    files |= {r.location.file for r in tree.requirements if not spec or r.spec == spec}
    return files


def _requirements(loaded: Loaded, spec: str) -> list[model.Requirement]:
    return [r for r in loaded.project.graph.requirements.values() if not spec or r.spec == spec]


def _stack(loaded: Loaded, stack_id: str) -> model.Stack | None:
    return next((s for s in loaded.tree.stacks if s.id == stack_id), None)


def _shown_tests(loaded: Loaded, options: dict[str, str]) -> list[TestCase]:
    suite = options.get("suite", "").strip()
    return [tc for tc in verification(loaded.project.graph).tests.values() if not suite or tc.suite == suite]


class TestcasesDirective(Ra2Directive):
    """Notes each test case as a link target while the page is read; `render_testcases` fills it in
    when the page is written (so IDs in descriptions become links, as elsewhere)."""
    NAME = "testcases"
    select = staticmethod(verification_files)

    @staticmethod
    def render(ctx: RenderContext, args: dict[str, Any], /) -> list[nodes.Node]:
        return render_testcases(ctx, args)  # defined below

    option_spec: ClassVar[OptionSpec] = {"suite": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        loaded = self.loaded
        self.depend()
        shown = _shown_tests(loaded, self.options)
        suite = self.options.get("suite", "").strip()
        if not shown:
            return [para("No test case is defined yet (kind: testcases)." if not suite else
                         f"No test case of suite {suite!r}.", ["ra2-testcases-empty"])]
        placeholder = self.placeholder(**self.options)
        self.set_source_info(placeholder)
        domain = get_domain(self.env)
        for tc in shown:
            domain.note_object(tc.id, "test", tc.title, placeholder)
        return [placeholder]


def render_testcases(ctx: RenderContext, options: dict[str, str]) -> list[nodes.Node]:
    loaded = ctx.loaded
    v = verification(loaded.project.graph)
    stacks = stacks_with_results(loaded.project.graph)
    out = nodes.container(classes=["ra2-testcases"])
    for tc in _shown_tests(loaded, options):
        box = nodes.container(classes=["ra2-testcase"], ids=[anchor("test", tc.id)])
        box += nodes.paragraph("", "", nodes.literal("", tc.id, classes=["ra2-id"]), nodes.Text(f" {tc.title}"),
                               classes=["ra2-testcase-title"])
        verified = [xref(rid) for rid in v.verifies.get(tc.id, ())]
        results = [inline(f"{s.id}: {OUTCOME_LABELS[o.outcome]}", [f"ra2-outcome-{o.outcome}"])
                   for s in stacks if (o := v.outcome(s.id, tc.id)) is not None]
        box += field_list([
            ("Suite", tc.suite), ("Tool", tc.tool),
            ("Pass criteria", linked_text(tc.criteria) if tc.criteria else ""),
            ("Priority", linked_text(tc.priority) if tc.priority else ""),
            ("Verifies", joined(verified) if verified else "nothing (see the check findings)"),
            ("JUnit names", ", ".join(tc.junit)), ("Results", joined(results) if results else ""),
            ("Source", str(tc.source) if tc.source else ""),
        ])
        if tc.description:
            box += linked_paragraphs(tc.description)
        out += box
    return [out]


class VerificationDirective(Ra2Directive):
    NAME = "verification"
    select = staticmethod(verification_files)
    option_spec: ClassVar[OptionSpec] = {"stack": directives.unchanged, "spec": directives.unchanged,
                                         "verified-only": directives.flag}

    def run(self) -> list[nodes.Node]:
        loaded = self.loaded
        self.depend()
        graph = loaded.project.graph
        stack_id = self.options.get("stack", "").strip()
        stack = _stack(loaded, stack_id) if stack_id else None
        if stack_id and stack is None:
            known = ", ".join(s.id for s in loaded.tree.stacks) or "none"
            return self.problem(f"ra2:verification: unknown stack {stack_id!r} (stacks: {known})")
        spec = self.options.get("spec", "").strip()
        if spec and spec not in graph.specs:
            return self.problem(f"ra2:verification: unknown spec {spec!r}")
        statuses = [(req, requirement_status(graph, req.id, stack)) for req in _requirements(loaded, spec)]
        if "verified-only" in self.options:
            statuses = [(r, s) for r, s in statuses if s.tests]
        counts = {state: sum(1 for _, s in statuses if s.state == state) for state in STATES}
        where = f" on stack {stack.id} ({stack.title})" if stack else ""
        summary = ", ".join(f"{counts[s]} {state_label(s, stack is not None).lower()}" for s in STATES if counts[s])
        out = nodes.container(classes=["ra2-verification"])
        out += para(f"{len(statuses)} requirements{where}: {summary or 'none'}.", ["ra2-verification-summary"])
        if stack is not None and not any(r.stack == stack.id for r in loaded.tree.results):
            out += nodes.paragraph(
                "", "", nodes.Text(f"No results are stored for stack {stack.id} yet: "),
                nodes.literal("", f"ra2docs import-results REPORT --stack {stack.id}"), nodes.Text(" stores them."),
                classes=["ra2-verification-empty"])
        rows = []
        for req, st in statuses:
            tests = [xref(t, objtype="test") for t in st.tests]
            outcomes = [inline(f"{t}: {OUTCOME_LABELS[o]}", [f"ra2-outcome-{o}"]) for t, o in st.outcomes.items()]
            rows.append([[nodes.paragraph("", "", xref(req.id), nodes.Text(" " + req.title))], req.level,
                         "yes" if st.supported else "no", joined(tests) if tests else "—",
                         *([joined(outcomes) if outcomes else "—"] if stack else []),
                         ([state_node(st.state, stack is not None)], ["ra2-vstate-cell", f"ra2-vstate-{st.state}"])])
        support = "Supported on the stack" if stack else "Supported"
        header = ["Requirement", "Level", support, "Test cases", *(["Outcomes"] if stack else []), "Status"]
        if rows:
            out += table([header], rows, ["ra2-verification-table"], stub_columns=1)
        return [out]


class VerificationMatrixDirective(Ra2Directive):
    NAME = "verification-matrix"
    select = staticmethod(verification_files)
    option_spec: ClassVar[OptionSpec] = {"by": lambda arg: directives.choice(arg, ("requirements", "stacks")),
                                         "spec": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        loaded = self.loaded
        self.depend()
        graph = loaded.project.graph
        v = verification(graph)
        spec = self.options.get("spec", "").strip()
        if not v.tests:
            return [para("No test case is defined yet (kind: testcases).", ["ra2-verification-empty"])]
        if self.options.get("by", "requirements") == "stacks":
            stacks = stacks_with_results(graph)
            if not stacks:
                return [nodes.paragraph("", "", nodes.Text("No results are stored for any stack yet ("),
                                        nodes.literal("", "ra2docs import-results"), nodes.Text(")."),
                                        classes=["ra2-verification-empty"])]
            rows = []
            for tc in v.tests.values():
                cells = []
                for s in stacks:
                    found = v.outcome(s.id, tc.id)
                    word = found.outcome if found else NOT_RUN
                    cells.append((OUTCOME_LABELS[word], [f"ra2-outcome-{word}"]))
                rows.append([[nodes.paragraph("", "", xref(tc.id, objtype="test"), nodes.Text(" " + tc.title))],
                             *cells])
            return [table([["Test case", *(s.id for s in stacks)]], rows, ["ra2-verification-matrix"], 1)]
        tests = list(v.tests)
        reqs = [r for r in _requirements(loaded, spec) if r.id in v.verified_by]
        if not reqs:
            return [para("No requirement here is verified by a test case yet.", ["ra2-verification-empty"])]
        rows = []
        for req in reqs:
            mine = set(v.verified_by[req.id])
            rows.append([[nodes.paragraph("", "", xref(req.id))],
                         *(("✓" if t in mine else "", ["ra2-verifies"] if t in mine else []) for t in tests)])
        header = ["Requirement", *([xref(t, objtype="test")] for t in tests)]
        return [table([header], rows, ["ra2-verification-matrix"], stub_columns=1)]


CSS = "ra2docs-verification.css"
# fills of the states and outcomes (the word is always written too: nothing depends on seeing colour)
FILLS = {"passed": "C6EFCE", "failed": "FFC7CE", "error": "FFC7CE", "verified": "FFEB9C", "skipped": "FFEB9C",
         NOT_RUN: "EDEDED", "supported": "DDEBF7", "specified": "EDEDED"}


def verification_css() -> str:
    rules = ["/* generated by ra2docs: verification states and test outcomes */"]
    for name, colour in FILLS.items():
        selectors = [f".ra2-vstate-{name}", f".ra2-outcome-{name}"]
        rules.append(f"{', '.join(selectors)} {{ background-color: #{colour}; color: #{ink(colour)}; "
                     "padding: 0 .25em; border-radius: 3px; }")
    return "\n".join(rules) + "\n"


def _write_css(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and app.builder.format == "html":
        from pathlib import Path

        from ra2docs.fileio import write_text_atomic

        write_text_atomic(Path(app.outdir) / "_static" / CSS, verification_css())


def setup(app: Sphinx) -> None:
    app.add_css_file(CSS)
    app.connect("build-finished", _write_css)
    register(app, TestcasesDirective, VerificationDirective, VerificationMatrixDirective)


# ---- the verification of one requirement, for requirement blocks and traceability tables ---------------

def shows_verification(loaded: Loaded) -> bool:
    """Whether requirement blocks and traceability tables get a verification field / column."""
    return bool(loaded.tree.testcases)


def _chain(loaded: Loaded, req: model.Requirement) -> tuple[Status, list[Status]]:
    graph = loaded.project.graph
    overall = requirement_status(graph, req.id)
    per_stack = [requirement_status(graph, req.id, s) for s in stacks_with_results(graph)]
    return overall, [st for st in per_stack if st.tests]


def requirement_key(loaded: Loaded, req: model.Requirement) -> object:
    """What the verification field shows, for page digests (a changed results file re-reads the page)."""
    return _chain(loaded, req) if shows_verification(loaded) else None


def requirement_verification(loaded: Loaded, req: model.Requirement) -> list[nodes.Node] | None:
    """The requirement's verification as nodes: its state, the test cases, each stack's state; None when
    the tree has no test case."""
    if not shows_verification(loaded):
        return None
    overall, per_stack = _chain(loaded, req)
    out: list[nodes.Node] = [state_node(overall.state)]
    if overall.tests:
        out += [nodes.Text(" by "), *joined([xref(t, objtype="test") for t in overall.tests])]
    for st in per_stack:
        out += [nodes.Text("; "), inline(f"{st.stack}: {ON_STACK_LABELS[st.state].lower()}",
                                        ["ra2-vstate", f"ra2-vstate-{st.state}"])]
    return out


def requirement_verification_html(ctx: RenderContext, req: model.Requirement) -> str:
    """`requirement_verification` as HTML, for the pages written straight to HTML ("" without test cases)."""
    from ra2docs.sphinx import html_parts

    if not shows_verification(ctx.loaded):
        return ""
    overall, per_stack = _chain(ctx.loaded, req)
    out = html_parts.span(html_parts.text(STATE_LABELS[overall.state]), ["ra2-vstate", f"ra2-vstate-{overall.state}"])
    if overall.tests:
        out += html_parts.text(" by ") + html_parts.joined(html_parts.xref(ctx, t, objtype="test")
                                                          for t in overall.tests)
    for st in per_stack:
        label = html_parts.text(f"{st.stack}: {ON_STACK_LABELS[st.state].lower()}")
        out += html_parts.text("; ") + html_parts.span(label, ["ra2-vstate", f"ra2-vstate-{st.state}"])
    return out
