"""Export an RFP workbook (.xlsx) for vendors to answer.

Sheets: Instructions (spec versions, date, the vendor details to fill in, a live count of the answered
rows, how to answer, the answer vocabulary); Requirements (ID and title frozen beside the answer columns,
the spec columns locked, Compliance / Comment / Evidence unlocked, Compliance a drop-down list, header
frozen, auto-filter on; printed with a header naming the specs, page numbers, gridlines and the header
row and ID / title repeated); one sheet per support matrix (levels coloured, with a legend, cells
wrapped, printed to the page width); Coverage (counts); and a hidden metadata sheet (spec versions,
selection, a checksum of the exported requirements) that `ra2docs import` uses to match the answered
workbook to what was sent.

By default the workbook asks about the reference architecture's own requirements: those of the specs no
other spec is based on (RA2, not the RM it builds on); --with-base adds the base specs' requirements.
Select requirements with --spec, --profile, --category, --level, IDs (after ROOT, or --id; IDs select
across every spec) and --match (glob on ID or title) / --regex. All selections combine (a requirement
must pass each).
Text that a spreadsheet could read as a formula is written as text. The date shown (and stored) is
--date, else SOURCE_DATE_EPOCH, else today, so the same inputs give the same workbook.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys

from ra2docs import model, term
from ra2docs.commands.common import (
    add_allow_errors_argument,
    add_output_argument,
    find_root,
    load_project,
    refuse_unread,
)
from ra2docs.errors import UsageError
from ra2docs.fileio import building
from ra2docs.schema import LEVELS
from ra2docs.xlsx.export import ExportOptions, write_rfp
from ra2docs.xlsx.selection import Selection, SelectionError
from ra2docs.xlsx.workbook import altered_warning

FORMAT = "xlsx"
HELP = "an RFP workbook vendors answer (then `ra2docs import` reads it back)"
EXIT_CODES = ((0, "exported"),
              (2, "usage error, a file of the tree cannot be read, or the output cannot be written"))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_output_argument(parser, "the workbook to write (.xlsx)", required=True)
    add_allow_errors_argument(parser)
    parser.usage = "ra2docs export xlsx -o FILE [ROOT] [ID ...] [options]"
    parser.add_argument("targets", nargs="*", metavar="ROOT ID",
                        help="the spec tree (default: the current folder or the nearest parent that is one), "
                             "then only these requirement IDs")
    parser.add_argument("--id", action="append", default=[], dest="more_ids", metavar="ID",
                        help="only this requirement (repeatable)")
    parser.add_argument("--spec", action="append", default=[],
                        help="only requirements of this spec (repeatable; default: the specs no other spec is based "
                             "on, i.e. the reference architecture's own requirements)")
    parser.add_argument("--with-base", action="store_true",
                        help="also the requirements of the specs the selected ones are based on (e.g. the RM)")
    parser.add_argument("--profile", default="", help="only requirements of this profile; levels as in it")
    parser.add_argument("--category", action="append", default=[], help="only this category (repeatable)")
    parser.add_argument("--level", action="append", default=[], choices=LEVELS, help="only this level (repeatable)")
    parser.add_argument("--match", action="append", default=[], metavar="GLOB",
                        help="only IDs or titles matching this glob, case-blind (repeatable: any)")
    parser.add_argument("--regex", default="", help="only IDs or titles in which this regular expression is found")
    parser.add_argument("--date", help="the date shown on the cover (YYYY-MM-DD)")
    parser.add_argument("--stack", default="", metavar="NAME",
                        help="add a read-only Test evidence sheet: this stack's imported test results per requirement")
    parser.add_argument("--password", help="protect the sheets with this password (default: protected, no password)")


def export_date(text: str | None) -> dt.date:
    if text:
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise UsageError(f"--date {text!r} is not a date written YYYY-MM-DD") from None
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.date.today()


def own_specs(tree: model.Tree) -> tuple[str, ...]:
    """The specs no other spec of the tree is based on: what an RFP asks about by default."""
    bases = {b for spec in tree.specs for b in spec.based_on}
    return tuple(s.id for s in tree.specs if s.id not in bases)


def with_bases(tree: model.Tree, specs: tuple[str, ...]) -> tuple[str, ...]:
    """`specs` and every spec they are based on, directly or not, in the tree's order."""
    index = tree.spec_index()
    wanted: set[str] = set()
    todo = list(specs)
    while todo:
        spec = todo.pop()
        if spec in wanted:
            continue
        wanted.add(spec)
        todo.extend(index[spec].based_on if spec in index else ())
    return tuple(s.id for s in tree.specs if s.id in wanted)


def run(args: argparse.Namespace) -> int:
    args.root, args.ids = (args.targets[0], args.targets[1:]) if args.targets else (find_root(), [])
    if not os.path.exists(args.root):
        raise UsageError(f"{args.root}: no such folder (to select requirements by ID, give ROOT first, "
                         "e.g. `.`, or use --id)")
    project = load_project(args.root)
    refuse_unread(project.result.findings, args.allow_errors)
    ids = tuple(dict.fromkeys(args.ids + args.more_ids))
    specs = tuple(args.spec) or (() if ids else own_specs(project.tree))
    if args.with_base and specs:
        specs = with_bases(project.tree, specs)
    sel = Selection(specs=specs, profile=args.profile, categories=tuple(args.category),
                    levels=tuple(args.level), ids=ids,
                    match=tuple(args.match), regex=args.regex)
    known_specs = project.tree.spec_index()
    for spec in sel.specs:
        if spec not in known_specs:
            raise UsageError(f"--spec {spec!r}: no such spec; the tree holds {', '.join(known_specs) or 'none'}")
    if sel.profile and sel.profile not in project.graph.profiles():
        raise UsageError(f"--profile {sel.profile!r}: no spec declares it; known: "
                         f"{', '.join(project.graph.profiles()) or 'none'}")
    unknown = [i for i in sel.ids if i not in project.graph.requirements]
    if unknown:
        raise UsageError(f"no such requirement: {', '.join(unknown)}")
    if not args.output.lower().endswith(".xlsx"):
        raise UsageError(f"{args.output}: the output must be an .xlsx file")
    if args.stack and args.stack not in {s.id for s in project.tree.stacks}:
        raise UsageError(f"--stack {args.stack!r}: no such stack; the tree holds "
                         f"{', '.join(s.id for s in project.tree.stacks) or 'none'}")
    options = ExportOptions(sel, export_date(args.date), args.password or None, args.stack)
    try:
        with building(args.output), term.progress(None, "writing", sys.stderr, unit="row") as bar:
            # openpyxl's sheet streams live beside the output, removed on failure
            summary = write_rfp(project, args.output, options, progress=bar)
    except SelectionError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"{args.output}: cannot write: {exc.strerror or exc}") from None
    if altered := altered_warning():
        print(f"ra2docs export xlsx: warning: {args.output}: {altered}", file=sys.stderr)
    if not summary.requirements:
        print(f"ra2docs export xlsx: warning: the selection ({sel.describe()}) holds no requirements",
              file=sys.stderr)
    print(f"wrote {args.output}: {summary.requirements} requirements, {summary.matrices} matrices "
          f"({summary.cells} cells), checksum {summary.checksum[:19]}…")
    return 0
