"""Compare two releases of a spec tree: requirements added, removed, renamed and changed, links,
coverage and support cells.

OLD and NEW are folders or git revisions (`HEAD~3`, `v1.0`, `v1.0:path/to/tree`); NEW defaults to
the current folder. Revisions are read with `git archive` into a temporary folder: the checkout is
never modified. A file that cannot be read on either side stops the comparison unless --allow-errors.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ra2docs.commands.common import add_allow_errors_argument, add_output_argument, report_unread, unread_error
from ra2docs.diff import diff_trees, render_text
from ra2docs.diff_sources import tree_at
from ra2docs.fileio import write_text_atomic
from ra2docs.project import Project

NAME = "diff"
HELP = "what changed between two releases (folders or git revisions) of a spec tree"
EXIT_CODES = ((0, "compared (with --exit-code: no differences)"), (1, "with --exit-code: the trees differ"),
              (2, "usage error, or a side that cannot be read (a file of it, unless --allow-errors)"))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("old", metavar="OLD", help="the older tree: a folder, REV or REV:PATH")
    parser.add_argument("new", metavar="NEW", nargs="?", default=".",
                        help="the newer tree: a folder, REV or REV:PATH (default: .)")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="text for people, json for machines (default: text)")
    add_output_argument(parser, "write to FILE instead of stdout")
    parser.add_argument("--exit-code", action="store_true", help="exit 1 when the trees differ")
    add_allow_errors_argument(parser, "compare")


def run(args: argparse.Namespace) -> int:
    with tree_at(args.old) as old_root, tree_at(args.new) as new_root:
        old, new = Project.load(old_root, display_root=""), Project.load(new_root, display_root="")
        if not args.allow_errors:
            unread = [(report_unread(p.loaded.findings, _prefix(spec)), side, spec)
                      for p, side, spec in ((old, "OLD", args.old), (new, "NEW", args.new))]
            sides = [f"{side} ({spec})" for files, side, spec in unread if files]
            if sides:
                raise unread_error(sum(files for files, _, _ in unread), "compare", " and ".join(sides))
        result = diff_trees(old.tree, new.tree, args.old, args.new, old.graph, new.graph)
    text = json.dumps(result.as_dict(), indent=2, ensure_ascii=False) + "\n" if args.format == "json" \
        else render_text(result)
    if args.output:
        write_text_atomic(args.output, text)
    else:
        sys.stdout.write(text)
    return 1 if args.exit_code and not result.empty else 0


def _prefix(spec: str) -> str:
    """How a side's file names are shown: under the folder, or as REV:PATH for a git revision."""
    if Path(spec).is_dir():
        return spec
    rev, _, path = spec.partition(":")
    return f"{rev}:{path.strip('/')}/" if path.strip("/") else f"{rev}:"
