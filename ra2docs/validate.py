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
from ra2docs.errors import ABSENCE_CODES, CATALOGUE, UNREAD_CODES, Finding, Location, Severity
from ra2docs.graph import SpecGraph
from ra2docs.refs import Resolved, split, walk_sections
from ra2docs.schema import COMPLIANCE
from ra2docs.status import coverage_scopes
from ra2docs.text_safety import invisible, look_alike_note
from ra2docs.verification import is_glob

_VERBS = {"traces": "traces to", "refines": "refines", "depends": "depends on"}
PLACEHOLDERS = frozenset({"", "tbd", "tbc", "todo", "tba", "n/a?", "?", "...", "xxx", "fixme"})


def is_placeholder(text: str) -> bool:
    return text.strip().strip(".:!").lower() in PLACEHOLDERS


def best_close_match(word: str, choices: Iterable[str], cutoff: float) -> list[str]:
    """`difflib.get_close_matches(word, choices, n=1, cutoff=cutoff)`, the same answer for less work.

    Only the best match is wanted, so once one is found a candidate whose cheap upper bounds of the
    similarity (`real_quick_ratio`, `quick_ratio`) fall below its score cannot win: its full `ratio`, the
    costly part, is not computed. Ties go to the greater string, as there."""
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(word)
    best: tuple[float, str] | None = None
    for choice in choices:
        matcher.set_seq1(choice)
        bar = cutoff if best is None else max(cutoff, best[0])
        if matcher.real_quick_ratio() < bar or matcher.quick_ratio() < bar:
            continue
        score = matcher.ratio()
        if score >= cutoff and (best is None or (score, choice) > best):
            best = (score, choice)
    return [] if best is None else [best[1]]


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = best_close_match(word, choices, 0.75)
    return _did_you_mean(word, close[0] if close else "")


@dataclass
class CheckResult:
    findings: list[Finding]  # open and waived, sorted by location
    counts: Counter[str] = field(default_factory=Counter)  # what was checked
    # open findings not reported because a file of the tree could not be read: they say something is missing,
    # and the unread file may hold it (see `hold_back`)
    held_back: list[Finding] = field(default_factory=list)

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
    yield from _duplicate_requirements(tree.requirements)
    groups: list[tuple[str, Iterable[tuple[str, Location]]]] = [
        ("requirement or component", [(r.key, r.location) for r in sg.requirements.values()]
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


_COMPARED = ("level", "title", "profiles", "description", "section", "category")


def _duplicate_requirements(reqs: Iterable[model.Requirement]) -> Iterator[Finding]:
    """The same ID twice in one spec (in two specs it is legal: specs are namespaces)."""
    first: dict[tuple[str, str], model.Requirement] = {}
    for req in reqs:
        earlier = first.setdefault((req.spec, req.id), req)
        if earlier is req:
            continue
        differs = [f"{name} {_shown(getattr(earlier, name))} vs {_shown(getattr(req, name))}"
                   for name in _COMPARED if getattr(earlier, name) != getattr(req, name)]
        what = "; they differ in " + "; ".join(differs) if differs else "; the two definitions are identical"
        yield Finding("ra2.duplicate-id", f"requirement '{req.id}' of spec {req.spec} is defined again (first "
                      f"defined at {earlier.location}){what}", req.location, subject=req.id,
                      scope={"spec": req.spec})


def _shown(value: object) -> str:
    if isinstance(value, dict):
        value = ", ".join(f"{k}: {v}" for k, v in value.items()) or "none"
    text = str(value) or "none"
    return repr(text if len(text) <= 40 else text[:37] + "...")


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
                          f"not defined{_suggest(req.spec, sg.specs)}", req.location, subject=req.id, scope=_of(req))
            continue
        pattern = patterns[req.spec]
        if pattern is not None and not pattern.fullmatch(req.id) and invisible(req.id) is None:  # else: the loader said
            yield Finding("ra2.id-pattern", f"requirement ID {req.id!r} does not match the ID pattern "
                          f"{pattern.pattern} of spec '{req.spec}'{look_alike_note(req.id)}", req.location,
                          subject=req.id, scope=_of(req))


# ---- references ----------------------------------------------------------------------------------

@check
def dangling_links(sg: SpecGraph) -> Iterator[Finding]:
    for link, end, res in sg.unresolved:
        verb = _VERBS.get(link.type, link.type)
        said = f"'{link.source_id}' {verb} '{link.target_id}'"
        # scoped by the spec it is written in (none in a links file), so waivers keep matching
        yield _unresolved(sg, said, end, res, _context_of(sg, link, end), _end_location(link, end), link.context)


def _end_location(link: model.Link, end: str) -> Location:
    """Where the end `end` of a link is written: its value in a links file, else the link's place."""
    if not link.end_locations:
        return link.location
    return link.end_locations[1] if end == link.target_id else link.end_locations[0]


def _context_of(sg: SpecGraph, link: model.Link, end: str) -> str:
    """The spec an end of a link was looked up from, as `refs.resolve_links` does: a links file states no
    spec, so its `to` is seen from the spec of `from`."""
    if link.context or end != link.target_id or end == link.source_id:
        return link.context
    return sg.spec_of(sg.namespaces.resolve(link.source_id).key)


def _searched(sg: SpecGraph, end: str, context: str) -> tuple[str, list[str]]:
    """(the ID, the specs a reference is looked up in): the one it is qualified with, else those `context`
    sees (every spec when it is written outside any spec)."""
    spec, rid = split(end, sg.specs)
    if spec:
        return rid, [spec]
    if context:
        return rid, sorted(s for s in sg.namespaces.sees(context) if s in sg.specs)
    return rid, sorted(sg.specs)


def _closest(sg: SpecGraph, rid: str, specs: list[str], cutoff: float = 0.75) -> model.Requirement | None:
    """The requirement of `specs` whose ID is closest to `rid` (None when none is close)."""
    # the ID lists, built once per set of specs (a tree with thousands of typos asks thousands of times)
    cache: dict[tuple[str, ...], dict[str, model.Requirement]] = vars(sg).setdefault("_ids_of_specs", {})
    ids = cache.get(tuple(specs))
    if ids is None:
        ids = cache[tuple(specs)] = {}
        for spec in specs:
            for req in sg.spec_requirements(spec):
                ids.setdefault(req.id, req)
    close = best_close_match(rid, ids, cutoff)
    return ids[close[0]] if close else None


@dataclass(frozen=True, slots=True)
class _Meant:
    """What an unresolved reference most likely means: the spec whose registry it was looked up in (or ""),
    the requirement meant (or None) and how to write it."""

    registry: str = ""
    requirement: model.Requirement | None = None
    written: str = ""


def _meant(sg: SpecGraph, end: str, res: Resolved, context: str) -> _Meant:
    """The one guess behind a finding's "did you mean" and behind folding the gap a typo leaves into it."""
    if res.problem == "unseen":
        return _Meant(requirement=res.candidates[0] if len(res.candidates) == 1 else None)
    if res.problem != "unknown":
        return _Meant()  # ambiguous: either may be meant; a section: no requirement
    rid, specs = _searched(sg, end, context)
    registered = _registry_meant(sg, rid, specs)
    if registered:  # suggested from the registry, the list of every ID the spec defines
        listed = [e.id for e in sg.tree.registry if e.spec == registered]
        close = best_close_match(rid, listed, 0.75)
        req = sg.namespaces.by_id.get(close[0], {}).get(registered) if close else None
        return _Meant(registered, req, close[0] if close else "")
    req = _closest(sg, rid, specs)
    if req is None:
        return _Meant()
    return _Meant(requirement=req, written=f"{req.spec}:{req.id}" if rid != end else req.key)


def _did_you_mean(word: str, meant: str) -> str:
    return (f" (did you mean '{meant}'?)" if meant else "") + look_alike_note(word)


def _unresolved(sg: SpecGraph, said: str, end: str, res: Resolved, context: str, where: Location,
                written_in: str | None = None) -> Finding:
    """The finding for a reference `end` (in `said`), looked up from spec `context`, that resolves to nothing;
    its scope is the spec it is written in (`written_in`, default `context`)."""
    scope = _scope(spec=context if written_in is None else written_in)
    seen = f"spec {context} or the specs it sees ({', '.join(sorted(sg.namespaces.sees(context) - {context}))})" \
        if context else "any spec"
    if res.problem == "ambiguous":
        defs = "; ".join(f"'{c.spec}:{c.id}' at {c.location}" for c in res.candidates)
        return Finding("ra2.ambiguous-ref", f"{said}: '{end}' could mean {len(res.candidates)} requirements: "
                       f"{defs}; write the one meant qualified", where, subject=end,
                       scope=scope)
    if res.problem == "unseen":
        defs = ", ".join(f"'{c.spec}:{c.id}'" for c in res.candidates)
        return Finding("ra2.dangling-ref", f"{said}, but '{end}' is not defined in {seen}; it is defined as "
                       f"{defs}: write that qualified, or add its spec to based_on", where, subject=end,
                       scope=scope)
    if res.section:
        spec, number = split(end, sg.specs)
        spec = spec or context
        numbers = sg.namespaces.sections.get(spec, {})
        return Finding("ra2.unknown-section", f"{said}, but spec '{spec}' declares no section '{number}'"
                       f"{_suggest(number, numbers)}", where, subject=end, scope=scope)
    meant = _meant(sg, end, res, context)
    rid, specs = _searched(sg, end, context)
    if meant.registry:  # the spec's registry is the list to look it up in: the citation is the place to fix
        looked = "" if rid != end or specs == [meant.registry] else \
            f", and no other spec it was looked up in ({', '.join(s for s in specs if s != meant.registry)}) defines it"
        return Finding("ra2.not-in-registry", f"{said}, but the registry of spec {meant.registry}, which lists every "
                       f"ID the spec defines, does not hold '{rid}'{looked}{_did_you_mean(rid, meant.written)}",
                       where, subject=end, scope=scope)
    return Finding("ra2.dangling-ref", f"{said}, but '{end}' is defined nowhere{_did_you_mean(end, meant.written)}",
                   where, subject=end, scope=scope)


def _registry_meant(sg: SpecGraph, rid: str, specs: list[str]) -> str:
    """Of the specs a reference was looked up in, the one with a registry it is meant for, or "".

    That is the only spec searched; else the one whose ID pattern the ID fits; else (a typo may break the
    pattern too) the spec of the closest ID."""
    with_registry = {e.spec for e in sg.tree.registry}
    if not with_registry or not with_registry & set(specs):
        return ""
    if len(specs) == 1:
        return specs[0]
    fitting = [s for s in specs if _fits(sg.specs[s].id_pattern, rid)]
    if len(fitting) == 1:
        spec = fitting[0]
    else:
        close = _closest(sg, rid, fitting or specs, cutoff=0.6)
        spec = close.spec if close is not None else ""
    return spec if spec in with_registry else ""


def _fits(pattern: str, rid: str) -> bool:
    try:
        return re.fullmatch(pattern, rid, re.ASCII) is not None
    except re.error:  # reported by id_patterns
        return True


@check
def spec_references(sg: SpecGraph) -> Iterator[Finding]:
    known_profiles = set(sg.profiles())
    for spec in sg.specs.values():
        for base in spec.based_on:
            if base not in sg.specs:
                yield Finding("ra2.dangling-ref", f"spec '{spec.id}' is based on '{base}', which is not "
                              f"defined{_suggest(base, sg.specs)}", spec.location, subject=base)
    sections = {s.id: {sec.id for sec in walk_sections(s.sections)} for s in sg.specs.values()}
    for req in sg.tree.requirements:
        for profile in req.profiles:
            if profile not in known_profiles:
                yield Finding("ra2.unknown-profile", f"requirement '{req.id}' names profile '{profile}', "
                              f"which no spec declares{_suggest(profile, known_profiles)}",
                              req.field_locations.get("profiles", req.location), subject=req.id, scope=_of(req))
        declared = sections.get(req.spec)
        if declared and req.section and req.section not in declared:
            yield Finding("ra2.unknown-section", f"requirement '{req.id}' cites section '{req.section}', "
                          f"which spec '{req.spec}' does not declare{_suggest(req.section, declared)}",
                          req.field_locations.get("section", req.location), subject=req.id, scope=_of(req))
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
        fine = None if vocab is None else {lv_id for lv_id, lv in levels.items() if not lv.placeholder}
        unstated: list[tuple[model.Row, list[str]]] = []  # a dense matrix's rows lacking cells, and which
        for row in matrix.rows:
            if not _row_is_clean(sg, matrix, row, columns, fine):
                yield from _row_findings(sg, matrix, row, columns, vocab, levels)
            if not matrix.sparse and not columns.issubset([cell.column for cell in row.cells]):
                stated = {cell.column for cell in row.cells}
                unstated.append((row, [column for column in matrix.columns if column not in stated]))
        if unstated:
            yield _unstated_cells(matrix, unstated)


UNSTATED_SHOWN = 5  # cells a dense matrix's unstated-cells finding names; --format json lists them all


def _row_name(row: model.Row) -> str:
    return f"'{row.key}'" if row.key else f"at line {row.location.line}"


def _unstated_cells(matrix: model.Matrix, unstated: list[tuple[model.Row, list[str]]]) -> Finding:
    """One finding for all the cells a dense matrix leaves unstated (each an unknown cell), at the first row
    lacking one: a matrix of thousands of rows gave a finding, and a build warning, per cell."""
    items = tuple(f"{matrix.id}/{row.key}/{column}" for row, columns in unstated for column in columns)
    first_row, first_columns = unstated[0]
    if len(items) == 1:
        return Finding("ra2.placeholder", f"matrix '{matrix.id}', row {_row_name(first_row)}: no value for column "
                       f"'{first_columns[0]}' (an unknown cell)", first_row.location, subject=matrix.id, items=items)
    shown, left = [], UNSTATED_SHOWN
    for row, columns in unstated:
        if left <= 0:
            break
        names = ", ".join(f"'{c}'" for c in columns[:left])
        shown.append(f"row {_row_name(row)} {'column' if min(len(columns), left) == 1 else 'columns'} {names}")
        left -= len(columns[:left])
    more = f" and {len(items) - UNSTATED_SHOWN:,} more" if len(items) > UNSTATED_SHOWN else ""
    rows = f"{len(unstated):,} of its {len(matrix.rows):,} rows"
    return Finding("ra2.placeholder", f"matrix '{matrix.id}': no value for {len(items):,} cells (unknown cells) in "
                   f"{rows}: {'; '.join(shown)}{more}", first_row.location, subject=matrix.id, items=items,
                   hint="State each row's missing cells (the first is at this line; `check --format json` lists "
                   "them all), or add `sparse: true` to the matrix if a missing cell means the component states "
                   "nothing for the row.")


def _row_is_clean(sg: SpecGraph, matrix: model.Matrix, row: model.Row, columns: set[str],
                  fine_levels: set[str] | None) -> bool:
    """Whether `_row_findings` has nothing to say about the row: the common case, tested without building
    its messages (a 20,000-requirement tree has over 100,000 rows)."""
    if bool(row.requirement) == bool(row.feature) or (row.requirement and not sg.row_key(row)):
        return False
    comps = sg.components
    for cell in row.cells:
        if cell.column not in columns or (fine_levels is not None and cell.level not in fine_levels) or \
                (cell.via and cell.via not in comps):
            return False
    return True  # unstated cells of a dense matrix: one finding per matrix (`_unstated_cells`)


def _row_findings(sg: SpecGraph, matrix: model.Matrix, row: model.Row, columns: set[str],
                  vocab: model.Vocabulary | None, levels: dict[str, model.Level]) -> Iterator[Finding]:
    row_name = f"'{row.key}'" if row.key else f"at line {row.location.line}"
    where = f"matrix '{matrix.id}', row {row_name}"
    if bool(row.requirement) == bool(row.feature):
        yield Finding("ra2.matrix-unknown-row", f"{where}: a row names either a requirement or a feature "
                      "(exactly one of the two)", row.location, subject=row.key)
    elif row.requirement and not sg.row_key(row):
        res = sg.namespaces.resolve(row.requirement, matrix.spec)
        if res.problem == "unknown":
            meant = _meant(sg, row.requirement, res, matrix.spec)
            yield Finding("ra2.matrix-unknown-row", f"{where}: requirement '{row.requirement}' is defined "
                          f"nowhere{_did_you_mean(row.requirement, meant.written)}", row.requirement_location,
                          subject=row.requirement)
        else:
            yield _unresolved(sg, where, row.requirement, res, matrix.spec, row.requirement_location)
    for cell in row.cells:
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
            if sg.requirement(answer.id) is None:
                yield Finding("ra2.response-unknown-id", f"vendor '{response.vendor}' answers '{answer.id}', "
                              f"which is defined nowhere{_suggest(answer.id, sg.requirements)}",
                              answer.location, subject=answer.id)
            if answer.compliance not in COMPLIANCE:
                yield Finding("ra2.response-bad-answer", f"vendor '{response.vendor}' answers "
                              f"'{answer.compliance}' for '{answer.id}'{_suggest(answer.compliance, COMPLIANCE)}; "
                              f"use one of: {', '.join(COMPLIANCE)}", answer.location, subject=answer.id)


@check
def sections(sg: SpecGraph) -> Iterator[Finding]:
    """A links entry citing a section by title as well: the title must be the section's. When both ends are
    sections, the title is the cited one's (the `to` end): the `from` section is where the citation stands."""
    for link in sg.tree.links:
        if not link.title:
            continue
        ends = [sg.namespaces.resolve(end, link.context) for end in (link.source_id, link.target_id)]
        if all(res.section for res in ends):
            ends = ends[1:]
        for res in ends:
            if not res.section or not res.key:
                continue
            _, spec, number = res.key.split(":", 2)
            section = sg.namespaces.sections[spec][number]
            if _words(section.title) != _words(link.title):
                yield Finding("ra2.section-title", f"link '{link.source_id}' -> '{link.target_id}' cites section "
                              f"{spec} {number} as {link.title!r}, but that section is titled {section.title!r}",
                              link.location, subject=number, scope=_scope(spec=spec))


def _words(text: str) -> str:
    return " ".join(text.lower().split())


@check
def registry(sg: SpecGraph) -> Iterator[Finding]:
    """A spec's registry lists every ID it defines: a requirement outside it, or at another level, is a finding."""
    entries: dict[tuple[str, str], model.RegistryEntry] = {}
    for item in sg.tree.registry:
        if item.spec not in sg.specs:
            yield Finding("ra2.dangling-ref", f"registry entry '{item.id}' belongs to spec '{item.spec}', which is "
                          f"not defined{_suggest(item.spec, sg.specs)}", item.location, subject=item.id)
        entries.setdefault((item.spec, item.id), item)
    registered = {spec for spec, _ in entries}
    for req in sg.tree.requirements:
        if req.registered or req.spec not in registered:
            continue
        entry = entries.get((req.spec, req.id))
        if entry is None:
            yield Finding("ra2.not-in-registry", f"requirement '{req.id}' is not in the registry of spec {req.spec}, "
                          "which lists every ID the spec defines", req.location, subject=req.id, scope=_of(req))
            continue
        differs = [f"level {req.level or 'not stated'!r} here, {entry.level!r} in the registry"
                   for _ in (0,) if entry.level and req.level != entry.level]
        differs += [f"section {req.section!r} here, {entry.section!r} in the registry"
                    for _ in (0,) if entry.section and req.section and req.section != entry.section]
        if differs:  # at the field to correct: the level (or the section when only it differs)
            field = "level" if entry.level and req.level != entry.level else "section"
            yield Finding("ra2.registry-mismatch", f"requirement '{req.id}' restates {req.spec}'s registered "
                          f"'{entry.id}' ({entry.location}) differently: {'; '.join(differs)}",
                          req.field_locations.get(field, req.location), subject=req.id, scope=_of(req))
    same: dict[str, set[str]] = {}
    for link in sg.links:
        if link.type == "same-as":
            same.setdefault(link.source_id, set()).add(link.target_id)
            same.setdefault(link.target_id, set()).add(link.source_id)
    reported: set[tuple[str, str]] = set()
    for link in sg.links:  # a same-as link restating a registered requirement at another level
        if link.type != "same-as" or (link.source_id, link.target_id) in reported:
            continue  # (a definition stated twice is one requirement: the duplicate-id finding says so)
        reported.add((link.source_id, link.target_id))
        mine, theirs = sg.requirements.get(link.source_id), sg.requirements.get(link.target_id)
        entry = _registered_as(sg, theirs, entries, same) if theirs is not None else None
        theirs_level = entry.overall_level if entry is not None else ""
        if mine is not None and entry is not None and theirs_level and mine.level and mine.level != theirs_level:
            yield Finding("ra2.registry-mismatch", f"'{mine.key}' is the same as {entry.spec}'s '{entry.id}' but "
                          f"states level {mine.level!r}, where the registry has {theirs_level!r}", link.location,
                          subject=mine.id, scope=_of(mine))


def _registered_as(sg: SpecGraph, req: model.Requirement, entries: dict[tuple[str, str], model.RegistryEntry],
                   same: dict[str, set[str]]) -> model.RegistryEntry | None:
    """The registry entry of `req`, or of the nearest requirement of its spec it is the same as (an old ID
    restated under the RM's current one)."""
    seen, todo = {req.key}, [req.key]
    while todo:
        key = todo.pop(0)
        other = sg.requirements.get(key)
        if other is not None and other.spec == req.spec and (other.spec, other.id) in entries:
            return entries[(other.spec, other.id)]
        for nxt in sorted(same.get(key, ())):
            if nxt not in seen and sg.spec_of(nxt) == req.spec:
                seen.add(nxt)
                todo.append(nxt)
    return None


@check
def same_text(sg: SpecGraph) -> Iterator[Finding]:
    """Two requirements with the same text (title and description): a copy that should be one
    requirement, or a slip. The same ID in two specs is no copy when the texts differ."""
    first: dict[tuple[str, str], model.Requirement] = {}
    same = {frozenset((lk.source_id, lk.target_id)) for lk in sg.links if lk.type in ("same-as", "renamed-from")}
    for req in sg.requirements.values():
        text = (_words(req.title), _words(req.description))
        if not text[0] or req.registered:
            continue
        earlier = first.setdefault(text, req)
        if earlier is not req and frozenset((earlier.key, req.key)) not in same:  # a rename keeps its text
            yield Finding("ra2.same-text", f"requirement '{req.key}' has the same text as '{earlier.key}' "
                          f"({earlier.location})", req.location, subject=req.id, scope=_of(req))


@check
def duplicate_captions(sg: SpecGraph) -> Iterator[Finding]:
    first: dict[str, model.Matrix] = {}
    for matrix in sg.tree.matrices:
        earlier = first.setdefault(_words(matrix.title), matrix)
        if earlier is not matrix:
            yield Finding("ra2.duplicate-caption", f"matrix '{matrix.id}' has the caption {matrix.title!r} of matrix "
                          f"'{earlier.id}' ({earlier.location}); readers cannot tell the tables apart",
                          matrix.location, subject=matrix.id)


@check
def foreign_spec_text(sg: SpecGraph) -> Iterator[Finding]:
    """A requirement whose text names another spec it does not build on (e.g. an RA2 item citing RA1)."""
    words = {spec_id: re.compile(rf"(?<![A-Za-z0-9]){re.escape(spec_id)}(?![A-Za-z0-9])", re.I)
             for spec_id in sg.specs}
    for req in sg.requirements.values():
        seen = sg.namespaces.sees(req.spec)
        text = " ".join((req.title, req.description, req.notes))
        for spec_id, pattern in words.items():
            if spec_id not in seen and pattern.search(text):
                yield Finding("ra2.foreign-ra", f"requirement '{req.key}' of {req.spec} mentions {spec_id}, a spec "
                              f"{req.spec} does not build on: check that it belongs to {req.spec}",
                              req.location, subject=req.id, scope=_of(req))


# ---- content -------------------------------------------------------------------------------------

@check
def placeholders(sg: SpecGraph) -> Iterator[Finding]:
    for req in sg.tree.requirements:
        if req.registered:  # a registry entry states an ID, not its text
            continue
        for name in ("title", "description"):
            value = getattr(req, name)
            if is_placeholder(value) and (name == "title" or name in req.field_locations):
                yield Finding("ra2.placeholder", f"requirement '{req.id}' has placeholder {name} {value!r}",
                              req.field_locations.get(name, req.location), subject=req.id, scope=_of(req))


@check
def cycles(sg: SpecGraph) -> Iterator[Finding]:
    for members in sg.link_cycles():
        first = sg.requirements[members[0]]
        yield Finding("ra2.cycle", f"requirements refine or depend on each other in a cycle: "
                      f"{' -> '.join(members)}", first.location, subject=members[0])


# ---- traceability and coverage -------------------------------------------------------------------

@check
def link_types(sg: SpecGraph) -> Iterator[Finding]:
    """Links of undeclared types, links joining specs their type does not join, and v1 `both_directions`."""
    types = sg.tree.link_types
    names = set(types) | set(sg.tree.inverses)
    for req in sg.tree.requirements:
        for name in dict.fromkeys(name for name, _ in req.links):
            if name not in names:
                yield Finding("ra2.bad-value", f"requirement '{req.id}' states links of type '{name}', which is no "
                              f"declared link type or inverse{_suggest(name, names)}",
                              req.field_locations.get("links", req.location), subject=req.id, scope=_of(req))
    for link in sg.tree.links:
        if link.type not in types:
            yield Finding("ra2.bad-value", f"link '{link.source_id}' -> '{link.target_id}' has type '{link.type}', "
                          f"which the policy does not declare{_suggest(link.type, types)}; declared: "
                          f"{', '.join(types)}", link.location, subject=link.source_id)
    for link in sg.links:
        declared = types.get(link.type)
        if declared is None or not declared.pairs:
            continue
        ends = (sg.spec_of(link.source_id), sg.spec_of(link.target_id))
        if not any((p.source, p.target) == ends for p in declared.pairs):
            allowed = ", ".join(f"{p.source} -> {p.target}" for p in declared.pairs)
            yield Finding("ra2.link-not-allowed", f"'{link.source_id}' {_VERBS.get(link.type, link.type)} "
                          f"'{link.target_id}', from {ends[0]} to {ends[1]}: link type '{link.type}' does not "
                          f"join those specs (declared pairs: {allowed})", link.location, subject=link.source_id,
                          scope=_scope(spec=ends[0]))
    policy = sg.tree.policy
    if policy.both_directions:
        pairs = sorted({(sg.spec_of(lk.source_id), sg.spec_of(lk.target_id)) for lk in sg.links
                        if lk.type in policy.both_directions})
        listed = ", ".join(f"{{from: {a}, to: {b}, both_ends: true}}" for a, b in pairs) or "..."
        yield Finding("ra2.v1-construct", "'both_directions' states both ends for every spec pair (v1); declare it "
                      "per link type and spec pair instead: link_types: [" + ", ".join(
                          f"{{id: {t}, inverse: {sg.tree.link_types[t].inverse if t in sg.tree.link_types else ''}, "
                          f"pairs: [{listed}]}}" for t in policy.both_directions) + "]",
                      policy.both_directions_location, subject="both_directions")


@check
def unstated_levels(sg: SpecGraph) -> Iterator[Finding]:
    """v1 read a requirement without a level as must; v2 calls it unstated, and a rule naming levels leaves
    it out. Say so where that changes what a rule checks, so the author states the level meant."""
    rules: dict[str, list[model.Rule]] = {}
    for rule in sg.tree.policy.rules:
        if rule.levels and not rule.unstated:
            rules.setdefault(rule.spec, []).append(rule)
    for req in sg.requirements.values():
        if req.level or req.registered or req.spec not in rules:
            continue
        names = ", ".join(r.id for r in rules[req.spec])
        yield Finding("ra2.v1-construct", f"requirement '{req.key}' states no level: v1 read it as 'must', now it is "
                      f"unstated and rule {names} leaves it out; add 'level: must' (or the level the source gives) "
                      "if it is meant, or 'unstated: include' to the rule", req.location, subject=req.id,
                      scope=_of(req))


@check
def one_way_links(sg: SpecGraph) -> Iterator[Finding]:
    both = set(sg.tree.policy.both_directions)  # v1: every spec pair
    pairs = {(lt.id, p.source, p.target) for lt in sg.tree.link_types.values() for p in lt.pairs if p.both_ends}
    if not both and not pairs:
        return
    stated: dict[tuple[str, str, str], set[str]] = {}
    where: dict[tuple[str, str, str, str], Location] = {}
    # (type, end stating it, requirement) -> the IDs its links of that type name by mistake, as corrected
    mistyped: dict[tuple[str, str, str], set[str]] = {}
    ids_seen_by: dict[frozenset[str], dict[str, list[str]]] = {}  # specs seen -> {ID: its keys}, built once
    for link, _, _ in sg.unresolved:
        holder, other = (link.target_id, link.source_id) if link.stated_at == "to" else (link.source_id,
                                                                                          link.target_id)
        if holder in sg.requirements and other not in sg.requirements:
            seen = sg.namespaces.sees(link.context or sg.spec_of(holder))  # what the holder's spec could mean
            keys_of = ids_seen_by.get(seen)
            if keys_of is None:
                keys_of = ids_seen_by[seen] = {}
                for req_key, req in sg.requirements.items():
                    if req.spec in seen:
                        keys_of.setdefault(req.id, []).append(req_key)
            close = [k for rid in best_close_match(other, keys_of, 0.75)
                     for k in keys_of[rid]]
            mistyped.setdefault((link.type, link.stated_at, holder), set()).update(close)
    for link in sg.links:
        if link.source_id.startswith("section:") or link.target_id.startswith("section:"):
            continue  # a section states no links: the one end that does is all there can be
        if link.type in both or (link.type, sg.spec_of(link.source_id), sg.spec_of(link.target_id)) in pairs:
            key = (link.type, link.source_id, link.target_id)
            stated.setdefault(key, set()).add(link.stated_at)
            where.setdefault((*key, link.stated_at), link.location)
    inverses = {lt.id: lt.inverse or lt.id for lt in sg.tree.link_types.values()}
    for (link_type, origin, target), ends in sorted(stated.items()):
        if len(ends) == 2:
            continue
        end = next(iter(ends))
        back = inverses.get(link_type, "traced_by")
        if (origin in mistyped.get((link_type, "to", target), ()) if end == "from"
                else target in mistyped.get((link_type, "from", origin), ())):
            continue  # the other end names this one mistyped: the dangling-ref finding there is the place to fix
        if end == "from":
            msg = (f"'{origin}' {_VERBS.get(link_type, link_type)} '{target}', but '{target}' does not state it "
                   f"back (add '{origin}' to its {back})")
        else:
            msg = (f"'{target}' lists '{origin}' in {back}, but '{origin}' does not state it "
                   f"(add '{target}' to its {link_type})")
        yield Finding("ra2.one-way-link", msg, where[(link_type, origin, target, end)],
                      subject=f"{_plain(sg, origin)}->{_plain(sg, target)}",
                      scope=_scope(spec=sg.spec_of(origin if end == "from" else target)))


@check
def coverage(sg: SpecGraph) -> Iterator[Finding]:
    reported: set[str] = set()
    for rule, profile, req, covered in coverage_scopes(sg):
        if not covered:
            reported.add(req.key)
            severity = Severity.parse(rule.severity) if rule.severity else None
            yield Finding("ra2.uncovered", f"{_describe(req, profile)} is not covered: "
                          f"{_demand(rule)} [rule {rule.id}]", req.location, subject=req.id,
                          severity=severity, scope=_of(req, rule=rule.id, profile=profile))
    for rule in sg.tree.policy.rules:
        if rule.spec not in sg.specs or not rule.stacks or rule.covered_by == "tests":
            continue
        for profile in rule.profiles or (None,):
            for stack in sg.tree.stacks:
                for req in sg.uncovered(replace(rule, covered_by="support"), profile, stack):
                    yield Finding("ra2.stack-gap", f"stack '{stack.id}' does not cover "
                                  f"{_describe(req, profile)}: no component of the stack supports it "
                                  f"[rule {rule.id}]", stack.location, subject=req.id,
                                  scope=_of(req, rule=rule.id, profile=profile, stack=stack.id))
    yield from _traceability(sg, reported)


def _traceability(sg: SpecGraph, reported: set[str]) -> Iterator[Finding]:
    bases = {base for spec in sg.specs.values() for base in spec.based_on}
    for req in sg.requirements.values():
        spec = sg.specs.get(req.spec)
        if spec is None:
            continue
        if req.spec in bases and req.key not in reported and not sg.linked_any(req.key, "traces", True):
            yield Finding("ra2.rm-untraced", f"no requirement of a spec based on '{req.spec}' traces to "
                          f"'{req.id}'", req.location, subject=req.id, scope=_of(req))
        if spec.based_on and not sg.linked_any(req.key, "traces") and not _traces_stated(req) \
                and not _restates(sg, req):
            yield Finding("ra2.ra-no-trace", f"'{req.id}' of spec '{req.spec}' traces to no requirement of "
                          f"{', '.join(spec.based_on)}", req.location, subject=req.id, scope=_of(req))


def _restates(sg: SpecGraph, req: model.Requirement) -> bool:
    """A requirement that is the same as one of another spec (an RA restating an RM item) derives from it."""
    return any(sg.spec_of(other) not in ("", req.spec) for other in sg.linked_any(req.key, "same-as"))


def _plain(sg: SpecGraph, key: str) -> str:
    """A requirement key as its ID: finding subjects stay the same when another spec defines the ID too."""
    req = sg.requirements.get(key)
    return req.id if req is not None else key


def _traces_stated(req: model.Requirement) -> bool:
    return bool(req.traces)  # dangling traces are reported as such, not as "traces to nothing"


def _describe(req: model.Requirement, profile: str | None) -> str:
    where = f", profile {profile}" if profile else ""
    return f"{req.spec} requirement '{req.id}' ({req.level_in(profile) or 'level not stated'}{where})"


def _demand(rule: model.Rule) -> str:
    if rule.covered_by == "traces":
        return f"no requirement{' of ' + rule.from_spec if rule.from_spec else ''} traces to it"
    if rule.covered_by == "support":
        return "no component supports it in any matrix"
    return "nothing traces to it and no component supports it"


def _scope(**items: str | None) -> dict[str, str]:
    return {k: v for k, v in items.items() if v}


def _of(req: model.Requirement, **items: str | None) -> dict[str, str]:
    """The scope of a finding about a requirement: its spec (and category), so waivers can name them."""
    return _scope(spec=req.spec, category=req.category, **items)


# ---- running, severities, waivers ----------------------------------------------------------------

def _glob_matches(name: str, pattern: str) -> bool:
    """`fnmatch.fnmatchcase`, without compiling a regular expression for a pattern with no wildcard in it
    (most waiver targets name one ID; each distinct one cost a compile)."""
    return fnmatch.fnmatchcase(name, pattern) if is_glob(pattern) else name == pattern


def waiver_matches(waiver: model.Waiver, finding: Finding) -> bool:
    if not _glob_matches(finding.code, waiver.code):
        return False
    if not _glob_matches(finding.subject, waiver.target) and not (
            "spec" in waiver.scope and _glob_matches(finding.subject, f"{waiver.scope['spec']}:{waiver.target}")
    ) and not (finding.items and all(_glob_matches(item, waiver.target) for item in finding.items)):
        return False  # a subject that is a qualified reference (a dangling 'RM:x') matches the target 'RM:x'; a
        # grouped finding is also accepted by a waiver of each thing it stands for ('cni/*': every cell of cni)

    if waiver.file and not (fnmatch.fnmatch(finding.location.file, waiver.file)
                            or fnmatch.fnmatch(finding.location.file, f"*/{waiver.file}")):
        return False
    # a finding about no spec (a matrix cell, a component) is no other spec's: a spec-scoped waiver may accept it
    return all(finding.scope.get(k) == v or (k == "spec" and k not in finding.scope) for k, v in waiver.scope.items())


def apply_waivers(findings: list[Finding], waivers: Iterable[model.Waiver],
                  today: dt.date | None = None, config_files: Iterable[str] = (),
                  spec_ids: Iterable[str] = ()) -> list[Finding]:
    """Mark the findings a waiver accepts. Never waived: codes the catalogue marks unwaivable, and
    findings in the files that configure the checks (waivers, `config_files`): a waiver must not hide
    a mistake in the waivers or the policy themselves.

    A waiver naming a spec (`spec:`, a file-level `spec:`, or a target written SPEC:id) accepts that
    spec's findings only. One naming none accepts nothing when it would accept findings of two or more
    specs (ra2.waiver-unscoped says which): a waiver never accepts another spec's finding by accident."""
    today = today or dt.date.today()
    specs = set(spec_ids)
    waivers = [_qualified_target(w, specs) for w in waivers]
    active, out = [], []
    for w in waivers:
        if w.expires and w.expires < today:
            out.append(Finding("ra2.waiver-expired", f"waiver for {w.code} on '{w.target}' expired on "
                               f"{w.expires.isoformat()}: {w.reason}", w.location, subject=w.target))
        else:
            active.append(w)
    unwaivable_files = {w.location.file for w in waivers} | set(config_files)
    waivable = [f for f in findings if CATALOGUE[f.code].waivable and f.location.file not in unwaivable_files]
    chosen = _first_waivers(waivable, active)
    specs_of: dict[int, set[str]] = {}
    for finding, waiver in zip(waivable, chosen, strict=True):
        if waiver is not None and "spec" not in waiver.scope:
            specs_of.setdefault(id(waiver), set()).add(finding.scope.get("spec", ""))
    unscoped = {i for i, found in specs_of.items() if len(found - {""}) > 1}
    if unscoped:
        chosen = _first_waivers(waivable, [w for w in active if id(w) not in unscoped])
    by_finding = {id(f): w for f, w in zip(waivable, chosen, strict=True)}
    used = set()
    for finding in findings:
        waiver = by_finding.get(id(finding))
        if waiver is None:
            out.append(finding)
        else:
            used.add(id(waiver))
            out.append(replace(finding, waived_by=waiver.reason))
    for w in active:
        if id(w) in unscoped:
            out.append(Finding("ra2.waiver-unscoped", f"waiver for {w.code} on '{w.target}' names no spec but "
                               f"matches findings of specs {', '.join(sorted(specs_of[id(w)] - {''}))}; it accepts "
                               "none of them: add 'spec: <ID>' (or write the target as SPEC:id)", w.location,
                               subject=w.target))
        elif id(w) not in used:
            out.append(Finding("ra2.waiver-unused", f"waiver for {w.code} on '{w.target}' matches no "
                               "finding; remove it or correct it", w.location, subject=w.target))
    return out


def _qualified_target(waiver: model.Waiver, specs: set[str]) -> model.Waiver:
    spec, rest = split(waiver.target, specs)
    if not spec:
        return waiver
    return replace(waiver, target=rest, scope={**waiver.scope, "spec": spec})


def _first_waivers(findings: list[Finding], waivers: list[model.Waiver]) -> list[model.Waiver | None]:
    """For each finding, the first waiver in file order that accepts it (or None)."""
    # Most waivers name one ID: index those, so thousands of waivers cost a lookup, not a scan each.
    exact: dict[str, list[tuple[int, model.Waiver]]] = {}
    globs: list[tuple[int, model.Waiver]] = []
    for i, w in enumerate(waivers):
        if is_glob(w.target):
            globs.append((i, w))
        else:
            exact.setdefault(w.target, []).append((i, w))
            if "spec" in w.scope:  # the subject may be the qualified reference itself
                exact.setdefault(f"{w.scope['spec']}:{w.target}", []).append((i, w))
    out: list[model.Waiver | None] = []
    for finding in findings:
        # a grouped finding's items can match an exact target only if they are one (a single unstated cell)
        by_item = exact.get(finding.items[0], ()) if finding.items else ()
        candidates = itertools.chain(exact.get(finding.subject, ()), by_item, globs)
        first = min(((i, w) for i, w in candidates if waiver_matches(w, finding)), default=None,
                    key=lambda pair: pair[0])
        out.append(first[1] if first else None)
    return out


def _merge_profiles(findings: list[Finding]) -> list[Finding]:
    """A rule over several profiles reports a requirement once: the ra2.uncovered findings of one
    requirement and rule that differ only in the profile (same level, same waiver) become one."""
    groups: dict[tuple[str, ...], list[Finding]] = {}
    out: list[Finding] = []
    for f in findings:
        profile = f.scope.get("profile", "")
        if f.code != "ra2.uncovered" or not profile:
            out.append(f)
            continue
        key = (f.scope.get("spec", ""), f.subject, f.scope.get("rule", ""), f.waived_by,
               f.message.replace(f", profile {profile})", ")"), str(f.location))
        groups.setdefault(key, []).append(f)
    for group in groups.values():
        if len(group) == 1:
            out.append(group[0])
            continue
        profiles = [f.scope["profile"] for f in group]
        first = group[0]
        message = first.message.replace(f", profile {profiles[0]})", f", profiles {', '.join(profiles)})")
        out.append(replace(first, message=message, scope={**first.scope, "profile": ",".join(profiles)}))
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
    findings = apply_waivers(findings, sg.tree.waivers, today, policy_files, sg.specs)
    findings = _merge_profiles(findings)
    findings = _override_severities(findings, sg.tree.policy.severities)
    findings, held = hold_back(findings)  # first: a gap held back is folded into nothing
    findings = fold_gaps(sg, findings)
    findings.sort(key=Finding.sort_key)
    return CheckResult(findings, _counts(sg.tree), sorted(held, key=Finding.sort_key))


# ---- one cause, one finding ----------------------------------------------------------------------

_REFERENCE_CODES = frozenset({"ra2.dangling-ref", "ra2.not-in-registry", "ra2.matrix-unknown-row"})
_GAP_CODES = frozenset({"ra2.uncovered", "ra2.rm-untraced", "ra2.unverified", "ra2.stack-gap"})


@dataclass(frozen=True, slots=True)
class BrokenCover:
    """A reference that resolves to nothing and would, as `_meant` reads it, cover requirement `key`."""

    location: Location
    end: str  # the reference as written (its finding's subject)
    key: str
    how: str  # "traces" (a traces link), "support" (a matrix row with a covering cell), "tests" (a test case)
    source_spec: str | None = None  # the spec of the tracing requirement; None when unknown
    components: frozenset[str] = frozenset()  # support: the components whose cells in the row cover


# Further kinds of reference that cover (a test case's `verifies`: ra2docs.verification_checks), each a function
# giving its unresolved references as `BrokenCover`s, read as that module's "did you mean" reads them.
COVER_SOURCES: list[Callable[[SpecGraph], Iterable[BrokenCover]]] = []


def _broken_covers(sg: SpecGraph) -> dict[str, list[BrokenCover]]:
    """The unresolved references that would have covered a requirement, by the requirement's key."""
    out: dict[str, list[BrokenCover]] = {}
    for link, end, res in sg.unresolved:
        if link.type != "traces":
            continue
        if end == link.target_id:  # the covered end is mistyped: the requirement meant would be covered
            meant = _meant(sg, end, res, _context_of(sg, link, end)).requirement
            source = sg.namespaces.resolve(link.source_id, link.context).key
            if meant is not None and source:
                out.setdefault(meant.key, []).append(
                    BrokenCover(_end_location(link, end), end, meant.key, "traces", sg.spec_of(source)))
        else:  # the covering end is mistyped: the target is covered once it is corrected
            target = sg.namespaces.resolve(link.target_id, link.context).key
            if target in sg.requirements:
                source_req = _meant(sg, end, res, link.context).requirement
                source_spec = source_req.spec if source_req is not None else None
                out.setdefault(target, []).append(
                    BrokenCover(_end_location(link, end), end, target, "traces", source_spec))
    for matrix in sg.tree.matrices:
        vocab = sg.vocabularies.get(matrix.vocabulary)
        covering = vocab.covering_levels() if vocab is not None else set()
        for row in matrix.rows:
            if not row.requirement or sg.row_key(row):
                continue
            supporting = frozenset(c.column for c in row.cells if c.level in covering and c.column in sg.components)
            if not supporting:
                continue
            res = sg.namespaces.resolve(row.requirement, matrix.spec)
            meant = _meant(sg, row.requirement, res, matrix.spec).requirement
            if meant is not None:
                out.setdefault(meant.key, []).append(
                    BrokenCover(row.requirement_location, row.requirement, meant.key, "support", None, supporting))
    for more in COVER_SOURCES:
        for cover in more(sg):
            out.setdefault(cover.key, []).append(cover)
    return out


def _would_cover(cover: BrokenCover, gap: Finding, req: model.Requirement, rules: dict[str, model.Rule],
                 stacks: dict[str, model.Stack]) -> bool:
    if gap.code == "ra2.rm-untraced":  # a requirement of a spec based on req's traces to it
        return cover.how == "traces" and cover.source_spec not in (None, req.spec)
    rule = rules.get(gap.scope.get("rule", ""))
    if rule is None:
        return False
    if gap.code == "ra2.unverified":
        return cover.how == "tests" and rule.covered_by == "tests"
    if gap.code == "ra2.stack-gap":  # a component of the stack states covering support in the row
        stack = stacks.get(gap.scope.get("stack", ""))
        return cover.how == "support" and stack is not None and not cover.components.isdisjoint(stack.components)
    if cover.how == "tests":  # a test case verifies; it neither traces nor supports
        return False
    if cover.how == "support":
        return rule.covered_by in ("support", "either")
    return rule.covered_by in ("traces", "either") and (not rule.from_spec or cover.source_spec == rule.from_spec)


def fold_gaps(sg: SpecGraph, findings: list[Finding]) -> list[Finding]:
    """One typo, one finding: an open gap (ra2.uncovered, ra2.rm-untraced, ra2.stack-gap, ra2.unverified) that a
    mistyped reference would have closed, as its "did you mean" reads it, is said in that reference's finding, not
    as a second finding at the requirement (or stack). The gap is kept in the finding's `folded`; the requirement's
    status is unchanged (uncovered).

    A waived gap is not folded (its waiver accepts it, so it stays used), nor one more severe than the
    reference's finding (the run must fail as it would have)."""
    refs = {(f.location, f.subject): i for i, f in enumerate(findings)
            if f.code in _REFERENCE_CODES and not f.waived_by}
    gaps = [i for i, f in enumerate(findings) if f.code in _GAP_CODES and not f.waived_by]
    if not refs or not gaps:
        return findings
    covers = _broken_covers(sg)
    rules = {r.id: r for r in sg.tree.policy.rules}
    stacks = {s.id: s for s in sg.tree.stacks}
    folded: dict[int, list[Finding]] = {}
    for i in gaps:
        gap = findings[i]
        rule = rules.get(gap.scope.get("rule", ""))  # ra2.unverified names its rule, not its spec
        spec = gap.scope.get("spec") or (rule.spec if rule is not None else "")
        req = sg.namespaces.by_id.get(gap.subject, {}).get(spec)
        if req is None:
            continue
        into = [refs[(c.location, c.end)] for c in covers.get(req.key, ()) if (c.location, c.end) in refs
                and _would_cover(c, gap, req, rules, stacks)
                and findings[refs[(c.location, c.end)]].effective_severity >= gap.effective_severity]
        for j in dict.fromkeys(into):
            folded.setdefault(j, []).append(gap)
        if into:
            folded.setdefault(i, [])  # gone: said at the reference
    out = []
    for i, f in enumerate(findings):
        if i not in folded:
            out.append(f)
        elif folded[i]:
            said = "; ".join(_gap_said(g) for g in folded[i])
            out.append(replace(f, message=f"{f.message}; until it is corrected, {said}", folded=tuple(folded[i])))
    return out


def _gap_said(gap: Finding) -> str:
    """A gap's message shortened for the finding it is folded into: what is not covered, and the rule."""
    if gap.code == "ra2.stack-gap":
        return gap.message.partition(": no component")[0]
    if gap.code != "ra2.uncovered":
        return gap.message
    what, _, why = gap.message.partition(" is not covered: ")
    return f"{what} is not covered{why[why.rfind(' [rule '):]}" if why else gap.message


def hold_back(findings: list[Finding]) -> tuple[list[Finding], list[Finding]]:
    """(findings to report, open findings held back). While a file's content is unknown (a syntax error, bytes
    that do not decode), a finding that something is missing may be wrong: the file may hold it. Those are held
    back; the summary says how many, until the file can be read. Waived ones stay: their waivers are used."""
    if not any(f.code in UNREAD_CODES for f in findings):
        return findings, []
    kept: list[Finding] = []
    held: list[Finding] = []
    for f in findings:
        (held if f.code in ABSENCE_CODES and not f.waived_by else kept).append(f)
    return kept, held


import ra2docs.verification_checks  # noqa: E402, F401  (registers the verification checks)


def _counts(tree: model.Tree) -> Counter[str]:
    return Counter({
        "files": len(tree.files), "specs": len(tree.specs), "requirements": len(tree.requirements),
        "components": len(tree.components), "matrices": len(tree.matrices),
        "cells": sum(len(r.cells) for m in tree.matrices for r in m.rows),
        "links": len(tree.all_links()), "stacks": len(tree.stacks), "waivers": len(tree.waivers),
        "responses": len(tree.responses), "testcases": len(tree.testcases), "results": len(tree.results),
    })
