"""``.. ra2:vendors::`` — vendors' stored answers side by side, with weighted scores and mandatory gaps.

Usage::

    .. ra2:vendors::
       :profile: basic              (optional: levels as in this profile, only its requirements)
       :vendors: ACME, Globex       (optional: only these vendors, in this order)

It reads the answers `ra2docs import` stored under `responses/` and shows what `ra2docs compare` prints
(the same scores, from the same function), built as docutils nodes: a vendor's comment is text, never
markup. Requirement IDs link to where the site shows them. "Fully compliant" answers that the vendor's own
stack's test results contradict (`ra2docs.verification.claims`) are listed under the gaps. Answer colours
come from a small stylesheet written with the build; every answer is also spelt out, so nothing depends
on seeing colour.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.typing import OptionSpec

from ra2docs import model
from ra2docs.contrast import ink
from ra2docs.fileio import write_text_atomic
from ra2docs.responses import ANSWER_BY_ID, ANSWER_COLOURS, ANSWERS, UNANSWERED
from ra2docs.sphinx.data import Loaded
from ra2docs.sphinx.nodes import Ra2Directive, joined, para, register, table, xref

if TYPE_CHECKING:  # the comparison lives with the workbooks (openpyxl): imported by the directive that uses it
    from ra2docs.xlsx.compare import Comparison

logger = logging.getLogger(__name__)
CSS = "ra2docs-vendors.css"
FORMULA = ("Score = 100 × Σ weight × credit ÷ Σ weight, over the requirements the vendors were asked; weight: "
           "must 3, should 2, may 1; credit: fully compliant 1, partially compliant 0.5, roadmap 0.25, "
           "not compliant, clarification needed or unanswered 0; a \"not applicable\" answer leaves the "
           "requirement out of that vendor's score.")


def _vendors(options: dict[str, str]) -> list[str]:
    return [v.strip() for v in options.get("vendors", "").split(",") if v.strip()]


def vendor_files(loaded: Loaded, options: dict[str, str]) -> set[str]:
    """The responses files shown, and the files defining the requirements they answer."""
    wanted = set(_vendors(options))
    reqs = loaded.project.graph.requirements
    files: set[str] = set()
    for response in loaded.tree.responses:
        if wanted and response.vendor not in wanted:
            continue
        files.add(response.location.file)
        files.update(reqs[a.id].location.file for a in response.answers if a.id in reqs)
    if files:  # the evidence the claims are checked against
        tree = loaded.tree
        files.update(t.location.file for t in tree.testcases)
        files.update(r.location.file for r in tree.results)
        files.update(s.location.file for s in tree.stacks)
    return files


def answer_class(compliance: str) -> str:
    return f"ra2-answer-{nodes.make_id(compliance)}"


def _answer_cell(answer: model.Answer | None) -> tuple[list[nodes.Node], list[str]]:
    if answer is None:
        return [para("— no answer")], ["ra2-answer", answer_class(UNANSWERED)]
    term = ANSWER_BY_ID.get(answer.compliance)
    content: list[nodes.Node] = [para(term.label if term else answer.compliance, ["ra2-answer-label"])]
    if answer.comment:
        content.append(para(answer.comment, ["ra2-note"]))
    if answer.evidence:
        content.append(para(f"Evidence: {answer.evidence}", ["ra2-note"]))
    return content, ["ra2-answer", answer_class(answer.compliance)]


def build(cmp: Comparison) -> list[nodes.Node]:
    if not cmp.vendors:
        return [para("No vendor answers are stored yet: `ra2docs import` stores them under responses/.",
                     ["ra2-vendors-empty"])]
    scope = f" Levels as in profile {cmp.profile}." if cmp.profile else ""
    out: list[nodes.Node] = [para(FORMULA + scope, ["ra2-vendors-formula"])]
    header = [["Vendor", "Score", *(a.label for a in ANSWERS), "No answer", "Mandatory gaps"]]
    rows = [[s.vendor, f"{s.score:.1f}%", *(str(s.counts[a.id]) for a in ANSWERS), str(s.counts[UNANSWERED]),
             str(len(s.gaps))] for s in cmp.scores]
    out.append(table(header, rows, ["ra2-vendor-scores"], stub_columns=1))
    if cmp.details:
        out.append(details_table(cmp))
    side = [[[nodes.paragraph("", "", xref(r.requirement.id), nodes.Text(" " + r.requirement.title))], r.level,
             *(_answer_cell(r.answers[v]) for v in cmp.vendors)] for r in cmp.rows]
    out.append(table([["Requirement", "Level", *cmp.vendors]], side, ["ra2-vendor-comparison"], stub_columns=1))
    gaps = nodes.bullet_list(classes=["ra2-vendor-gaps"])
    for s in cmp.scores:
        if not s.gaps:
            gaps += nodes.list_item("", para(f"{s.vendor} fully meets every mandatory requirement compared."))
            continue
        items = []
        for rid, answer in s.gaps:
            term = ANSWER_BY_ID.get(answer)
            said = term.label.lower() if term else "no answer"
            items.append(nodes.inline("", "", xref(rid), nodes.Text(f" ({said})")))
        noun = "requirement" if len(s.gaps) == 1 else "requirements"
        gaps += nodes.list_item("", nodes.paragraph(
            "", "", nodes.Text(f"{s.vendor} does not fully meet {len(s.gaps)} mandatory {noun}: "), *joined(items)))
    out.append(gaps)
    if cmp.claims:
        out.append(para("Claims the test evidence contradicts:", ["ra2-vendor-claims-title"]))
        claims = nodes.bullet_list(classes=["ra2-vendor-claims"])
        for c in cmp.claims:
            what = "failed on" if c.problem == "failed" else "did not run (or was skipped) on"
            claims += nodes.list_item("", nodes.paragraph(
                "", "", nodes.Text(f"{c.vendor} answers fully compliant for "), xref(c.requirement),
                nodes.Text(", but "), *joined([xref(t, objtype="test") for t in c.tests]),
                nodes.Text(f" {what} its stack {c.stack}.")))
        out.append(claims)
    return out


def details_table(cmp: Comparison) -> nodes.Node:
    """Who answered: each vendor's contact, offer date and reference, as its workbook's cover gave them."""
    from ra2docs.xlsx.export import VENDOR_FIELDS

    keys = [key for key, _ in VENDOR_FIELDS if key != "vendor"]
    rows = [[v, *(cmp.details.get(v, {}).get(key, "") or "—" for key in keys)] for v in cmp.vendors]
    return table([["Vendor", *(label for key, label in VENDOR_FIELDS if key != "vendor")]], rows,
                 ["ra2-vendor-details"], stub_columns=1)


class VendorsDirective(Ra2Directive):
    NAME = "vendors"
    select = staticmethod(vendor_files)
    option_spec: ClassVar[OptionSpec] = {"profile": directives.unchanged, "vendors": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        loaded = self.loaded
        self.depend()
        wanted = _vendors(self.options)
        known = {r.vendor for r in loaded.tree.responses}
        for vendor in wanted:
            if vendor not in known:
                logger.warning("ra2:vendors: no stored answers of vendor %r (vendors: %s)", vendor,
                               ", ".join(sorted(known)) or "none", location=self.get_location(), type="ra2docs",
                               subtype="directive")
        profile = self.options.get("profile", "").strip()
        if profile and profile not in loaded.project.graph.profiles():
            return self.problem(f"ra2:vendors: unknown profile {profile!r}")
        chosen = [v for v in wanted if v in known]
        from ra2docs.verification import claims
        from ra2docs.xlsx.compare import Comparison, compare

        cmp = Comparison([], [], [], profile) if wanted and not chosen else compare(
            loaded.tree, profile, chosen or None, claims(loaded.project.graph))
        if chosen:  # the order the page asks for
            order = {v: i for i, v in enumerate(chosen)}
            cmp.vendors.sort(key=order.__getitem__)
            cmp.scores.sort(key=lambda s: order[s.vendor])
        out = nodes.container(classes=["ra2-vendors"])
        out.extend(build(cmp))
        return [out]


def vendors_css() -> str:
    rules = ["/* generated by ra2docs: colours of vendors' compliance answers */"]
    for term in ANSWERS:
        colour = ANSWER_COLOURS[term.id]
        rules.append(f".{answer_class(term.id)} {{ background-color: #{colour}; color: #{ink(colour)}; }}")
    rules.append(f".{answer_class(UNANSWERED)} {{ color: #666666; font-style: italic; }}")
    return "\n".join(rules) + "\n"


def _write_css(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and app.builder.format == "html":
        write_text_atomic(Path(app.outdir) / "_static" / CSS, vendors_css())


def setup(app: Sphinx) -> None:
    register(app, VendorsDirective)
    app.add_css_file(CSS)
    app.connect("build-finished", _write_css)
