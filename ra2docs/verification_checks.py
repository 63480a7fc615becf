"""The checks of verification data: policy gaps, `verifies` entries naming nothing, stray results, and
vendors' claims their own results contradict. Registered with `ra2docs.validate.check` on import."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ra2docs.errors import Finding, Location
from ra2docs.graph import SpecGraph
from ra2docs.validate import COVER_SOURCES, BrokenCover, best_close_match, check
from ra2docs.verification import claims, is_glob, verification


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = best_close_match(word, choices, 0.75)
    return _did_you_mean(close[0] if close else "")


def _meant(sg: SpecGraph, entry: str) -> str:
    """The requirement key a `verifies` entry naming nothing most likely means, or ""."""
    close = best_close_match(entry, sg.requirements, 0.75)
    return close[0] if close else ""


def _did_you_mean(key: str) -> str:
    return f" (did you mean '{key}'?)" if key else ""


def _broken_verifies(sg: SpecGraph) -> Iterator[BrokenCover]:
    """The `verifies` entries naming nothing that, as their "did you mean" reads them, would verify a
    requirement: `run_checks` says the gap it leaves (ra2.unverified) in their finding."""
    if not _has_verification(sg):
        return
    for miss in verification(sg).unmatched:
        key = _meant(sg, miss.entry) if miss.why == "unknown-id" else ""
        if key:
            tc = miss.test
            yield BrokenCover(tc.field_locations.get(miss.field, tc.location), miss.entry, key, "tests")


COVER_SOURCES.append(_broken_verifies)


def _has_verification(sg: SpecGraph) -> bool:
    tree = sg.tree
    return bool(tree.testcases or tree.results or any(r.covered_by == "tests" for r in tree.policy.rules))


@check
def unverified(sg: SpecGraph) -> Iterator[Finding]:
    rules = [r for r in sg.tree.policy.rules if r.covered_by == "tests" and r.spec in sg.specs]
    if not rules:
        return
    v = verification(sg)
    for rule in rules:
        for profile in rule.profiles or (None,):
            for req in sg.in_scope(rule, profile):
                if req.id in v.verified_by:
                    continue
                where = f", profile {profile}" if profile else ""
                scope = {"rule": rule.id, **({"profile": profile} if profile else {})}
                yield Finding("ra2.unverified", f"{req.spec} requirement '{req.id}' ({req.level_in(profile)}{where}) "
                              f"is verified by no test case [rule {rule.id}]", req.location, subject=req.id,
                              scope=scope)


@check
def testcase_references(sg: SpecGraph) -> Iterator[Finding]:
    if not _has_verification(sg):
        return
    first: dict[str, Location] = {}
    for tc in sg.tree.testcases:
        if tc.id in first:
            yield Finding("ra2.duplicate-id", f"test case ID '{tc.id}' is defined again (first defined at "
                          f"{first[tc.id]})", tc.location, subject=tc.id)
        else:
            first[tc.id] = tc.location
    v = verification(sg)
    for miss in v.unmatched:
        tc = miss.test
        where = tc.field_locations.get(miss.field, tc.location)
        if miss.why == "unknown-id":
            meant = _meant(sg, miss.entry)
            yield Finding("ra2.dangling-ref", f"test case '{tc.id}' verifies '{miss.entry}', which is defined "
                          f"nowhere{_did_you_mean(meant)}", where, subject=miss.entry)
        elif miss.why == "unknown-spec":
            spec = miss.entry.partition(":")[0]
            yield Finding("ra2.dangling-ref", f"test case '{tc.id}' verifies section '{miss.entry}' of spec "
                          f"'{spec}', which is not defined{_suggest(spec, sg.specs)}", where, subject=spec)
        elif miss.field == "verifies":
            assert is_glob(miss.entry)
            yield Finding("ra2.verifies-nothing", f"test case '{tc.id}' verifies '{miss.entry}', which matches "
                          "no requirement", where, subject=tc.id)
        else:
            spec, _, section = miss.entry.partition(":")
            declared = [s.id for s in sg.specs[spec].sections if s.id != section]
            yield Finding("ra2.verifies-nothing", f"test case '{tc.id}' verifies section '{miss.entry}', but no "
                          f"requirement of {spec} sits in section '{section}'{_suggest(section, declared)}",
                          where, subject=tc.id)


@check
def results_references(sg: SpecGraph) -> Iterator[Finding]:
    if not sg.tree.results:
        return
    v = verification(sg)
    stacks = {s.id for s in sg.tree.stacks}
    seen: dict[str, Location] = {}
    for rs in sg.tree.results:
        if rs.stack in seen:
            yield Finding("ra2.duplicate-id", f"results of stack '{rs.stack}' are stored again (first at "
                          f"{seen[rs.stack]}); only the first file counts", rs.location, subject=rs.stack)
            continue
        seen[rs.stack] = rs.location
        if rs.stack not in stacks:
            yield Finding("ra2.dangling-ref", f"results file is for stack '{rs.stack}', which is not defined"
                          f"{_suggest(rs.stack, stacks)}", rs.location, subject=rs.stack)
        for outcome in rs.outcomes:
            if outcome.test not in v.tests:
                yield Finding("ra2.result-unknown-test", f"stack '{rs.stack}' has a result for test case "
                              f"'{outcome.test}', which no testcases file defines{_suggest(outcome.test, v.tests)}",
                              outcome.location, subject=outcome.test)


@check
def contradicted_claims(sg: SpecGraph) -> Iterator[Finding]:
    if not sg.tree.responses or not sg.tree.testcases:
        return
    for claim in claims(sg):
        where = claim.answer.location if claim.answer else Location(sg.tree.root)
        yield Finding("ra2.claim-contradicted", claim.text, where, subject=claim.requirement,
                      scope={"vendor": claim.vendor, "stack": claim.stack})
