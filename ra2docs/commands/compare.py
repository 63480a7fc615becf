"""Compare vendors' stored answers (responses/*.yaml) side by side.

Prints, per requirement the vendors were asked about (the rows of the workbooks they answered), each
vendor's compliance; then a score per vendor weighted by normative level, and the mandatory requirements
each vendor does not fully meet:

    score = 100 * sum(weight(level) * credit(answer)) / sum(weight(level))
    weight: must / must-not 3, should / should-not 2, may 1
    credit: fully compliant 1, partially compliant 0.5, roadmap 0.25, not compliant 0, unanswered 0

"Fully compliant" answers that the vendor's own stack's imported test results contradict (a verifying
test failed, or never ran: see `ra2docs import-results`) are listed; with --evidence they earn no credit.

--format json for machines; -o FILE.xlsx writes the comparison as a workbook.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import PurePath

from ra2docs.commands.common import (
    add_allow_errors_argument,
    add_output_argument,
    add_root_argument,
    load_project,
    refuse_unread,
)
from ra2docs.errors import Severity, UsageError
from ra2docs.fileio import building
from ra2docs.project import Project
from ra2docs.xlsx.compare import compare, render_json, render_text, write_workbook
from ra2docs.xlsx.workbook import altered_warning

NAME = "compare"
HELP = "compare vendors' answers side by side with a weighted compliance score"
EXIT_CODES = ((0, "compared (warnings allowed)"),
              (2, "usage error, a responses file that cannot be read, or -o that cannot be written"))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_root_argument(parser)
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="text for people, json for machines (default: text)")
    parser.add_argument("--profile", default="", help="levels as in this profile; only its requirements")
    parser.add_argument("--vendor", action="append", default=[], help="only this vendor (repeatable)")
    parser.add_argument("--evidence", action="store_true",
                        help="score with test evidence: a fully compliant answer that the vendor's stack failed or "
                             "never ran a verifying test for earns nothing")
    add_output_argument(parser, "also write the comparison as a workbook", metavar="FILE.xlsx")
    add_allow_errors_argument(parser, "write the workbook from")


def run(args: argparse.Namespace) -> int:
    project = load_project(args.root)
    refuse_broken_responses(project)
    if args.output:
        refuse_unread(project.result.findings, args.allow_errors, what="write the workbook from")
    known = {r.vendor for r in project.tree.responses}
    missing = [v for v in args.vendor if v not in known]
    if missing:
        raise UsageError(f"no responses of vendor {', '.join(map(repr, missing))}; known: "
                         f"{', '.join(sorted(known)) or 'none (run `ra2docs import` first)'}")
    if args.profile and args.profile not in project.graph.profiles():
        raise UsageError(f"--profile {args.profile!r}: no spec declares it")
    from ra2docs.verification import claims

    cmp = compare(project.tree, args.profile, args.vendor or None, claims(project.graph), args.evidence)
    if project.tree.testcases:  # the vendors' own stack results beside their answers (json, workbook)
        from ra2docs.verification import evidence_text

        cmp.test_evidence = {(v, r.requirement.id): evidence_text(project.graph, v, r.requirement.id)
                             for v in cmp.vendors for r in cmp.rows}
    answer_warnings(project, set(cmp.vendors))
    if args.output:
        if not args.output.lower().endswith(".xlsx"):
            raise UsageError(f"{args.output}: the output must be an .xlsx file")
        try:
            with building(args.output):  # openpyxl's sheet streams live beside the output, removed on failure
                write_workbook(cmp, args.output)
        except OSError as exc:
            raise UsageError(f"{args.output}: cannot write: {exc.strerror or exc}") from None
    if altered := altered_warning():
        print(f"ra2docs compare: warning: {args.output}: {altered}", file=sys.stderr)
    sys.stdout.write(render_json(cmp) if args.format == "json" else render_text(cmp))
    return 0


_ANSWER_CODES = ("ra2.response-unknown-id", "ra2.response-bad-answer")


def _in_responses(file: str) -> bool:
    return "responses" in PurePath(file).parts[:-1]


def refuse_broken_responses(project: Project) -> None:
    """A responses file that did not load would silently drop its vendor: stop instead (exit 2)."""
    broken = sorted((f for f in project.loaded.findings
                     if _in_responses(f.location.file) and f.effective_severity >= Severity.ERROR),
                    key=lambda f: f.sort_key())
    if broken:
        for f in broken:
            sys.stderr.write(f"{f.location}: {f.message} [{f.code}]\n")
        files = len({f.location.file for f in broken})
        raise UsageError(f"{files} responses file{'s' if files != 1 else ''} could not be read (above); "
                         f"fix or move {'it' if files == 1 else 'them'}, or re-import the vendor's workbook "
                         "with `ra2docs import`")


def answer_warnings(project: Project, vendors: set[str]) -> None:
    """Answers the scores cannot use (unknown ID, answer outside the vocabulary), said instead of scored silently."""
    vendor_of = {r.location.file: r.vendor for r in project.tree.responses}
    answers = (f for f in project.result.findings if f.code in _ANSWER_CODES and not f.waived_by)
    for f in sorted(answers, key=lambda f: f.sort_key()):
        if vendor_of.get(f.location.file) in vendors:
            sys.stderr.write(f"ra2docs compare: warning: {f.location}: {f.message} [{f.code}]\n")
