"""Test cases and test results as plain typed data (the `testcases` and `results` kinds). No I/O here.

A test case verifies requirements: named by ID, by a glob over IDs (`ra2.k8s.*`), or by a spec section
(`RA2:4.5`, every requirement of that spec in that section). A results file holds, for one stack, the
outcome of each test case in one run, as `ra2docs import-results` stored it from a JUnit report.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ra2docs.errors import NOWHERE, Location
from ra2docs.model import Source

OUTCOMES = ("passed", "failed", "skipped", "error")


@dataclass(frozen=True, slots=True)
class TestCase:
    id: str
    title: str
    description: str = ""
    suite: str = ""
    tool: str = ""
    criteria: str = ""
    priority: str = ""
    tags: tuple[str, ...] = ()
    verifies: tuple[str, ...] = ()  # requirement IDs or globs
    verifies_sections: tuple[str, ...] = ()  # SPEC:SECTION
    junit: tuple[str, ...] = ()  # names (globs) in JUnit reports that count as this test case
    source: Source | None = None
    location: Location = NOWHERE
    field_locations: dict[str, Location] = field(default_factory=dict, compare=False, repr=False)

    __test__ = False  # not a pytest class

    @property
    def junit_names(self) -> tuple[str, ...]:
        return self.junit or (self.id,)


@dataclass(frozen=True, slots=True)
class Outcome:
    """The result of one test case in one run on one stack."""

    test: str
    outcome: str  # one of OUTCOMES
    duration: float = 0.0
    cases: int = 1  # JUnit test cases counted into it
    message: str = ""
    location: Location = NOWHERE


@dataclass(frozen=True, slots=True)
class ResultSet:
    """One stack's results file."""

    stack: str
    outcomes: tuple[Outcome, ...]
    run_at: str = ""
    imported_from: str = ""
    imported_at: str = ""
    location: Location = NOWHERE

    def by_test(self) -> dict[str, Outcome]:
        return {o.test: o for o in self.outcomes}
