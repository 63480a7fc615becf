"""The two sides of `ra2docs diff`: a spec-tree folder, or a git revision of one.

A revision is read with `git archive` into a temporary folder that is removed afterwards; the user's
checkout, index and branches are never touched. `REV` alone means the tree at the same place in the
repository as the current folder; `REV:PATH` names the folder, relative to the repository's top (as git
spells it, e.g. `v1.0:specs/ra2`).
"""

from __future__ import annotations

import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from ra2docs.errors import UsageError
from ra2docs.load import TREE_DIRS, is_tree


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=120)
    except FileNotFoundError:
        raise UsageError("git is not installed; give two folders instead of revisions") from None


def _safe_extract(archive: tarfile.TarFile, target: Path) -> None:
    if hasattr(tarfile, "data_filter"):
        archive.extractall(target, filter="data")
        return
    for member in archive:  # pragma: no cover - Python < 3.11.4 only
        name = PurePosixPath(member.name)
        if name.is_absolute() or ".." in name.parts or not (member.isfile() or member.isdir()):
            continue
        archive.extract(member, target)


@contextmanager
def tree_at(spec: str, cwd: Path | None = None) -> Iterator[Path]:
    """The folder holding the spec tree `spec` names (a folder, `REV` or `REV:PATH`), while in use."""
    cwd = cwd or Path.cwd()
    as_path = cwd / spec
    if as_path.is_dir():
        if not is_tree(as_path):
            raise UsageError(f"{spec}: not a spec tree (expected one of {', '.join(d + '/' for d in TREE_DIRS)})")
        yield as_path
        return
    rev, colon, sub = spec.partition(":")
    top_proc = _git(cwd, "rev-parse", "--show-toplevel")
    if top_proc.returncode != 0:
        raise UsageError(f"{spec}: no such folder (and {cwd} is not inside a git repository)")
    top = Path(top_proc.stdout.strip())
    if not colon:
        sub = _git(cwd, "rev-parse", "--show-prefix").stdout.strip()
    sub = sub.strip("/")
    commit = _git(top, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    if not rev or commit.returncode != 0:
        raise UsageError(f"{spec}: neither a folder nor a git revision")
    with tempfile.TemporaryDirectory(prefix="ra2docs-diff-") as tmp:
        args = ["git", "archive", "--format=tar", commit.stdout.strip()]
        if sub:
            args += ["--", sub]
        with subprocess.Popen(args, cwd=top, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
            assert proc.stdout is not None
            try:
                with tarfile.open(fileobj=proc.stdout, mode="r|") as archive:
                    _safe_extract(archive, Path(tmp))
            except tarfile.TarError:
                pass  # git's message below says why
            err = proc.stderr.read().decode("utf-8", "replace").strip() if proc.stderr else ""
        if proc.returncode != 0:
            raise UsageError(f"{spec}: git archive failed: {err or 'unknown error'}")
        root = Path(tmp) / sub if sub else Path(tmp)
        if not is_tree(root):
            raise UsageError(f"{spec}: no spec tree at {sub or 'the top'} in revision {rev}")
        yield root
