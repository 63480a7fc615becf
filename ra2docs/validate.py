"""The checks: small pure functions from the model and graph to findings. They never print or write.

`run_checks` runs them all, then applies the policy's severity overrides and the waivers.
"""

from __future__ import annotations

import datetime as dt
import difflib
import fnmatch
import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace

from ra2docs import model
from ra2docs.errors import CATALOGUE, Finding, Location, Severity
from ra2docs.graph import SpecGraph
from ra2docs.schema import COMPLIANCE
from ra2docs.status import coverage_scopes
from ra2docs.text_safety import invisible, look_alike_note

_VERBS = {"traces": "traces to", "refines": "refines", "depends": "depends on"}
PLACEHOLDERS = frozenset({"", "tbd", "tbc", "todo", "tba", "n/a?", "?", "...", "xxx", "fixme"})


def is_placeholder(text: str) -> bool:
    return text.strip().strip(".:!").lower() in PLACEHOLDERS


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.75)
    return (f" (did you mean '{close[0]}'?)" if close else "") + look_alike_note(word)


@dataclass
class CheckResult:
    findings: list[Finding]  # open and waived, sorted by location
    counts: Counter[str] = field(default_factory=Counter)  # what was checked

    @property
    def open(self) -> list[Finding]:
        return [f for f in self.findings if not f.waived_by]

    @property
    def waived(self) -> list[Finding]:
        return [f for f in self.findings if f.waived_by]

    def at_or_above(self, threshold: Severity) -> list[Finding]:
        return [f for f in self.open if f.effective_severity >= threshold]


Check = Callable[[SpecGraph], Iterator[Finding]]
CHECKS: list[Check] = []


def check(fn: Check) -> Check:
    CHECKS.append(fn)
    return fn


# ---- identity ------------------------------------------------------------------------------------

@check
def duplicate_ids(sg: SpecGraph) -> Iterator[Finding]:
    tree = sg.tree
    groups: list[tuple[str, Iterable[tuple[str, Location]]]] = [
        ("requirement or component", [(r.id, r.location) for r in tree.requirements]
         + [(c.id, c.location) for c in tree.components]),
        ("spec", [(s.id, s.location) for s in tree.specs]),
        ("matrix", [(m.id, m.location) for m in tree.matrices]),
        ("vocabulary", [(v.id, v.location) for v in tree.vocabularies]),
        ("stack", [(s.id, s.location) for s in tree.stacks]),
        ("policy rule", [(r.id, r.location) for r in tree.policy.rules]),
    ]
    for vocab in tree.vocabularies:
        groups.append((f"level of vocabulary {vocab.id}", [(lv.id, vocab.location) for lv in vocab.levels]))
    for matrix in tree.matrices:
        groups.append((f"row of matrix {matrix.id}", [(r.key, r.location) for r in matrix.rows]))
        groups.append((f"column of matrix {matrix.id}", [(c, matrix.location) for c in matrix.columns]))
    for response in tree.responses:
        groups.append((f"answer of vendor {response.vendor}", [(a.id, a.location) for a in response.answers]))
    for what, items in groups:
        first: dict[str, Location] = {}
        for item_id, loc in items:
            if item_id in first:
                yield Finding("ra2.duplicate-id", f"{what} ID '{item_id}' is defined again "
                              f"(first defined at {first[item_id]})", loc, subject=item_id)
            else:
                first[item_id] = loc


@check
def id_patterns(sg: SpecGraph) -> Iterator[Finding]:
    patterns: dict[str, re.Pattern[str] | None] = {}
    for spec in sg.specs.values():
        try:
            patterns[spec.id] = re.compile(spec.id_pattern, re.ASCII)  # \d means 0-9, not any script's digits
        except re.error as exc:
            patterns[spec.id] = None
            yield Finding("ra2.bad-value", f"id_pattern of spec '{spec.id}' is not a valid regular "
                          f"expression: {exc}", spec.field_locations.get("id_pattern", spec.location), subject=spec.id)
    for req in sg.tree.requirements:
        if req.spec not in sg.specs:
            yield Finding("ra2.dangling-ref", f"requirement '{req.id}' belongs to spec '{req.spec}', which is "
                          f"not defined{_suggest(req.spec, sg.specs)}", req.location, subject=req.id)
            continue
        pattern = patterns[req.spec]
        if pattern is not None and not pattern.fullmatch(req.id) and invisible(req.id) is None:  # else: the loader said
            yield Finding("ra2.id-pattern", f"requirement ID {req.id!r} does not match the ID pattern "
                          f"{pattern.pattern} of spec '{req.spec}'{look_alike_note(req.id)}", req.location,
                          subject=req.id)


# ---- references ----------------------------------------------------------------------------------

@check
def dangling_links(sg: SpecGraph) -> Iterator[Finding]:
    reqs = sg.requirements
    for link in sg.tree.all_links():
        for end in (link.source_id, link.target_id):
            if end not in reqs:
                yield Finding("ra2.dangling-ref", f"'{link.source_id}' {_VERBS[link.type]} '{link.target_id}', but "
                              f"'{end}' is defined nowhere{_suggest(end, reqs)}", link.location, subject=end)


@check
def spec_references(sg: SpecGraph) -> Iterator[Finding]:
    known_profiles = set(sg.profiles())
    for spec in sg.specs.values():
        for base in spec.based_on:
            if base not in sg.specs:
                yield Finding("ra2.dangling-ref", f"spec '{spec.id}' is based on '{base}', which is not "
                              f"defined{_suggest(base, sg.specs)}", spec.location, subject=base)
    sections = {s.id: {sec.id for sec in s.sections} for s in sg.specs.values()}
    for req in sg.tree.requirements:
        for profile in req.profiles:
            if profile not in known_profiles:
                yield Finding("ra2.unknown-profile", f"requirement '{req.id}' names profile '{profile}', "
                              f"which no spec declares{_suggest(profile, known_profiles)}",
                              req.field_locations.get("profiles", req.location), subject=req.id)
        declared = sections.get(req.spec)
        if declared and req.section and req.section not in declared:
            yield Finding("ra2.unknown-section", f"requirement '{req.id}' cites section '{req.section}', "
                          f"which spec '{req.spec}' does not declare{_suggest(req.section, declared)}",
                          req.field_locations.get("section", req.location), subject=req.id)
    policy = sg.tree.policy
    for code in policy.severities:
        where = policy.severity_locations.get(code, Location(sg.tree.root))
        if code not in CATALOGUE:
            yield Finding("ra2.bad-value", f"the policy overrides the severity of '{code}', which is no "
                          f"finding code{_suggest(code, CATALOGUE)}", where, subject=code)
        elif not CATALOGUE[code].waivable:
            yield Finding("ra2.bad-value", f"the policy overrides the severity of '{code}', which cannot be "
                          "changed: fix what it reports instead; the override is ignored", where, subject=code)
    waivable = [code for code, info in CATALOGUE.items() if info.waivable]
    for waiver in sg.tree.waivers:
        if not any(fnmatch.fnmatchcase(code, waiver.code) for code in CATALOGUE):
            yield Finding("ra2.bad-value", f"waiver names code '{waiver.code}', which is no finding "
                          f"code{_suggest(waiver.code, CATALOGUE)}", waiver.location, subject=waiver.code)
        elif not any(fnmatch.fnmatchcase(code, waiver.code) for code in waivable):
            yield Finding("ra2.bad-value", f"waiver names code '{waiver.code}', which cannot be waived: "
                          "fix what it reports instead", waiver.location, subject=waiver.code)
        if is_placeholder(waiver.reason):
            yield Finding("ra2.missing-field", f"waiver for {waiver.code} on '{waiver.target}' gives no reason: "
                          "say why the finding is accepted", waiver.location, subject=waiver.target)
    for rule in sg.tree.policy.rules:
        for spec_id in filter(None, (rule.spec, rule.from_spec)):
            if spec_id not in sg.specs:
                yield Finding("ra2.dangling-ref", f"coverage rule '{rule.id}' names spec '{spec_id}', which is "
                              f"not defined{_suggest(spec_id, sg.specs)}", rule.location, subject=spec_id)
        for profile in rule.profiles:
            if profile not in known_profiles:
                yield Finding("ra2.unknown-profile", f"coverage rule '{rule.id}' names profile '{profile}', "
                              "which no spec declares", rule.location, subject=profile)


@check
def component_references(sg: SpecGraph) -> Iterator[Finding]:
    kinds = {k.id for k in sg.tree.component_kinds}
    for comp in sg.tree.components:
        if comp.kind not in kinds:
            yield Finding("ra2.unknown-component-kind", f"component '{comp.id}' has kind '{comp.kind}', which "
                          f"is not declared{_suggest(comp.kind, kinds)}", comp.location, subject=comp.id)
        if is_placeholder(comp.name):
            yield Finding("ra2.placeholder", f"component '{comp.id}' has placeholder name {comp.name!r}",
                          comp.location, subject=comp.id)
    for stack in sg.tree.stacks:
        for cid in stack.components:
            if cid not in sg.components:
                yield Finding("ra2.dangling-ref", f"stack '{stack.id}' includes component '{cid}', which is "
                              f"not defined{_suggest(cid, sg.components)}", stack.location, subject=cid)


@check
def matrices(sg: SpecGraph) -> Iterator[Finding]:
    for matrix in sg.tree.matrices:
        vocab = sg.vocabularies.get(matrix.vocabulary)
        if vocab is None:
            yield Finding("ra2.dangling-ref", f"matrix '{matrix.id}' uses vocabulary '{matrix.vocabulary}', "
                          f"which is not defined{_suggest(matrix.vocabulary, sg.vocabularies)}",
                          matrix.location, subject=matrix.vocabulary)
        for column in matrix.columns:
            if column not in sg.components:
                yield Finding("ra2.dangling-ref", f"matrix '{matrix.id}' has column '{column}', which is "
                              f"no component{_suggest(column, sg.components)}", matrix.location, subject=column)
        columns = set(matrix.columns)
        levels: dict[str, model.Level] = {}
        for lv in vocab.levels if vocab is not None else ():
            levels.setdefault(lv.id, lv)  # as Vocabulary.level: the first of a duplicated ID
        for row in matrix.rows:
            yield from _row_findings(sg, matrix, row, columns, vocab, levels)


def _row_findings(sg: SpecGraph, matrix: model.Matrix, row: model.Row, columns: set[str],
                  vocab: model.Vocabulary | None, levels: dict[str, model.Level]) -> Iterator[Finding]:
    row_name = f"'{row.key}'" if row.key else f"at line {row.location.line}"
    where = f"matrix '{matrix.id}', row {row_name}"
    if bool(row.requirement) == bool(row.feature):
        yield Finding("ra2.matrix-unknown-row", f"{where}: a row names either a requirement or a feature "
                      "(exactly one of the two)", row.location, subject=row.key)
    elif row.requirement and row.requirement not in sg.requirements:
        yield Finding("ra2.matrix-unknown-row", f"{where}: requirement '{row.requirement}' is defined "
                      f"nowhere{_suggest(row.requirement, sg.requirements)}", row.location,
                      subject=row.requirement)
    seen = set()
    for cell in row.cells:
        seen.add(cell.column)
        level = levels.get(cell.level)
        level_fine = vocab is None or (level is not None and not level.placeholder)
        if cell.column in columns and level_fine and (not cell.via or cell.via in sg.components):
            continue  # the common case, hundreds of thousands of times: nothing to report
        subject = f"{matrix.id}/{row.key}/{cell.column}"
        if cell.column not in columns:
            yield Finding("ra2.matrix-unknown-column", f"{where}: cell for '{cell.column}', which is not a "
                          f"column of the matrix{_suggest(cell.column, columns)}", cell.location, subject=subject)
        if vocab is not None:
            if level is None:
                labels = [lv.id for lv in vocab.levels]
                yield Finding("ra2.unknown-level", f"{where}, column '{cell.column}': level '{cell.level}' is "
                              f"not in vocabulary '{vocab.id}'{_suggest(cell.level, labels)}; "
                              f"levels: {', '.join(labels)}", cell.location, subject=subject)
            elif level.placeholder:
                yield Finding("ra2.placeholder", f"{where}, column '{cell.column}': level '{level.id}' "
                              f"({level.label}) is still to be stated", cell.location, subject=subject)
        if cell.via and cell.via not in sg.components:
            yield Finding("ra2.dangling-ref", f"{where}, column '{cell.column}': relies on '{cell.via}', "
                          f"which is no component{_suggest(cell.via, sg.components)}", cell.location,
                          subject=cell.via)
    for column in () if matrix.sparse else matrix.columns:
        if column not in seen:
            yield Finding("ra2.placeholder", f"{where}: no value for column '{column}' (an unknown cell)",
                          row.location, subject=f"{matrix.id}/{row.key}/{column}")


@check
def unused_components(sg: SpecGraph) -> Iterator[Finding]:
    used: set[str] = set()
    for matrix in sg.tree.matrices:
        used.update(matrix.columns)
        used.update(c.via for r in matrix.rows for c in r.cells if c.via)
    for stack in sg.tree.stacks:
        used.update(stack.components)
    for comp in sg.tree.components:
        if comp.id not in used:
            yield Finding("ra2.unused-component", f"component '{comp.id}' ({comp.name}) is in no matrix or "
                          "stack", comp.location, subject=comp.id)


@check
def responses(sg: SpecGraph) -> Iterator[Finding]:
    for response in sg.tree.responses:
        for answer in response.answers:
            if answer.id not in sg.requirements:
                yield Finding("ra2.response-unknown-id", f"vendor '{response.vendor}' answers '{answer.id}', "
                              f"which is defined nowhere{_suggest(answer.id, sg.requirements)}",
                              answer.location, subject=answer.id)
            if answer.compliance not in COMPLIANCE:
                yield Finding("ra2.response-bad-answer", f"vendor '{response.vendor}' answers "
                              f"'{answer.compliance}' for '{answer.id}'{_suggest(answer.compliance, COMPLIANCE)}; "
                              f"use one of: {', '.join(COMPLIANCE)}", answer.location, subject=answer.id)


# ---- content -------------------------------------------------------------------------------------

@check
def placeholders(sg: SpecGraph) -> Iterator[Finding]:
    for req in sg.tree.requirements:
        for name in ("title", "description"):
            value = getattr(req, name)
            if is_placeholder(value) and (name == "title" or name in req.field_locations):
                yield Finding("ra2.placeholder", f"requirement '{req.id}' has placeholder {name} {value!r}",
                              req.field_locations.get(name, req.location), subject=req.id)


@check
def cycles(sg: SpecGraph) -> Iterator[Finding]:
    for members in sg.link_cycles():
        first = sg.requirements[members[0]]
        yield Finding("ra2.cycle", f"requirements refine or depend on each other in a cycle: "
                      f"{' -> '.join(members)}", first.location, subject=members[0])


# ---- traceability and coverage -------------------------------------------------------------------

@check
def one_way_links(sg: SpecGraph) -> Iterator[Finding]:
    both = set(sg.tree.policy.both_directions)
    if not both:
        return
    stated: dict[tuple[str, str, str], set[str]] = {}
    where: dict[tuple[str, str, str, str], Location] = {}
    for link in sg.tree.all_links():
        if link.type in both:
            key = (link.type, link.source_id, link.target_id)
            stated.setdefault(key, set()).add(link.stated_at)
            where.setdefault((*key, link.stated_at), link.location)
    for (link_type, origin, target), ends in sorted(stated.items()):
        if len(ends) == 2 or origin not in sg.requirements or target not in sg.requirements:
            continue
        end = next(iter(ends))
        if end == "from":
            msg = (f"'{origin}' {_VERBS[link_type]} '{target}', but '{target}' does not state it back "
                   f"(add '{origin}' to its traced_by)")
        else:
            msg = (f"'{target}' lists '{origin}' in traced_by, but '{origin}' does not state it "
                   f"(add '{target}' to its {link_type})")
        yield Finding("ra2.one-way-link", msg, where[(link_type, origin, target, end)],
                      subject=f"{origin}->{target}")


@check
def coverage(sg: SpecGraph) -> Iterator[Finding]:
    reported: set[str] = set()
    for rule, profile, req, covered in coverage_scopes(sg):
        if not covered:
            reported.add(req.id)
            severity = Severity.parse(rule.severity) if rule.severity else None
            yield Finding("ra2.uncovered", f"{_describe(req, profile)} is not covered: "
                          f"{_demand(rule)} [rule {rule.id}]", req.location, subject=req.id,
                          severity=severity, scope=_scope(rule=rule.id, profile=profile))
    for rule in sg.tree.policy.rules:
        if rule.spec not in sg.specs or not rule.stacks or rule.covered_by == "tests":
            continue
        for profile in rule.profiles or (None,):
            for stack in sg.tree.stacks:
                for req in sg.uncovered(replace(rule, covered_by="support"), profile, stack):
                    yield Finding("ra2.stack-gap", f"stack '{stack.id}' does not cover "
                                  f"{_describe(req, profile)}: no component of the stack supports it "
                                  f"[rule {rule.id}]", stack.location, subject=req.id,
                                  scope=_scope(rule=rule.id, profile=profile, stack=stack.id))
    yield from _traceability(sg, reported)


def _traceability(sg: SpecGraph, reported: set[str]) -> Iterator[Finding]:
    bases = {base for spec in sg.specs.values() for base in spec.based_on}
    for req in sg.requirements.values():
        spec = sg.specs.get(req.spec)
        if spec is None:
            continue
        if req.spec in bases and req.id not in reported and not sg.traced_by(req.id):
            yield Finding("ra2.rm-untraced", f"no requirement of a spec based on '{req.spec}' traces to "
                          f"'{req.id}'", req.location, subject=req.id)
        if spec.based_on and not sg.traces_of(req.id) and not _traces_stated(req):
            yield Finding("ra2.ra-no-trace", f"'{req.id}' of spec '{req.spec}' traces to no requirement of "
                          f"{', '.join(spec.based_on)}", req.location, subject=req.id)


def _traces_stated(req: model.Requirement) -> bool:
    return bool(req.traces)  # dangling traces are reported as such, not as "traces to nothing"


def _describe(req: model.Requirement, profile: str | None) -> str:
    where = f", profile {profile}" if profile else ""
    return f"{req.spec} requirement '{req.id}' ({req.level_in(profile)}{where})"


def _demand(rule: model.Rule) -> str:
    if rule.covered_by == "traces":
        return f"no requirement{' of ' + rule.from_spec if rule.from_spec else ''} traces to it"
    if rule.covered_by == "support":
        return "no component supports it in any matrix"
    return "nothing traces to it and no component supports it"


def _scope(**items: str | None) -> dict[str, str]:
    return {k: v for k, v in items.items() if v}


# ---- running, severities, waivers ----------------------------------------------------------------

def waiver_matches(waiver: model.Waiver, finding: Finding) -> bool:
    if not fnmatch.fnmatchcase(finding.code, waiver.code):
        return False
    if not fnmatch.fnmatchcase(finding.subject, waiver.target):
        return False
    if waiver.file and not (fnmatch.fnmatch(finding.location.file, waiver.file)
                            or fnmatch.fnmatch(finding.location.file, f"*/{waiver.file}")):
        return False
    return all(finding.scope.get(k) == v for k, v in waiver.scope.items())


def apply_waivers(findings: list[Finding], waivers: Iterable[model.Waiver],
                  today: dt.date | None = None, config_files: Iterable[str] = ()) -> list[Finding]:
    """Mark the findings a waiver accepts. Never waived: codes the catalogue marks unwaivable, and
    findings in the files that configure the checks (waivers, `config_files`): a waiver must not hide
    a mistake in the waivers or the policy themselves."""
    today = today or dt.date.today()
    waivers = list(waivers)
    active, out, used = [], [], set()
    for w in waivers:
        if w.expires and w.expires < today:
            out.append(Finding("ra2.waiver-expired", f"waiver for {w.code} on '{w.target}' expired on "
                               f"{w.expires.isoformat()}: {w.reason}", w.location, subject=w.target))
        else:
            active.append(w)
    # Most waivers name one ID: index those, so thousands of waivers cost a lookup, not a scan each.
    exact: dict[str, list[tuple[int, model.Waiver]]] = {}
    globs: list[tuple[int, model.Waiver]] = []
    for i, w in enumerate(active):
        if any(ch in w.target for ch in "*?["):
            globs.append((i, w))
        else:
            exact.setdefault(w.target, []).append((i, w))
    unwaivable_files = {w.location.file for w in waivers} | set(config_files)
    for finding in findings:
        if not CATALOGUE[finding.code].waivable or finding.location.file in unwaivable_files:
            out.append(finding)
            continue
        candidates = itertools.chain(exact.get(finding.subject, ()), globs)
        first = min(((i, w) for i, w in candidates if waiver_matches(w, finding)), default=None,
                    key=lambda pair: pair[0])  # the first waiver in file order wins
        waiver = first[1] if first else None
        if waiver is None:
            out.append(finding)
        else:
            used.add(id(waiver))
            out.append(replace(finding, waived_by=waiver.reason))
    for w in active:
        if id(w) not in used:
            out.append(Finding("ra2.waiver-unused", f"waiver for {w.code} on '{w.target}' matches no "
                               "finding; remove it or correct it", w.location, subject=w.target))
    return out


def _override_severities(findings: list[Finding], overrides: dict[str, str]) -> list[Finding]:
    if not overrides:
        return findings
    return [replace(f, severity=Severity.parse(overrides[f.code]))
            if f.code in overrides and f.severity is None and CATALOGUE[f.code].waivable else f for f in findings]


def run_checks(sg: SpecGraph, load_findings: Iterable[Finding] = (), today: dt.date | None = None,
               checks: Iterable[Check] = CHECKS) -> CheckResult:
    findings = list(load_findings)
    for fn in checks:
        findings.extend(fn(sg))
    unknown = [f for f in findings if f.code not in CATALOGUE]
    assert not unknown, f"finding codes missing from the catalogue: {unknown}"
    policy = sg.tree.policy
    policy_files = {r.location.file for r in policy.rules} | {loc.file for loc in policy.severity_locations.values()}
    findings = apply_waivers(findings, sg.tree.waivers, today, policy_files)
    findings = _override_severities(findings, sg.tree.policy.severities)
    findings.sort(key=Finding.sort_key)
    return CheckResult(findings, _counts(sg.tree))


import ra2docs.verification_checks  # noqa: E402, F401  (registers the verification checks)


def _counts(tree: model.Tree) -> Counter[str]:
    return Counter({
        "files": len(tree.files), "specs": len(tree.specs), "requirements": len(tree.requirements),
        "components": len(tree.components), "matrices": len(tree.matrices),
        "cells": sum(len(r.cells) for m in tree.matrices for r in m.rows),
        "links": len(tree.all_links()), "stacks": len(tree.stacks), "waivers": len(tree.waivers),
        "responses": len(tree.responses), "testcases": len(tree.testcases), "results": len(tree.results),
    })
