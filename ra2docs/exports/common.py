"""What the export commands share: loading the tree for export and writing the output."""

from __future__ import annotations

import argparse
import sys
from collections import Counter

from ra2docs import model
from ra2docs.commands.common import (
    add_allow_errors_argument,
    add_output_argument,
    add_root_argument,
    refuse_unread,
    tree_root,
)
from ra2docs.errors import Severity
from ra2docs.fileio import write_bytes_atomic
from ra2docs.project import Project


def add_common_arguments(parser: argparse.ArgumentParser, default_name: str) -> None:
    add_root_argument(parser)
    add_output_argument(parser, f"write to FILE (atomically) instead of stdout; e.g. {default_name}")
    add_allow_errors_argument(parser)


def load_for_export(args: argparse.Namespace) -> Project:
    """Load the tree with file names relative to its root, so the export does not depend on the cwd.

    A file that cannot be read stops the export (exit 2) unless --allow-errors. A tree with other errors
    is still exported (the data is what it is), with a warning on stderr.
    """
    root_text = args.root
    project = Project.load(tree_root(root_text), display_root="")
    refuse_unread(project.result.findings, args.allow_errors, prefix=root_text)
    errors = project.result.at_or_above(Severity.ERROR)
    if errors:
        sys.stderr.write(f"ra2docs {args.command}: warning: {root_text} has {len(errors)} open error(s); "
                         f"exported anyway (see `ra2docs check {root_text}`)\n")
    return project


def emit(output: str | None, data: str | bytes) -> None:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if output and output != "-":
        write_bytes_atomic(output, raw)
    else:
        sys.stdout.buffer.write(raw)
        sys.stdout.flush()


def warn_duplicates(fmt: str, tree: model.Tree) -> None:
    """Formats keyed by requirement ID hold one requirement per ID: say, in one line, that some were left out."""
    counts = Counter(req.key for req in tree.requirements)  # the same ID in two specs is two keys
    repeated = {rid: n for rid, n in counts.items() if n > 1}
    if repeated:
        extra = sum(repeated.values()) - len(repeated)
        ids = f"{len(repeated)} ID{'s are' if len(repeated) != 1 else ' is'}"
        sys.stderr.write(f"ra2docs export {fmt}: warning: {ids} defined more than once ({extra} extra "
                         f"definition{'s' if extra != 1 else ''}; ra2.duplicate-id, see `ra2docs check`); "
                         "the first definition of each is exported\n")
