"""Start a new spec tree: `ra2docs init [DIR]` writes a small one that passes `check` and builds.

It writes a spec with one requirement, a component, a support vocabulary and matrix, a coverage policy,
conf.py, source/index.rst and a Makefile (`make check`, `make html`). Replace the sample content with
your own. It never overwrites a file: when any of them exists, nothing is written. The commands it prints
to run next work from the shell it ran in: they name this ra2docs and its Python by their full path when
PATH finds other ones (a virtualenv that is not activated: `make html PYTHON=.../bin/python`).
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
    sys.stdout.write(next_steps(shown, target))
    return 0


def next_steps(shown: str, target: Path) -> str:
    """The commands to run next, as they work from this shell: the full path of this ra2docs (or Python) when
    the one PATH finds is another or none, as when ra2docs is in a virtualenv that is not activated."""
    import shlex

    steps = [] if shown == "." else [f"cd {shlex.quote(shown)}"]
    path_python_works = _path_python_has_ra2docs(target)
    steps.append(f"{_ra2docs_command(path_python_works)} check")
    python = "" if path_python_works else f" PYTHON={shlex.quote(sys.executable)}"
    steps.append(f"make html{python}    # the site in build/html")
    return "next:\n" + "".join(f"  {step}\n" for step in steps)


def _ra2docs_command(path_python_works: bool) -> str:
    """How to run this ra2docs from this shell: `ra2docs` when PATH finds this one, else its full path."""
    import shlex
    import shutil

    on_path = shutil.which("ra2docs")
    script = Path(sys.argv[0])  # the console script, or ra2docs/__main__.py under `python -m ra2docs`
    if on_path and (_same_file(Path(on_path).parent, Path(sys.executable).parent) or _same_file(Path(on_path), script)):
        return "ra2docs"
    if script.name == "ra2docs" and script.is_file():
        return shlex.quote(str(script.absolute()))
    return f"{'python3' if path_python_works else shlex.quote(sys.executable)} -m ra2docs"


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _path_python_has_ra2docs(target: Path) -> bool:
    """Whether the `python3` PATH finds (the scaffold Makefile's PYTHON) imports ra2docs and Sphinx."""
    import shutil
    import subprocess

    python3 = shutil.which("python3")
    if python3 is None:
        return False
    try:
        return subprocess.run([python3, "-c", "import ra2docs, sphinx"], cwd=target, stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False
