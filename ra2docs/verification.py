"""Verification traceability: which test cases verify which requirements, and what passed where.

The chain of a requirement on a stack: specified (it exists) -> supported (a matrix cell of one of the
stack's components covers it) -> verified (a test case verifies it) -> passed or failed (the stack's
imported results for those test cases). `requirement_status` computes it; `check`, the site, the workbook
and the exports all call it, and `claims` sets vendors' "fully compliant" answers against it. The overall
state is also the `verification` part of the one status (`ra2docs.status`, `Status.part("verification")`).

A test case names what it verifies by requirement ID, by a glob over IDs (`ra2.k8s.*`) or by a section
(`RA2:4.5`: every requirement of spec RA2 in section 4.5 or its subsections). The expansion is done once
per graph and cached on it.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ra2docs import model, status
from ra2docs.graph import SpecGraph
from ra2docs.verification_model import Outcome, ResultSet, TestCase

SPECIFIED, SUPPORTED, VERIFIED, PASSED, FAILED = "specified", "supported", "verified", "passed", "failed"
STATES = (SPECIFIED, SUPPORTED, VERIFIED, PASSED, FAILED)
NOT_RUN = "not-run"
_GLOB = frozenset("*?[")

if TYPE_CHECKING:
    from ra2docs.project import Project


def is_glob(text: str) -> bool:
    """Whether `text` is an fnmatch pattern (a test case's `verifies` entry, a waiver's code or target)."""
    return any(ch in _GLOB for ch in text)


@dataclass(frozen=True, slots=True)
class Unmatched:
    """A `verifies` entry of a test case that names nothing: an unknown ID, an empty glob or section."""

    test: TestCase
    entry: str
    field: str  # verifies | verifies_sections
    why: str  # "unknown-id" | "no-match" | "unknown-spec"


@dataclass
class Verification:
    """The expanded `verifies` links of a tree, both ways, and its results by stack."""

    tests: dict[str, TestCase]
    verified_by: dict[str, list[str]]  # requirement ID -> test case IDs, in test file order
    verifies: dict[str, list[str]]  # test case ID -> requirement IDs, in requirement order
    unmatched: list[Unmatched]
    results: dict[str, ResultSet]  # stack ID -> its results (the first file for a stack)

    def outcome(self, stack: str, test: str) -> Outcome | None:
        rs = self.results.get(stack)
        return rs.by_test().get(test) if rs else None


def _build(sg: SpecGraph) -> Verification:
    tree = sg.tree
    tests: dict[str, TestCase] = {}
    for tc in tree.testcases:
        tests.setdefault(tc.id, tc)
    req_ids = list(sg.requirements)
    order = {rid: i for i, rid in enumerate(req_ids)}
    # a glob or ID may be written qualified (`RA1:int.api.*`) whether or not another spec defines the ID
    qualified = {f"{req.spec}:{req.id}": key for key, req in sg.requirements.items()}
    by_section: dict[tuple[str, str], list[str]] = {}
    for req in sg.requirements.values():
        if req.section:
            by_section.setdefault((req.spec, req.section), []).append(req.key)
    verifies: dict[str, list[str]] = {}
    unmatched: list[Unmatched] = []
    for tc in tests.values():
        found: dict[str, None] = {}
        for entry in tc.verifies:
            if is_glob(entry):
                hits = fnmatch.filter(req_ids, entry) + [qualified[q] for q in fnmatch.filter(qualified, entry)]
                if not hits:
                    unmatched.append(Unmatched(tc, entry, "verifies", "no-match"))
                found.update(dict.fromkeys(hits))
            elif entry in sg.requirements or entry in qualified:
                found[qualified.get(entry, entry)] = None
            else:
                unmatched.append(Unmatched(tc, entry, "verifies", "unknown-id"))
        for entry in tc.verifies_sections:
            spec, _, section = entry.partition(":")
            if spec not in sg.specs:
                unmatched.append(Unmatched(tc, entry, "verifies_sections", "unknown-spec"))
                continue
            hits = [rid for (s, sec), ids in by_section.items() if s == spec
                    and (sec == section or sec.startswith(section + ".")) for rid in ids]
            if not hits:
                unmatched.append(Unmatched(tc, entry, "verifies_sections", "no-match"))
            found.update(dict.fromkeys(hits))
        verifies[tc.id] = sorted(found, key=order.__getitem__)
    verified_by: dict[str, list[str]] = {}
    for tid, rids in verifies.items():
        for rid in rids:
            verified_by.setdefault(rid, []).append(tid)
    results: dict[str, ResultSet] = {}
    for rs in tree.results:
        results.setdefault(rs.stack, rs)
    return Verification(tests, verified_by, verifies, unmatched, results)


def verification(sg: SpecGraph) -> Verification:
    """The tree's verification index, built once per graph."""
    cached = sg.__dict__.get("_verification")
    if cached is None:
        cached = sg.__dict__["_verification"] = _build(sg)
    return cached


@dataclass(frozen=True)
class Status:
    """Where a requirement stands, overall (stack None) or on one stack."""

    requirement: str
    stack: str | None
    state: str  # one of STATES
    supported: bool
    tests: tuple[str, ...]  # verifying test case IDs
    outcomes: dict[str, str] = field(default_factory=dict)  # with a stack: test -> outcome or "not-run"

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"state": self.state, "supported": self.supported, "tests": list(self.tests)}
        if self.stack is not None:
            out["stack"] = self.stack
            out["outcomes"] = dict(self.outcomes)
        return out

    @property
    def summary(self) -> str:
        """A few words for tables: `2 of 3 passed, 1 not run`."""
        if not self.tests:
            return "no test case"
        if self.stack is None:
            return f"{len(self.tests)} test case{'s' if len(self.tests) != 1 else ''}"
        counts: dict[str, int] = {}
        for outcome in self.outcomes.values():
            counts[outcome] = counts.get(outcome, 0) + 1
        words = {"passed": "passed", "failed": "failed", "error": "in error", "skipped": "skipped",
                 NOT_RUN: "not run"}
        parts = [f"{counts[k]} {w}" for k, w in words.items() if counts.get(k)]
        return f"{', '.join(parts)} (of {len(self.tests)})"


def requirement_status(sg: SpecGraph, req_id: str, stack: model.Stack | str | None = None) -> Status:
    """The verification chain of one requirement, overall or on one stack (a Stack or its ID)."""
    if isinstance(stack, str):
        stack = next((s for s in sg.tree.stacks if s.id == stack), None) or model.Stack(stack, stack, ())
    v = verification(sg)
    supported = sg.is_covered(req_id, "support", stack=stack)
    tests = tuple(v.verified_by.get(req_id, ()))
    if stack is None:
        state = VERIFIED if tests else SUPPORTED if supported else SPECIFIED
        return Status(req_id, None, state, supported, tests)
    outcomes = {}
    for tid in tests:
        found = v.outcome(stack.id, tid)
        outcomes[tid] = found.outcome if found else NOT_RUN
    if any(o in ("failed", "error") for o in outcomes.values()):
        state = FAILED
    elif tests and all(o == "passed" for o in outcomes.values()):
        state = PASSED
    else:
        state = VERIFIED if tests else SUPPORTED if supported else SPECIFIED
    return Status(req_id, stack.id, state, supported, tests, outcomes)


def stacks_with_results(sg: SpecGraph) -> list[model.Stack]:
    """The stacks that have results, in stacks-file order (then results for undeclared stack IDs)."""
    v = verification(sg)
    declared = [s for s in sg.tree.stacks if s.id in v.results]
    known = {s.id for s in declared}
    return declared + [model.Stack(sid, sid, ()) for sid in v.results if sid not in known]


# ---- claims against evidence ---------------------------------------------------------------------

@dataclass(frozen=True)
class Claim:
    """A vendor's "fully compliant" answer that the vendor's own stack's results do not bear out."""

    vendor: str
    requirement: str
    stack: str
    problem: str  # "failed": a verifying test failed or errored; "not-run": one never ran (or was skipped)
    tests: tuple[str, ...]  # the verifying tests that failed / did not run
    answer: model.Answer | None = None

    @property
    def text(self) -> str:
        what = "failed on" if self.problem == FAILED else "did not run (or was skipped) on"
        return (f"vendor '{self.vendor}' answers 'fully-compliant' for '{self.requirement}', but "
                f"{', '.join(self.tests)} {what} its stack '{self.stack}'")


def vendor_stacks(sg: SpecGraph, vendor: str) -> list[model.Stack]:
    """The stacks a vendor proposes (stack `vendor` equal to the vendor's name, case and punctuation aside)."""
    from ra2docs.responses import vendor_slug  # answers-file machinery: not imported by every check

    slug = vendor_slug(vendor)
    return [s for s in sg.tree.stacks if s.vendor and vendor_slug(s.vendor) == slug]


def evidence_text(sg: SpecGraph, vendor: str, req_id: str) -> str:
    """What the vendor's stacks' results say about a requirement, in a few words, e.g.
    `acme-k8s: failed (tc.ntw.pods failed)`; "" when no test case verifies it or the vendor has no stack."""
    stacks = vendor_stacks(sg, vendor)
    parts = []
    for stack in stacks:
        st = requirement_status(sg, req_id, stack)
        if not st.tests:
            return ""
        bad = [t for t, o in st.outcomes.items() if o in ("failed", "error")]
        detail = f" ({', '.join(bad)} failed)" if bad else f" ({st.summary})" if st.state != PASSED else ""
        parts.append(f"{stack.id}: {st.state if st.state in (PASSED, FAILED) else 'not passed'}{detail}")
    return "; ".join(parts)


def claims(sg: SpecGraph, vendors: list[str] | None = None) -> list[Claim]:
    """Every "fully compliant" answer contradicted by the answering vendor's stack results.

    Only requirements some test case verifies are judged; a vendor without a stack is not judged.
    """
    out = []
    for response in sg.tree.responses:
        if vendors and response.vendor not in vendors:
            continue
        stacks = vendor_stacks(sg, response.vendor)
        for answer in response.answers:
            if answer.compliance != "fully-compliant" or answer.id not in sg.requirements:
                continue
            for stack in stacks:
                st = requirement_status(sg, answer.id, stack)
                if not st.tests:
                    continue
                bad = tuple(t for t, o in st.outcomes.items() if o in ("failed", "error"))
                unrun = tuple(t for t, o in st.outcomes.items() if o in (NOT_RUN, "skipped"))
                if bad:
                    out.append(Claim(response.vendor, answer.id, stack.id, FAILED, bad, answer))
                elif unrun:
                    out.append(Claim(response.vendor, answer.id, stack.id, NOT_RUN, unrun, answer))
    return out


# ---- the verification part of the one status (ra2docs.status) -------------------------------------------

def _status_part(project: Project, req: model.Requirement) -> str | None:
    """The overall verification state beside the coverage status; nothing without test cases."""
    if not project.tree.testcases:
        return None
    return requirement_status(project.graph, req.id).state


status.register_part("verification", _status_part)
