"""The verification part of `ra2docs diff`: test cases added and removed, verification gained and lost.

A (requirement, test case) pair is lost when the old tree's expanded `verifies` links had it and the new
tree's do not, for a requirement present in both trees (renames followed) and a test case present in
both: a removed test case is reported as removed, and a removed requirement as removed, not again here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ra2docs.graph import SpecGraph
from ra2docs.verification import verification

if TYPE_CHECKING:
    from ra2docs.diff import TreeDiff


def add_verification_changes(result: TreeDiff, old: SpecGraph, new: SpecGraph, rename: dict[str, str]) -> None:
    if not old.tree.testcases and not new.tree.testcases:
        return
    before, after = verification(old), verification(new)
    result.tests_added = [(t, after.tests[t].title) for t in sorted(after.tests.keys() - before.tests.keys())]
    result.tests_removed = [(t, before.tests[t].title) for t in sorted(before.tests.keys() - after.tests.keys())]
    both_tests = before.tests.keys() & after.tests.keys()
    both_reqs = {rename.get(r, r) for r in old.requirements} & set(new.requirements)
    old_pairs = {(rename.get(r, r), t) for t, rids in before.verifies.items() for r in rids}
    new_pairs = {(r, t) for t, rids in after.verifies.items() for r in rids}

    def kept(pairs: set[tuple[str, str]]) -> list[tuple[str, str]]:
        return sorted(p for p in pairs if p[0] in both_reqs and p[1] in both_tests)

    result.verification_gained = kept(new_pairs - old_pairs)
    result.verification_lost = kept(old_pairs - new_pairs)
