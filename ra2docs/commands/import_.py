"""Import a vendor's answered RFP workbook into `responses/<vendor>.yaml`.

The workbook is checked first: it must be a plain .xlsx exported by `ra2docs export xlsx` from this tree
(hidden metadata: spec versions and a checksum of the exported requirements), no ID may be altered, added
or lost, and every answer must come from the vocabulary. Each problem is a finding of the one catalogue
(`ra2docs codes`), printed as `FILE:Sheet!Cell: severity: message [code]` (or as JSON, JUnit XML or
GitHub annotations, as `ra2docs check` prints its findings).

What is written: nothing at all when any error is found, unless --partial is given; then the rows without
errors are stored and the others left out (workbook-level errors such as a wrong spec still block).
Re-importing replaces that vendor's file and lists the answers added, changed and removed. No other file
is touched.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import sys
from pathlib import Path

from ra2docs import model
from ra2docs.commands.common import add_root_argument, load_project, positive_int
from ra2docs.errors import CATALOGUE, IMPORT_CODES, Finding, Location, Severity, UsageError
from ra2docs.load import load_files
from ra2docs.report import FORMATS, finding_dict, github_annotations, junit_xml, line
from ra2docs.responses import LockBusy, diff, locked, responses_path, vendor_slug, write
from ra2docs.xlsx.answers import ImportResult, read_answers
from ra2docs.xlsx.guard import MAX_FILE_BYTES, WorkbookError

NAME = "import"
HELP = "check a vendor's answered RFP workbook and store its answers under responses/"
EXIT_CODES = ((0, "imported (warnings allowed)"),
              (1, "errors were found (with --partial: the good rows were stored)"),
              (2, "usage error or a file that cannot be read (not xlsx, truncated, macro-enabled, too large)"))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="the answered workbook (.xlsx)")
    add_root_argument(parser)
    parser.add_argument("--vendor", metavar="NAME",
                        help="the vendor's name (answers go to responses/<slug>.yaml; default: the vendor name "
                             "filled in on the workbook's cover)")
    parser.add_argument("--partial", action="store_true",
                        help="store the rows without errors even when other rows have errors")
    parser.add_argument("--allow-changed-spec", action="store_true",
                        help="accept a workbook exported from an older version of the requirements (warning only)")
    parser.add_argument("--dry-run", action="store_true", help="check and report, but write nothing")
    parser.add_argument("--max-size", type=positive_int, default=MAX_FILE_BYTES // (1024 * 1024), metavar="MIB",
                        help="refuse files larger than this many MiB (default: %(default)s)")
    parser.add_argument("--date", help="the import time stored in the file (default: SOURCE_DATE_EPOCH or now)")
    parser.add_argument("--format", choices=FORMATS, default="text",
                        help="text for people; json, junit (JUnit XML) or github (annotations) for machines")
    parser.epilog = "problem codes (`ra2docs codes` says what to do about each):\n" + "\n".join(
        f"  {code:22} {CATALOGUE[code].summary}" for code in IMPORT_CODES)


def import_time(text: str | None) -> str:
    if text:
        try:
            return dt.datetime.fromisoformat(text).isoformat()
        except ValueError:
            raise UsageError(f"--date {text!r} is not an ISO 8601 date or time") from None
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch and epoch.isdigit() else dt.datetime.now(dt.UTC)
    return moment.replace(microsecond=0).isoformat()


def previous_answers(path: Path, vendor: str) -> tuple[model.Answer, ...]:
    """The vendor's stored answers; refuses to overwrite a file it cannot read or that is someone else's."""
    if not path.exists():
        return ()
    loaded = load_files([path])
    errors = [f for f in loaded.findings if f.effective_severity >= Severity.ERROR]
    if errors or len(loaded.tree.responses) != 1:
        first = errors[0].message if errors else "it holds no responses"
        raise UsageError(f"{path} cannot be read ({first}); fix or move it first: nothing was written")
    stored = loaded.tree.responses[0]
    if stored.vendor != vendor:
        raise UsageError(f"{path} holds the answers of vendor {stored.vendor!r}, whose name gives the same file "
                         f"name as {vendor!r}; use --vendor {stored.vendor!r} or another name: nothing was written")
    return stored.answers


def run(args: argparse.Namespace) -> int:
    if args.vendor is not None and not vendor_slug(args.vendor):
        raise UsageError(f"--vendor {args.vendor!r} has no letters or digits to name a file with")
    project = load_project(args.root)
    file = Path(args.file)
    try:
        result = read_answers(file, project, args.allow_changed_spec, args.max_size * 1024 * 1024)
    except WorkbookError as exc:
        print(line(Finding(exc.code, exc.message, Location(args.file))) + "; nothing was imported", file=sys.stderr)
        return 2
    if args.vendor is None:
        args.vendor = result.vendor_details.get("vendor", "")
        if not vendor_slug(args.vendor):
            raise UsageError(f"{args.file}: the cover's vendor name is empty (or has no letters or digits); "
                             "give --vendor NAME")
    target = responses_path(project.root, args.vendor)
    would_store = bool(result.answers) and not result.blocked and (args.partial or not result.errors)
    store = would_store and not args.dry_run
    # Under the lock: the stored answers are read again (another import may have written them meanwhile),
    # a second vendor name giving the same file name is refused, and only then the file is written.
    try:
        with locked(project.root) if store or target.parent.is_dir() else contextlib.nullcontext():
            old = previous_answers(target, args.vendor)
            changes = diff(old, tuple(result.answers))
            if store:
                write(project.root, model.VendorResponse(
                    vendor=args.vendor, answers=tuple(result.answers), imported_from=file.name,
                    imported_at=import_time(args.date), checksum=result.checksum,
                    spec_versions=result.spec_versions, asked=tuple(result.asked),
                    details=result.vendor_details))
    except LockBusy as exc:
        raise UsageError(f"{exc}: nothing was written") from None
    shown = str(Path(args.root) / "responses" / target.name) if args.root != "." else f"responses/{target.name}"
    if args.format == "json":
        _report_json(args, result, changes, store, shown, would_store)
    elif args.format == "junit":
        sys.stdout.write(junit_xml(result.problems, "ra2docs import", IMPORT_CODES, Severity.ERROR))
    elif args.format == "github":
        annotations = github_annotations(result.problems)
        sys.stdout.write("\n".join([*annotations, _outcome(args, result, changes, store, shown, would_store)]) + "\n")
    else:
        _report_text(args, result, changes, store, shown, would_store)
    return 1 if result.errors else 0


def _report_text(args: argparse.Namespace, result: ImportResult, changes: list, stored: bool, shown: str,
                 would_store: bool) -> None:
    if result.vendor_details:
        print("vendor details: " + "; ".join(f"{k} {v!r}" for k, v in result.vendor_details.items()))
    for p in result.problems:
        print(line(p))
    if stored:
        for change in changes:
            print(change)
    print(_outcome(args, result, changes, stored, shown, would_store))


def _outcome(args: argparse.Namespace, result: ImportResult, changes: list, stored: bool, shown: str,
             would_store: bool) -> str:
    """The summary line: what was (or would be) stored, and the counts of errors and warnings."""
    counts = {k: sum(1 for c in changes if c.kind == k) for k in ("added", "changed", "removed")}
    errors = len(result.errors)
    warnings = len(result.problems) - errors
    if stored:
        what = (f"stored {len(result.answers)} answers of vendor {args.vendor!r} in {shown} "
                f"({counts['added']} added, {counts['changed']} changed, {counts['removed']} removed; "
                f"{len(result.unanswered)} requirements unanswered)")
    elif args.dry_run and would_store:
        what = (f"dry run: {len(result.answers)} answers would be stored in {shown} ({counts['added']} added, "
                f"{counts['changed']} changed, {counts['removed']} removed)")
    elif result.blocked or not result.answers:
        what = f"{'dry run: ' if args.dry_run else ''}nothing {'would be' if args.dry_run else 'was'} written: " \
               "the workbook does not match this tree"
    else:
        what = (f"{'dry run: ' if args.dry_run else ''}nothing {'would be' if args.dry_run else 'was'} written "
                "(fix the rows above, or store the good rows with --partial)")
    return f"{what}: {errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}"


def _report_json(args: argparse.Namespace, result: ImportResult, changes: list, stored: bool, shown: str,
                 would_store: bool) -> None:
    doc = {"vendor": args.vendor, "vendor_details": result.vendor_details, "file": args.file, "stored": stored,
           "would_store": would_store, "target": shown,
           "answers": len(result.answers), "unanswered": result.unanswered,
           "findings": [finding_dict(p) for p in result.problems],
           "changes": [{"id": c.id, "change": c.kind, "before": c.before, "after": c.after} for c in changes]}
    sys.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
