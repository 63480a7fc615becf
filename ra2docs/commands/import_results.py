"""Import a JUnit XML report of a test run on one stack into `results/<stack>.yaml`.

Each JUnit test case counts for the test cases (`kind: testcases`) whose `junit:` names match it (a test
case without them is matched by its ID); the stored outcome of a test case is the worst of its JUnit
cases: failed, error, passed, or skipped when all were skipped. JUnit cases that match no test case are
reported with the closest name; they are not stored.

The report is refused, and nothing is written, when it is not a regular file, is over --max-size,
declares a DTD or entities (XML bombs, external entities), is not well-formed XML or is no JUnit report.
Re-importing replaces the stack's file and lists the test cases newly failing, newly passing, added and
removed. No other file is touched.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from pathlib import Path

from ra2docs.commands.common import add_root_argument, load_project, positive_int
from ra2docs.commands.import_ import import_time
from ra2docs.errors import Severity, UsageError
from ra2docs.junit import MAX_BYTES, JUnitError, Report, cases, open_report
from ra2docs.load import load_files
from ra2docs.results import RESULTS_DIR, Change, Collected, collect, diff, write
from ra2docs.verification_model import Outcome, ResultSet

NAME = "import-results"
HELP = "store a JUnit XML report of a test run on a stack under results/"
EXIT_CODES = ((0, "imported (JUnit cases that match no test case are warned about)"),
              (1, "no JUnit case matches a test case of the tree: nothing was written"),
              (2, "usage error, or a report that cannot be read or is refused (not XML, a DTD or entities, "
                  "too large)"))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="the JUnit XML report (pytest, xtesting, Sonobuoy, ...)")
    add_root_argument(parser)
    parser.add_argument("--stack", required=True, metavar="NAME",
                        help="the stack the tests ran on: a stack ID of the tree (results/<stack>.yaml)")
    parser.add_argument("--max-size", type=positive_int, default=MAX_BYTES // (1024 * 1024), metavar="MIB",
                        help="refuse reports larger than this many MiB (default: %(default)s)")
    parser.add_argument("--dry-run", action="store_true", help="read and report, but write nothing")
    parser.add_argument("--date", help="the import time stored in the file (default: SOURCE_DATE_EPOCH or now)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="report format")


def file_name(stack: str) -> str:
    """A file name for a stack ID (stack IDs may hold '/' and ':')."""
    return re.sub(r"[^A-Za-z0-9._+-]", "-", stack).lstrip(".") + ".yaml"


def previous(path: Path, stack: str) -> tuple[Outcome, ...]:
    """The stack's stored results; refuses to overwrite a file it cannot read or that is another stack's."""
    if not path.exists():
        return ()
    loaded = load_files([path])
    errors = [f for f in loaded.findings if f.effective_severity >= Severity.ERROR]
    if errors or len(loaded.tree.results) != 1:
        first = str(errors[0].location) + ": " + errors[0].message if errors else "it holds no results"
        raise UsageError(f"{path} cannot be read ({first}); fix or move it first: nothing was written")
    stored = loaded.tree.results[0]
    if stored.stack != stack:
        raise UsageError(f"{path} holds the results of stack {stored.stack!r}; move it first: nothing was written")
    return stored.outcomes


def run(args: argparse.Namespace) -> int:
    project = load_project(args.root)
    stacks = [s.id for s in project.tree.stacks]
    if args.stack not in stacks:
        close = difflib.get_close_matches(args.stack, stacks, n=1, cutoff=0.6)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        known = f"; stacks: {', '.join(stacks)}" if stacks else "; the tree declares no stack (kind: stacks)"
        raise UsageError(f"--stack {args.stack!r} is not a stack of the tree{hint}{known}")
    tests = list({tc.id: tc for tc in reversed(project.tree.testcases)}.values())[::-1]
    if not tests:
        raise UsageError("the tree defines no test case (kind: testcases): there is nothing to record results for")
    file = Path(args.file)
    report = Report()
    limit = args.max_size * 1024 * 1024
    try:
        with open_report(file, limit) as fh:
            got = collect(cases(fh, report, limit), tests)
    except JUnitError as exc:
        print(f"{args.file}: error: {exc}; nothing was imported", file=sys.stderr)
        return 2
    target = project.root / RESULTS_DIR / file_name(args.stack)
    old = previous(target, args.stack)
    changes = diff(old, got.outcomes)
    store = bool(got.outcomes) and not args.dry_run
    when = import_time(args.date)
    if store:
        rs = ResultSet(args.stack, tuple(got.outcomes), run_at=report.timestamp or when, imported_from=file.name,
                       imported_at=when)
        write(target, rs)
    shown = f"{RESULTS_DIR}/{target.name}" if args.root == "." else str(Path(args.root) / RESULTS_DIR / target.name)
    if args.format == "json":
        _report_json(args, got, changes, store, shown, report)
    else:
        _report_text(args, got, changes, store, shown)
    return 0 if got.outcomes else 1


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


def _counts(changes: list[Change]) -> dict[str, int]:
    kinds = ("newly failing", "newly passing", "added", "removed", "changed")
    return {k: sum(1 for c in changes if c.kind == k) for k in kinds}


def _report_text(args: argparse.Namespace, got: Collected, changes: list[Change], stored: bool, shown: str) -> None:
    for name in got.unknown:
        print(f"{args.file}: warning: JUnit case {name}", file=sys.stderr)
    if got.unknown_count > len(got.unknown):
        print(f"{args.file}: warning: and {got.unknown_count - len(got.unknown)} more JUnit cases match no "
              "test case", file=sys.stderr)
    if stored or args.dry_run:
        for change in changes:
            print(change)
    n = _counts(changes)
    tally = (f"{n['newly failing']} newly failing, {n['newly passing']} newly passing, {n['added']} added, "
             f"{n['removed']} removed, {n['changed']} otherwise changed")
    outcomes = {k: sum(1 for o in got.outcomes if o.outcome == k) for k in ("passed", "failed", "error", "skipped")}
    counted = ", ".join(f"{v} {k if k != 'error' else 'in error'}" for k, v in outcomes.items())
    if stored:
        print(f"stored results of {_n(len(got.outcomes), 'test case')} for stack {args.stack!r} in {shown} ({counted}; "
              f"from {got.cases} JUnit cases, {got.unknown_count} matching no test case): {tally}")
    elif args.dry_run:
        print(f"dry run: results of {_n(len(got.outcomes), 'test case')} would be stored in {shown} "
              f"({counted}): {tally}")
    else:
        print(f"nothing was written: none of the {got.cases} JUnit cases matches a test case of the tree")


def _report_json(args: argparse.Namespace, got: Collected, changes: list[Change], stored: bool, shown: str,
                 report: Report) -> None:
    doc = {"stack": args.stack, "file": args.file, "stored": stored, "target": shown, "run_at": report.timestamp,
           "junit_cases": got.cases, "unknown": got.unknown, "unknown_count": got.unknown_count,
           "results": [{"test": o.test, "outcome": o.outcome, "duration": o.duration, "cases": o.cases}
                       for o in got.outcomes],
           "changes": [{"test": c.test, "before": c.before, "after": c.after, "change": c.kind} for c in changes]}
    sys.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
