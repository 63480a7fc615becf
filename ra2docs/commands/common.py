"""Argument handling shared by the commands."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from ra2docs.errors import UNREAD_CODES, Finding, UsageError
from ra2docs.files import protected_output
from ra2docs.load import TREE_DIRS, Parsed, is_tree
from ra2docs.project import Project


def port_number(text: str) -> int:
    """An argparse type: a TCP port, 1 to 65535."""
    value = positive_int(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"{text} is no port: ports go from 1 to 65535")
    return value


def positive_int(text: str) -> int:
    """An argparse type: a whole number above zero."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text} must be above 0")
    return value


ROOT_HELP = ("the spec tree: a folder holding requirements/ and mappings/ (default: the current folder, "
             "or the nearest parent folder that is one)")


def add_root_argument(parser: argparse.ArgumentParser, help: str = ROOT_HELP) -> None:
    # None: not given; `ra2docs.cli.main` replaces it with `find_root()` before the command runs
    parser.add_argument("root", nargs="?", default=None, metavar="ROOT", help=help)


def find_root() -> str:
    """The spec tree when no ROOT is given: `.`, else the nearest parent folder that is one (as git does)."""
    here = Path.cwd()
    for folder in (here, *here.parents):
        if is_tree(folder):
            return "." if folder == here else os.path.relpath(folder, here)
    raise UsageError(f"no spec tree here or in any parent folder (a folder holding "
                     f"{' or '.join(d + '/' for d in TREE_DIRS[:2])}); pass ROOT, e.g. `ra2docs check path/to/tree`")


def tree_root(text: str) -> Path:
    root = Path(text)
    if root.is_file():
        raise UsageError(f"{text}: is a file, not a spec tree folder; give the folder holding "
                         f"{' and '.join(d + '/' for d in TREE_DIRS[:2])}")
    if not root.is_dir():
        raise UsageError(f"{text}: no such folder")
    if not is_tree(root):
        raise UsageError(f"{text}: not a spec tree (expected one of {', '.join(d + '/' for d in TREE_DIRS)})")
    return root


def load_project(text: str, for_people: bool = True) -> Project:
    """Load and check the tree at `text`; a progress bar on stderr in a terminal when the output is for people."""
    from ra2docs import term

    root = tree_root(text)
    if not for_people or not term.progress_enabled(sys.stderr):
        return Project.load(root, display_root=text, for_process=True)
    from ra2docs.load import discover, read_file

    total = len(discover(root))
    with term.progress(total, "loading", sys.stderr) as bar:
        done = 0

        def reader(path: Path, display: str, findings: list[Finding]) -> Parsed:
            nonlocal done
            parsed = read_file(path, display, findings)
            done += 1
            bar.update()
            if done == total:
                bar.phase("checking")
            return parsed

        return Project.load(root, display_root=text, reader=reader, for_process=True)


def add_output_argument(parser: argparse.ArgumentParser, help: str, metavar: str = "FILE",
                        required: bool = False) -> None:
    """-o FILE and --force, checked by `check_output` before the command runs (see `ra2docs.cli.main`)."""
    parser.add_argument("-o", "--output", metavar=metavar, required=required, help=help)
    parser.add_argument("--force", action="store_true",
                        help="write -o FILE even over a source file (spec tree YAML, conf.py, a page, a README)")


def check_output(text: str, force: bool = False, protect_sources: bool = True) -> None:
    """Refuse an -o FILE that cannot or must not be written, before any work is done."""
    if text == "-":
        return
    path = Path(text)
    if path.is_dir():
        raise UsageError(f"{text}: is a folder; give a file path")
    parent = path.parent
    if not parent.is_dir():
        what = "is not a folder" if parent.exists() else "does not exist"
        raise UsageError(f"{text}: the folder {parent} {what}; create it first or give another path")
    protected = protected_output(path) if protect_sources and not force else None
    if protected:
        raise UsageError(f"{text}: is {protected}; refusing to overwrite it (give another path, or --force to "
                         "replace it)")
    try:
        fd, probe = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".probe", dir=parent)
    except OSError as exc:
        raise UsageError(f"{text}: cannot write in {parent}: {exc.strerror or exc}") from None
    os.close(fd)
    Path(probe).unlink(missing_ok=True)


def add_allow_errors_argument(parser: argparse.ArgumentParser, what: str = "export") -> None:
    parser.add_argument("--allow-errors", action="store_true",
                        help=f"{what} what could be read even when some files of the tree cannot be read")


def unread_findings(findings: Iterable[Finding]) -> list[Finding]:
    """The findings saying a file could not be read at all: what it defines is missing."""
    return sorted((f for f in findings if f.code in UNREAD_CODES), key=Finding.sort_key)


def located(f: Finding, prefix: str = "") -> str:
    """`file:line:col: message [code]`, the file shown under `prefix` (the tree as the user named it)."""
    where = str(f.location)
    if prefix.endswith((":", "/")):  # a git revision, REV: or REV:PATH/
        where = prefix + where
    elif prefix and prefix != ".":
        where = str(Path(prefix) / where)
    return f"{where}: {f.message} [{f.code}]"


def report_unread(findings: Iterable[Finding], prefix: str = "") -> int:
    """Print each unreadable file's findings (`file:line:col: message [code]`) on stderr; how many files."""
    unread = unread_findings(findings)
    for f in unread:
        sys.stderr.write(f"{located(f, prefix)}\n")
    return len({f.location.file for f in unread})


def unread_error(files: int, what: str = "export", side: str = "") -> UsageError:
    them = "it" if files == 1 else "them"
    return UsageError(f"{files} file{'s' if files != 1 else ''} of {side or 'the tree'} could not be read "
                      f"(above); fix {them}, or pass --allow-errors to {what} what could be read")


def refuse_unread(findings: Iterable[Finding], allow_errors: bool, prefix: str = "", what: str = "export") -> None:
    """Stop (exit 2) when files could not be read, unless --allow-errors: never a silently partial result."""
    if allow_errors:
        return
    files = report_unread(findings, prefix)
    if files:
        raise unread_error(files, what)
