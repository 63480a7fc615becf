"""The "Test evidence" sheet of an RFP workbook exported with `--stack NAME`: beside the answers the
vendor gives, what that stack's imported test results show for each requirement, read-only.

One row per requirement of the Requirements sheet, in the same order: the test cases that verify it, each
one's outcome on the stack (passed, failed, error, skipped, not run) and the requirement's state there
(`ra2docs.verification.requirement_status`). The sheet is protected like the specification columns; the
import never reads it.
"""

from __future__ import annotations

from openpyxl import Workbook

from ra2docs.project import Project
from ra2docs.verification import requirement_status, verification
from ra2docs.xlsx import workbook as wbk

SHEET = "Test evidence"
STATE_WORDS = {"specified": "specified", "supported": "supported, no test case",
               "verified": "verified, not passed here", "passed": "passed", "failed": "failed"}


def add_evidence_sheet(wb: Workbook, project: Project, ids: list[str], stack_id: str, password: str | None) -> None:
    sg = project.graph
    stack = next(s for s in project.tree.stacks if s.id == stack_id)
    results = verification(sg).results.get(stack.id)
    ws = wb.create_sheet(SHEET)
    wbk.set_widths(ws, [18, 40, 30, 45, 24])
    wbk.print_setup(ws, "3:3")
    c = wbk.cell
    when = (f"results imported from {results.imported_from or 'a JUnit report'}, run at {results.run_at}"
            if results else "no results are stored for it yet (`ra2docs import-results`)")
    ws.append([c(ws, f"Test evidence on stack {stack.id} ({stack.title}): {when}. Read-only: answer in the "
                 "Requirements sheet.", wbk.NOTE)])
    ws.append([])
    ws.append(wbk.header_row(ws, ["ID", "Title", "Test cases", f"Outcomes on {stack.id}", "Status"]))
    for rid in ids:
        req = sg.requirements.get(rid)
        if req is None:
            continue
        st = requirement_status(sg, rid, stack)
        outcomes = ", ".join(f"{t}: {o}" for t, o in st.outcomes.items())
        ws.append([c(ws, rid, wbk.TEXT), c(ws, req.title, wbk.TEXT), c(ws, ", ".join(st.tests), wbk.TEXT),
                   c(ws, outcomes, wbk.TEXT), c(ws, STATE_WORDS[st.state], wbk.TEXT)])
    wbk.protect(ws, password)
