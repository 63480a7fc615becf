"""Verification data for the machine-readable outputs: `export json` and `check --format json`.

`verification_section` gives the test cases (with the requirements each verifies, expanded), the stored
results per stack, and the status of every requirement (overall and per stack with results), all from
`ra2docs.verification.requirement_status`.
"""

from __future__ import annotations

from typing import Any

from ra2docs import model
from ra2docs.exports.json_model import plain
from ra2docs.graph import SpecGraph
from ra2docs.verification import requirement_status, stacks_with_results, verification


def status_document(sg: SpecGraph) -> dict[str, Any]:
    """Requirement ID -> {state, supported, tests, stacks: {stack: {state, supported, outcomes}}}.

    Empty when the tree holds no test case and no result (nothing to say beyond `specified`/`supported`).
    """
    if not sg.tree.testcases and not sg.tree.results:
        return {}
    stacks = stacks_with_results(sg)
    out: dict[str, Any] = {}
    for rid in sorted(sg.requirements):
        entry = requirement_status(sg, rid).as_dict()
        if stacks:
            per_stack: dict[str, object] = {}
            for stack in stacks:
                st = requirement_status(sg, rid, stack).as_dict()
                st.pop("stack", None)
                st.pop("tests", None)
                per_stack[stack.id] = st
            entry["stacks"] = per_stack
        out[rid] = entry
    return out


def verification_section(tree: model.Tree, sg: SpecGraph | None = None) -> dict[str, Any]:
    """`testcases`, `results` and `verification` members of the model export."""
    sg = sg or SpecGraph.build(tree)
    v = verification(sg)
    testcases = []
    for tc in sorted(tree.testcases, key=lambda t: (t.id, t.location.file, t.location.line)):
        item = plain(tc)
        item["verified_requirements"] = list(v.verifies.get(tc.id, ())) if v.tests.get(tc.id) is tc else []
        testcases.append(item)
    results = plain(sorted(tree.results, key=lambda r: (r.stack, r.location.file)))
    return {"testcases": testcases, "results": results, "verification": status_document(sg)}
