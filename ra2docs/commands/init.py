"""Start a new spec tree: `ra2docs init [DIR]` writes a small one that passes `check` and builds.

It writes a spec with one requirement, a component, a support vocabulary and matrix, a coverage policy,
conf.py, source/index.rst and a Makefile (`make check`, `make html`). Replace the sample content with
your own. It never overwrites a file: when any of them exists, nothing is written.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from ra2docs.errors import UsageError

NAME = "init"
HELP = "start a new spec tree (spec, requirement, component, matrix, policy, conf.py, pages, Makefile)"
EXIT_CODES = ((0, "the tree was written"), (2, "usage error, or a file it would write exists already"))

SCAFFOLD = Path(__file__).resolve().parent.parent / "scaffold"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("directory", nargs="?", default=".", metavar="DIR",
                        help="the folder to write into; created when missing (default: the current folder)")


def scaffold_files() -> list[Path]:
    """The files written, relative to the new tree's folder."""
    return sorted(p.relative_to(SCAFFOLD) for p in SCAFFOLD.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts)


def _create(path: Path, data: bytes) -> None:
    """Write `path` whole or not at all, and never over a file that appeared meanwhile."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes it 0600: the tree is for the team
        os.link(tmp, path)  # fails when `path` exists: unlike a rename, it cannot replace it
    finally:
        os.unlink(tmp)


def run(args: argparse.Namespace) -> int:
    target = Path(args.directory)
    if target.exists() and not target.is_dir():
        raise UsageError(f"{args.directory}: is a file; give a folder")
    files = scaffold_files()
    existing = [str(rel) for rel in files if (target / rel).exists() or (target / rel).is_symlink()]
    if existing:
        raise UsageError(f"{args.directory}: {', '.join(existing)} exist{'s' if len(existing) == 1 else ''} "
                         "already; nothing written (use an empty folder, or move them away)")
    for rel in files:
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        try:
            _create(target / rel, (SCAFFOLD / rel).read_bytes())
        except FileExistsError:
            raise UsageError(f"{target / rel}: appeared while writing; the files before it are written") from None
    shown = "." if args.directory in (".", "") else args.directory
    sys.stdout.write(f"wrote a new spec tree in {shown}: {len(files)} files\n")
    sys.stdout.write("".join(f"  {rel}\n" for rel in files))
    cd = f"cd {shown} && " if shown != "." else ""
    sys.stdout.write(f"next: {cd}ra2docs check, then make html (the site in build/html)\n")
    return 0
