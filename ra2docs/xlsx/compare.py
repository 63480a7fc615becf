"""Vendors side by side: per-requirement answers, a weighted compliance score, and the mandatory gaps.

Score of a vendor, in percent, over the RFP's scope: every requirement a compared vendor's workbook asked
about (recorded at import as `asked`), answered or not; for responses stored without it, the requirements
any compared vendor answered:

    score = 100 * sum(weight(level_r) * credit(answer_r)) / sum(weight(level_r))

weight: must / must-not 3, should / should-not 2, may 1 (the level in --profile when one is given);
credit: fully compliant 1, partially compliant 0.5, roadmap 0.25, not compliant 0, clarification needed 0,
no answer 0; a "not applicable" answer takes the requirement out of that vendor's score (neither earned
nor possible), and is no mandatory gap. "Clarification needed" is counted apart, so it can be followed up.
A mandatory gap is a must / must-not requirement the vendor does not answer "fully compliant".

Claims against evidence (`claims`, from `ra2docs.verification.claims`): "fully compliant" answers that
the vendor's own stack's test results contradict (a verifying test failed or never ran) are listed;
scored with evidence (`discount`), such an answer earns no credit.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from ra2docs import model
from ra2docs.responses import ANSWER_BY_ID, ANSWERS, UNANSWERED
from ra2docs.xlsx import workbook as wbk
from ra2docs.xlsx.colours import ANSWER_COLOURS, equals_rule

WEIGHTS = {"must": 3, "must-not": 3, "should": 2, "should-not": 2, "may": 1}
MANDATORY = ("must", "must-not")


@dataclass(frozen=True)
class Row:
    requirement: model.Requirement
    level: str
    answers: dict[str, model.Answer | None]  # vendor -> answer


@dataclass
class VendorScore:
    vendor: str
    score: float
    earned: float
    possible: float
    counts: Counter[str] = field(default_factory=Counter)  # answer ID (or "unanswered") -> requirements
    gaps: list[tuple[str, str]] = field(default_factory=list)  # mandatory (ID, answer) not fully met


@dataclass
class Comparison:
    vendors: list[str]
    rows: list[Row]
    scores: list[VendorScore]
    profile: str = ""
    claims: list[Any] = field(default_factory=list)  # ra2docs.verification.Claim, for the compared vendors
    evidence: bool = False  # whether contradicted claims were scored as earning nothing
    # (vendor, requirement) -> what the vendor's stack results say (ra2docs.verification.evidence_text);
    # empty when the tree has no test case: the workbook then has no evidence columns
    test_evidence: dict[tuple[str, str], str] = field(default_factory=dict)
    details: dict[str, dict[str, str]] = field(default_factory=dict)  # vendor -> the cover's vendor details

    def score_of(self, vendor: str) -> VendorScore:
        return next(s for s in self.scores if s.vendor == vendor)


def compare(tree: model.Tree, profile: str = "", vendors: list[str] | None = None, claims: Sequence[Any] = (),
            evidence: bool = False) -> Comparison:
    responses = sorted(tree.responses, key=lambda r: r.vendor.lower())
    if vendors:
        responses = [r for r in responses if r.vendor in vendors]
    by_vendor = {r.vendor: {a.id: a for a in r.answers} for r in responses}
    names = list(by_vendor)
    scope = {rid for r in responses for rid in (r.asked or (a.id for a in r.answers))}
    rows = []
    for req in tree.requirement_index().values():
        if req.key in scope and req.applies_to(profile or None):  # answers name requirements by key
            rows.append(Row(req, req.level_in(profile or None), {v: by_vendor[v].get(req.key) for v in names}))
    shown_claims = [c for c in claims if c.vendor in by_vendor and c.requirement in {r.requirement.key for r in rows}]
    contradicted = {(c.vendor, c.requirement) for c in shown_claims}
    scores = []
    for vendor in names:
        earned = possible = 0.0
        vs = VendorScore(vendor, 0.0, 0.0, 0.0)
        for row in rows:
            answer = row.answers[vendor]
            weight = WEIGHTS.get(row.level, 1)
            term = ANSWER_BY_ID.get(answer.compliance) if answer else None
            if term is not None and not term.scored:
                vs.counts[term.id] += 1
                continue
            credit = ANSWER_BY_ID[answer.compliance].credit if answer and answer.compliance in ANSWER_BY_ID else 0.0
            if evidence and (vendor, row.requirement.id) in contradicted:
                credit = 0.0
            earned += weight * credit
            possible += weight
            vs.counts[answer.compliance if answer else UNANSWERED] += 1
            if row.level in MANDATORY and (answer is None or answer.compliance != "fully-compliant"):
                vs.gaps.append((row.requirement.id, answer.compliance if answer else UNANSWERED))
        vs.earned, vs.possible = earned, possible
        vs.score = round(100 * earned / possible, 1) if possible else 0.0
        scores.append(vs)
    details = {r.vendor: dict(r.details) for r in responses if r.details}
    return Comparison(names, rows, scores, profile, shown_claims, evidence, details=details)


DETAIL_LABELS = (("contact", "contact"), ("date", "offer dated"), ("reference", "offer reference"))


def details_line(cmp: Comparison, vendor: str) -> str:
    """The vendor's contact, offer date and reference as read from its workbook's cover, or ""."""
    given = cmp.details.get(vendor, {})
    return "; ".join(f"{label} {given[key]}" for key, label in DETAIL_LABELS if given.get(key))


def label(answer: model.Answer | None) -> str:
    if answer is None:
        return "—"
    term = ANSWER_BY_ID.get(answer.compliance)
    return term.label if term else answer.compliance


def render_text(cmp: Comparison) -> str:
    if not cmp.vendors:
        return "no vendor responses under responses/; import answered workbooks with `ra2docs import`\n"
    header = ["ID", "Level", *cmp.vendors]
    table = [header] + [[r.requirement.id, r.level, *(label(r.answers[v]) for v in cmp.vendors)] for r in cmp.rows]
    widths = [max(len(str(row[i])) for row in table) for i in range(len(header))]
    out = ["  ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in table]
    out.insert(1, "  ".join("-" * w for w in widths))
    out.append("")
    scope = f" (profile {cmp.profile})" if cmp.profile else ""
    out.append(f"Scores{scope}: weights must 3, should 2, may 1; credit full 1, partial 0.5, roadmap 0.25, not 0, "
               "clarification 0; not applicable: left out")
    for s in sorted(cmp.scores, key=lambda s: (-s.score, s.vendor.lower())):
        counts = ", ".join(f"{s.counts[a.id]} {a.label.lower()}" for a in ANSWERS if s.counts[a.id])
        if s.counts[UNANSWERED]:
            counts += f"{', ' if counts else ''}{s.counts[UNANSWERED]} unanswered"
        out.append(f"  {s.vendor}: {s.score:.1f}% ({s.earned:g} of {s.possible:g} points; {counts})")
    for s in cmp.scores:
        if s.gaps:
            gaps = ", ".join(f"{rid} ({ANSWER_BY_ID[a].label.lower() if a in ANSWER_BY_ID else a})"
                             for rid, a in s.gaps)
            out.append(f"{s.vendor} does not fully meet {len(s.gaps)} mandatory requirement"
                       f"{'s' if len(s.gaps) != 1 else ''}: {gaps}")
        else:
            out.append(f"{s.vendor} fully meets every mandatory requirement compared")
    if cmp.details:
        out.append("Vendor details (from the workbooks' covers):")
        out.extend(f"  {v}: {details_line(cmp, v)}" for v in cmp.vendors if details_line(cmp, v))
    if cmp.claims:
        how = "scored as earning nothing" if cmp.evidence else "scored as answered; --evidence scores them as 0"
        out.append(f"Claims the test evidence contradicts ({how}):")
        out.extend(f"  {c.text}" for c in cmp.claims)
    return "\n".join(out) + "\n"


def to_dict(cmp: Comparison) -> dict[str, object]:
    return {
        "profile": cmp.profile, "vendors": cmp.vendors, "vendor_details": cmp.details,
        "weights": WEIGHTS, "credits": {a.id: a.credit for a in ANSWERS},
        "scores": [{"vendor": s.vendor, "score": s.score, "earned": s.earned, "possible": s.possible,
                    "counts": dict(sorted(s.counts.items())),
                    "mandatory_gaps": [{"id": rid, "answer": a} for rid, a in s.gaps]} for s in cmp.scores],
        "evidence": cmp.evidence,
        "contradicted_claims": [{"vendor": c.vendor, "id": c.requirement, "stack": c.stack, "problem": c.problem,
                                 "tests": list(c.tests)} for c in cmp.claims],
        "requirements": [{"id": r.requirement.id, "title": r.requirement.title, "level": r.level,
                          "answers": {v: (None if a is None else {"compliance": a.compliance, "comment": a.comment,
                                                                  "evidence": a.evidence})
                                      for v, a in r.answers.items()},
                          **({"test_evidence": {v: cmp.test_evidence.get((v, r.requirement.id), "")
                                                for v in cmp.vendors}} if cmp.test_evidence else {})}
                         for r in cmp.rows],
    }


def render_json(cmp: Comparison) -> str:
    return json.dumps(to_dict(cmp), indent=2, ensure_ascii=False) + "\n"


def write_workbook(cmp: Comparison, path: Path | str) -> None:
    """The comparison as a workbook: answers side by side, scores, mandatory gaps (text stays text)."""
    wb = Workbook(write_only=True)
    wbk.add_styles(wb)
    c = wbk.cell
    ws = wb.create_sheet("Comparison")
    per_vendor = 3 if cmp.test_evidence else 2  # answer, comment (, the stack's test evidence, read-only)
    table = wbk.SheetRows(ws, [18, 40, 9] + [20, 40, 36][:per_vendor] * len(cmp.vendors))
    ws.freeze_panes = "D2"
    wbk.print_setup(ws, "1:1")
    header = ["ID", "Title", "Level"]
    for v in cmp.vendors:
        header += [v, f"{v}: comment"] + ([f"{v}: test evidence"] if cmp.test_evidence else [])
    table.append(wbk.header_row(ws, header))
    for r in cmp.rows:
        values = [c(ws, r.requirement.id, wbk.TEXT), c(ws, r.requirement.title, wbk.TEXT), c(ws, r.level, wbk.TEXT)]
        for v in cmp.vendors:
            answer = r.answers[v]
            values += [c(ws, label(answer), wbk.TEXT), c(ws, answer.comment if answer else "", wbk.TEXT)]
            if cmp.test_evidence:
                values.append(c(ws, cmp.test_evidence.get((v, r.requirement.id), ""), wbk.TEXT))
        table.append(values)
    last = len(cmp.rows) + 1
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{last}"
    for i in range(len(cmp.vendors)):
        col = get_column_letter(4 + per_vendor * i)
        for term in ANSWERS:
            ws.conditional_formatting.add(f"{col}2:{col}{last}", equals_rule(f"{col}2", term.label,
                                                                               ANSWER_COLOURS[term.id]))
    scores = wb.create_sheet("Scores")
    wbk.set_widths(scores, [28, 10, 10, 10] + [20] * len(ANSWERS) + [12, 16])
    wbk.print_setup(scores)
    scores.append(wbk.header_row(scores, ["Vendor", "Score %", "Points", "Possible", *(a.label for a in ANSWERS),
                                          "Unanswered", "Mandatory gaps"]))
    for s in cmp.scores:
        scores.append([c(scores, s.vendor, wbk.TEXT), s.score, s.earned, s.possible,
                       *(s.counts[a.id] for a in ANSWERS), s.counts[UNANSWERED], len(s.gaps)])
    scores.append([])
    scores.append([c(scores, "Score = 100 × Σ weight × credit / Σ weight; weights must 3, should 2, may 1; credit "
                     "fully 1, partially 0.5, roadmap 0.25, not compliant, clarification needed or unanswered 0; "
                     "not applicable: left out of the score.", wbk.NOTE)])
    gaps = wb.create_sheet("Mandatory gaps")
    wbk.set_widths(gaps, [28, 18, 20, 50])
    wbk.print_setup(gaps, "1:1")
    gaps.append(wbk.header_row(gaps, ["Vendor", "ID", "Answer", "Title"]))
    titles = {r.requirement.id: r.requirement.title for r in cmp.rows}
    for s in cmp.scores:
        for rid, answer_id in s.gaps:
            gap_term = ANSWER_BY_ID.get(answer_id)
            answer_label = gap_term.label if gap_term else "—"
            gaps.append([c(gaps, s.vendor, wbk.TEXT), c(gaps, rid, wbk.TEXT),
                         c(gaps, answer_label, wbk.TEXT), c(gaps, titles.get(rid, ""), wbk.TEXT)])
    if cmp.claims:
        sheet = wb.create_sheet("Claims vs evidence")
        wbk.set_widths(sheet, [28, 18, 20, 14, 50])
        wbk.print_setup(sheet, "1:1")
        sheet.append(wbk.header_row(sheet, ["Vendor", "ID", "Stack", "Evidence", "Tests"]))
        for claim in cmp.claims:
            sheet.append([c(sheet, claim.vendor, wbk.TEXT), c(sheet, claim.requirement, wbk.TEXT),
                          c(sheet, claim.stack, wbk.TEXT), c(sheet, claim.problem, wbk.TEXT),
                          c(sheet, ", ".join(claim.tests), wbk.TEXT)])
    wbk.save_workbook(wb, path)
