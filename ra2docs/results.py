"""Test results: JUnit cases -> test case outcomes for one stack, and `results/<stack>.yaml`.

A JUnit case counts for a test case when one of its forms (`name`, `classname.name`, `classname::name`)
equals one of the test case's `junit:` names, or matches one written with `*` (any run of characters;
`?` and `[` are literal, since Kubernetes e2e names are full of brackets). A test case without `junit:`
is matched by its ID. A JUnit case may count for several test cases.

The outcome of a test case is the worst of its JUnit cases: failed, then error, then passed; skipped
only when every case was skipped. Reading files back is the loader's job (`kind: results`).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ra2docs.fileio import schema_modeline, write_text_atomic
from ra2docs.junit import JUnitCase
from ra2docs.verification_model import Outcome, ResultSet, TestCase

RESULTS_DIR = "results"
_RANK = {"failed": 3, "error": 2, "passed": 1, "skipped": 0}
SHOWN_UNKNOWN = 20  # unknown JUnit names listed one by one; the rest are counted


def _pattern(name: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(part) for part in name.split("*")), re.DOTALL)


class _Patterns:
    """`*` patterns tried as one alternation: one regex call per name when none matches (the C engine
    does that fast); the first alternative that matches says which, and the search goes on from the next
    one, so a name matching k patterns costs k + 1 calls, not one per pattern."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []  # (regex source, test case ID)
        self._from: dict[int, re.Pattern[str]] = {}

    def add(self, name: str, test_id: str) -> None:
        self.items.append((_pattern(name).pattern, test_id))

    def _regex(self, start: int) -> re.Pattern[str]:
        found = self._from.get(start)
        if found is None:
            found = self._from[start] = re.compile(
                "|".join(f"(?P<g{i}>{src})" for i, (src, _) in enumerate(self.items) if i >= start), re.DOTALL)
        return found

    def hits(self, key: str, found: dict[str, None]) -> None:
        start = 0
        while start < len(self.items):
            hit = self._regex(start).fullmatch(key)
            if hit is None or hit.lastgroup is None:
                return
            index = int(hit.lastgroup[1:])
            found[self.items[index][1]] = None
            start = index + 1


class Matcher:
    """Which test cases a JUnit case counts for: exact names by lookup, `*` patterns by regex.

    A pattern is tried only against the forms of the name it can match: one with `::` against
    `classname::name`; one starting with `*` against `classname.name` (it matches the bare name only if it
    matches that too); any other against `name` and `classname.name`."""

    def __init__(self, tests: Iterable[TestCase]) -> None:
        self.exact: dict[str, list[str]] = {}
        self.colon, self.floating, self.anchored = _Patterns(), _Patterns(), _Patterns()
        self.names: list[str] = []  # every name and ID, for suggestions
        for tc in tests:
            for name in tc.junit_names:
                self.names.append(name)
                if "*" not in name:
                    self.exact.setdefault(name, []).append(tc.id)
                elif "::" in name:
                    self.colon.add(name, tc.id)
                elif name.startswith("*"):
                    self.floating.add(name, tc.id)
                else:
                    self.anchored.add(name, tc.id)
            if tc.junit:
                self.names.append(tc.id)

    def match(self, case: JUnitCase) -> list[str]:
        found: dict[str, None] = {}
        keys = case.keys
        for key in keys:
            for tid in self.exact.get(key, ()):
                found[tid] = None
        dotted = keys[1] if len(keys) > 1 else keys[0]
        if self.floating.items:
            self.floating.hits(dotted, found)
        if self.anchored.items:
            self.anchored.hits(keys[0], found)
            if dotted is not keys[0]:
                self.anchored.hits(dotted, found)
        if self.colon.items and len(keys) > 2:
            self.colon.hits(keys[2], found)
        return list(found)

    def suggest(self, case: JUnitCase) -> str:
        close = difflib.get_close_matches(case.name, self.names, n=1, cutoff=0.6)
        if not close and case.classname:
            close = difflib.get_close_matches(case.full_name, self.names, n=1, cutoff=0.6)
        return f" (did you mean '{close[0]}'?)" if close else ""


@dataclass
class _Tally:
    outcome: str = "skipped"
    seconds: float = 0.0
    cases: int = 0
    message: str = ""


@dataclass
class Collected:
    outcomes: list[Outcome]
    unknown: list[str] = field(default_factory=list)  # first SHOWN_UNKNOWN unknown names, with suggestions
    unknown_count: int = 0
    cases: int = 0


def collect(junit_cases: Iterable[JUnitCase], tests: list[TestCase]) -> Collected:
    """Fold a report's cases into one outcome per test case (in test file order)."""
    matcher = Matcher(tests)
    tallies: dict[str, _Tally] = {}
    unknown: list[str] = []
    unknown_count = total = 0
    for case in junit_cases:
        total += 1
        hits = matcher.match(case)
        if not hits:
            unknown_count += 1
            if len(unknown) < SHOWN_UNKNOWN:
                unknown.append(f"'{case.full_name}' matches no test case of the tree{matcher.suggest(case)}")
            continue
        for tid in hits:
            t = tallies.setdefault(tid, _Tally())
            if not t.cases or _RANK[case.outcome] > _RANK[t.outcome]:
                t.outcome, t.message = case.outcome, case.message
            t.cases += 1
            t.seconds += case.seconds
    outcomes = [Outcome(tc.id, tally.outcome, round(tally.seconds, 3), tally.cases, tally.message)
                for tc in tests if (tally := tallies.get(tc.id)) is not None]
    return Collected(outcomes, unknown, unknown_count, total)



def render(rs: ResultSet, target: Path) -> str:
    doc: dict[str, object] = {"kind": "results", "stack": rs.stack}
    for key in ("run_at", "imported_from", "imported_at"):
        if getattr(rs, key):
            doc[key] = getattr(rs, key)
    items = []
    for o in rs.outcomes:
        item: dict[str, str] = {"test": o.test, "outcome": o.outcome, "duration": f"{o.duration:.3f}",
                                "cases": str(o.cases)}
        if o.message:
            item["message"] = o.message
        items.append(item)
    doc["results"] = items
    header = (schema_modeline("results", target) +
              "# Written by `ra2docs import-results`; importing a new report for the stack replaces this file.\n")
    return header + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)


def write(target: Path, rs: ResultSet) -> None:
    """Write `rs` to `target` (`results/<stack>.yaml`) atomically."""
    write_text_atomic(target, render(rs, target))


@dataclass(frozen=True)
class Change:
    test: str
    before: str  # outcome, or "" when the test had no result
    after: str  # outcome, or "" when it has none any more

    @property
    def kind(self) -> str:
        bad = ("failed", "error")
        if self.after in bad and self.before not in bad:
            return "newly failing"
        if self.before in bad and self.after == "passed":
            return "newly passing"
        if not self.before:
            return "added"
        if not self.after:
            return "removed"
        return "changed"

    def __str__(self) -> str:
        return f"  {self.test}: {self.before or '(no result)'} -> {self.after or '(no result)'} ({self.kind})"


def diff(old: Iterable[Outcome], new: Iterable[Outcome]) -> list[Change]:
    """What re-importing changes, in the new file's order, then results that are gone."""
    before = {o.test: o.outcome for o in old}
    after = {o.test: o.outcome for o in new}
    out = [Change(t, before.get(t, ""), o) for t, o in after.items() if before.get(t) != o]
    out.extend(Change(t, o, "") for t, o in before.items() if t not in after)
    return out
