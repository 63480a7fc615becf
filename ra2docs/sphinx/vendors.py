"""The `ra2docs-vendors` directive: vendors' stored answers side by side, with scores and mandatory gaps.

Usage::

    .. ra2docs-vendors::
       :profile: basic              (optional: levels as in this profile, only its requirements)
       :vendors: ACME, Globex       (optional: only these vendors, in this order)

It reads `responses/*.yaml` through the loaded project and builds docutils nodes (no RST text is
generated, so vendors' comments can never inject markup). The score is the one `ra2docs compare` prints.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from ra2docs import model
from ra2docs.responses import ANSWER_BY_ID, ANSWERS
from ra2docs.sphinx.data import get_project
from ra2docs.xlsx.compare import UNANSWERED, Comparison, compare

logger = logging.getLogger(__name__)


def _para(text: str, classes: list[str] | None = None) -> nodes.paragraph:
    return nodes.paragraph(text, text, classes=classes or [])


def _table(header: list[str], rows: list[list[nodes.Node | str]], classes: list[str]) -> nodes.table:
    table = nodes.table(classes=classes)
    group = nodes.tgroup(cols=len(header))
    table += group
    group.extend(nodes.colspec(colwidth=1) for _ in header)
    head = nodes.thead()
    group += head
    head += nodes.row("", *(nodes.entry("", _para(h)) for h in header))
    body = nodes.tbody()
    group += body
    for cells in rows:
        row = nodes.row()
        for value in cells:
            entry = nodes.entry()
            entry += _para(value) if isinstance(value, str) else value
            row += entry
        body += row
    return table


def _answer_cell(answer: model.Answer | None) -> nodes.Node:
    if answer is None:
        return _para("—", ["ra2docs-answer", f"ra2docs-answer-{UNANSWERED}"])
    term = ANSWER_BY_ID.get(answer.compliance)
    cell = nodes.container(classes=["ra2docs-answer", f"ra2docs-answer-{answer.compliance}"])
    cell += _para(term.label if term else answer.compliance)
    if answer.comment:
        cell += _para(answer.comment, ["ra2docs-answer-comment"])
    if answer.evidence:
        cell += _para(f"Evidence: {answer.evidence}", ["ra2docs-answer-evidence"])
    return cell


def build(cmp: Comparison) -> list[nodes.Node]:
    if not cmp.vendors:
        return [_para("No vendor responses are stored yet (see `ra2docs import`).", ["ra2docs-vendors-empty"])]
    out: list[nodes.Node] = [_para(
        "Score = 100 × Σ weight × credit ÷ Σ weight over the requirements any vendor answered; weight: must 3, "
        "should 2, may 1; credit: fully compliant 1, partially compliant 0.5, roadmap 0.25, not compliant or "
        "unanswered 0.", ["ra2docs-vendors-formula"])]
    header = ["Vendor", "Score", *(a.label for a in ANSWERS), "Unanswered", "Mandatory gaps"]
    rows: list[list[nodes.Node | str]] = [
        [s.vendor, f"{s.score:.1f}%", *(str(s.counts[a.id]) for a in ANSWERS), str(s.counts[UNANSWERED]),
         str(len(s.gaps))] for s in cmp.scores]
    out.append(_table(header, rows, ["ra2docs-vendor-scores"]))
    side: list[list[nodes.Node | str]] = [
        [nodes.paragraph("", "", nodes.literal(r.requirement.id, r.requirement.id)), r.requirement.title, r.level,
         *(_answer_cell(r.answers[v]) for v in cmp.vendors)] for r in cmp.rows]
    out.append(_table(["ID", "Title", "Level", *cmp.vendors], side, ["ra2docs-vendor-comparison"]))
    gaps = nodes.bullet_list(classes=["ra2docs-vendor-gaps"])
    for s in cmp.scores:
        item = nodes.list_item()
        if s.gaps:
            text = (f"{s.vendor} does not fully meet {len(s.gaps)} mandatory requirement"
                    f"{'s' if len(s.gaps) != 1 else ''}: ")
            para = _para(text)
            for n, (rid, answer) in enumerate(s.gaps):
                if n:
                    para += nodes.Text(", ")
                para += nodes.literal(rid, rid)
                term = ANSWER_BY_ID.get(answer)
                para += nodes.Text(f" ({term.label.lower() if term else answer})")
            item += para
        else:
            item += _para(f"{s.vendor} fully meets every mandatory requirement compared.")
        gaps += item
    out.append(gaps)
    return out


class VendorsDirective(SphinxDirective):
    has_content = False
    option_spec = {"profile": directives.unchanged, "vendors": directives.unchanged}  # noqa: RUF012

    def run(self) -> list[nodes.Node]:
        project = get_project(self.env)
        for path in project.tree.files:
            self.env.note_dependency(path)
        wanted = [v.strip() for v in self.options.get("vendors", "").split(",") if v.strip()]
        known = {r.vendor for r in project.tree.responses}
        for vendor in wanted:
            if vendor not in known:
                logger.warning("ra2docs-vendors: no responses of vendor %r (known: %s)", vendor,
                               ", ".join(sorted(known)) or "none", location=self.get_location())
        profile = self.options.get("profile", "").strip()
        if profile and profile not in project.graph.profiles():
            logger.warning("ra2docs-vendors: unknown profile %r", profile, location=self.get_location())
        chosen = [v for v in wanted if v in known]
        if wanted and not chosen:
            cmp = Comparison([], [], [], profile)
        else:
            cmp = compare(project.tree, profile, chosen or None)
        if chosen:
            order = {v: i for i, v in enumerate(chosen)}
            cmp.vendors.sort(key=order.__getitem__)
            cmp.scores.sort(key=lambda s: order[s.vendor])
        container = nodes.container(classes=["ra2docs-vendors"])
        container.extend(build(cmp))
        return [container]


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("ra2docs-vendors", VendorsDirective)
    return {"parallel_read_safe": True}
