"""The file layer: how every reader of ra2docs (CLI, Sphinx, xlsx, exports) opens and lists input.

- Only regular files are read. FIFOs, devices, sockets and folders are refused by their type, found with
  `stat` before the file is opened (a FIFO would block `open`, `/dev/zero` never ends), and checked once
  more with `fstat` on the opened descriptor (opened non-blocking), so a file swapped meanwhile is refused
  too.
- A symbolic link is followed only when its target stays inside the tree being read; a link leaving the
  tree is refused, unless the environment variable RA2DOCS_FOLLOW_LINKS_OUTSIDE=1 allows it. Dangling links
  and link loops are reported, never raised.
- Sizes are limited by the bytes actually read (`st_size` is 0 for `/dev/zero` and meaningless for a
  FIFO): reading stops one byte past the limit.
- A folder that cannot be listed is reported at that folder; nothing under it is skipped silently.

Errors are `UnreadableError`, an OSError whose `strerror` is a sentence for people (without the path).
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ra2docs.errors import Finding, Location

MIB = 1024 * 1024
MAX_SPEC_FILE_BYTES = 64 * MIB  # one YAML file of a spec tree
MAX_JSON_BYTES = 256 * MIB  # a needs.json to import
ALLOW_OUTSIDE_ENV = "RA2DOCS_FOLLOW_LINKS_OUTSIDE"
_CHUNK = 1024 * 1024


class UnreadableError(OSError):
    """A file or folder that is not read; `strerror` says why in words for people."""

    def __init__(self, path: Path | str, message: str, errno_: int = errno.EINVAL) -> None:
        super().__init__(errno_, message, str(path))


def outside_links_allowed() -> bool:
    return os.environ.get(ALLOW_OUTSIDE_ENV, "") == "1"


def type_word(mode: int) -> str:
    """What a non-regular file is, for messages."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _within(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def check_link(path: Path, root: Path | None) -> None:
    """Raise UnreadableError for a dangling link, a link loop, or a link leaving `root`."""
    try:
        if not os.path.islink(path):
            return
    except OSError:
        return
    try:
        target = os.path.realpath(path, strict=True)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UnreadableError(path, "is a symbolic link that loops (it leads back to itself)",
                                  errno.ELOOP) from None
        raise UnreadableError(path, f"is a symbolic link to {os.readlink(path)}, which does not exist "
                              "(a dangling link)", errno.ENOENT) from None
    if root is not None and not outside_links_allowed():
        top = os.path.realpath(root)
        if not _within(target, top):
            raise UnreadableError(path, f"is a symbolic link leading out of the tree (to {os.readlink(path)}); "
                                  f"copy what it points to into the tree, or set {ALLOW_OUTSIDE_ENV}=1 to "
                                  "follow such links", errno.EACCES)


def read_bytes(path: Path | str, limit: int, root: Path | None = None) -> bytes:
    """The bytes of the regular file at `path`, at most `limit` of them; UnreadableError otherwise.

    With `root`, a symbolic link must stay inside it. OSError (permissions, I/O) passes through."""
    path = Path(path)
    check_link(path, root)
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        raise UnreadableError(path, f"is {type_word(st.st_mode)}, not a regular file; only regular files are read")
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):  # replaced between the two looks
            raise UnreadableError(path, f"is {type_word(st.st_mode)}, not a regular file; only regular files "
                                  "are read")
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(_CHUNK, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise UnreadableError(path, f"is over the {limit:,} byte limit ({limit // MIB} MiB) for "
                                      "this kind of file", errno.EFBIG)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_text(path: Path | str, limit: int, root: Path | None = None) -> str:
    """`read_bytes` decoded as UTF-8 (UnicodeDecodeError passes through)."""
    return read_bytes(path, limit, root).decode("utf-8")


def check_regular(path: Path | str, root: Path | None = None) -> os.stat_result:
    """The stat of a regular file (a link followed under the same rules as `read_bytes`), else UnreadableError."""
    path = Path(path)
    check_link(path, root)
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        raise UnreadableError(path, f"is {type_word(st.st_mode)}, not a regular file; only regular files are read")
    return st


def stamp(path: Path | str) -> tuple[int, int]:
    """(mtime_ns, size) of a file for change detection; (0, -1) when it cannot be looked at. Never raises."""
    try:
        st = os.stat(path)
    except OSError:
        try:
            st = os.lstat(path)
        except OSError:
            return 0, -1
    return st.st_mtime_ns, st.st_size


@dataclass
class Listing:
    """The files found under some folders, and the places that could not be listed (path, why)."""

    files: list[Path] = field(default_factory=list)
    problems: list[tuple[Path, str]] = field(default_factory=list)


def list_files(root: Path, folders: Iterable[str], suffixes: tuple[str, ...]) -> Listing:
    """Files ending in `suffixes` under each of `folders` of `root`, in a stable order.

    Hidden names (a leading dot) are left out. A folder that cannot be listed, a link to a folder outside
    the tree, a link loop and a dangling link to a folder are problems, reported in `Listing.problems`.
    Links to files are listed (the reader judges them); links to folders inside the tree are followed once.
    """
    out = Listing()
    seen: set[tuple[int, int]] = set()
    for sub in folders:
        base = root / sub
        if not os.path.lexists(base):
            continue
        try:
            check_link(base, root)
        except UnreadableError as exc:
            out.problems.append((base, exc.strerror or str(exc)))
            continue
        if base.is_dir():
            _walk(base, root, suffixes, out, seen)
    return out


def _walk(folder: Path, root: Path, suffixes: tuple[str, ...], out: Listing, seen: set[tuple[int, int]]) -> None:
    try:
        st = os.stat(folder)
        key = (st.st_dev, st.st_ino)
        if key in seen:
            return  # reached again through a link: listed once
        seen.add(key)
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        out.problems.append((folder, f"cannot list the folder: {exc.strerror or exc}; nothing under it was read"))
        return
    subfolders: list[Path] = []
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        try:
            is_link = entry.is_symlink()
            is_dir = entry.is_dir(follow_symlinks=not is_link) if not is_link else os.path.isdir(path)
        except OSError:
            is_link, is_dir = False, False
        if entry.name.endswith(suffixes) and not is_dir:
            out.files.append(path)
            continue
        if is_link and not is_dir and not os.path.exists(path):
            continue  # a dangling link without a spec file's name: nothing was meant to be read there
        if is_dir:
            if is_link:
                try:
                    check_link(path, root)
                except UnreadableError as exc:
                    out.problems.append((path, exc.strerror or str(exc)))
                    continue
            subfolders.append(path)
    for sub in subfolders:
        _walk(sub, root, suffixes, out, seen)


TREE_DIRS = ("requirements", "mappings", "responses", "results")


def tree_of(path: Path) -> Path | None:
    """The spec tree a file belongs to: the folder holding its nearest `requirements/`, `mappings/` or
    `responses/` ancestor; None for a file outside any tree (a file named by the user is read as named)."""
    for folder in Path(os.path.abspath(path)).parents:
        if folder.name in TREE_DIRS:
            return folder.parent
    return None


def display_path(path: Path, root: Path, prefix: str) -> str:
    rel = path.relative_to(root).as_posix()
    return rel if prefix in ("", ".") else f"{prefix.rstrip('/')}/{rel}"


def listing_findings(listing: Listing, root: Path, prefix: str) -> list[Finding]:
    """Findings for what a listing could not read, and for a tree without any requirements file."""
    out = []
    for path, why in listing.problems:
        out.append(Finding("ra2.folder-unreadable", why, Location(display_path(path, root, prefix) + "/"),
                           subject=path.name))
    requirements = root / "requirements"
    if not any(p.is_relative_to(requirements) for p in listing.files) and not any(
            p.is_relative_to(requirements) for p, _ in listing.problems):
        where = display_path(requirements, root, prefix) + "/"
        state = "is empty" if requirements.is_dir() else "does not exist"
        out.append(Finding("ra2.no-spec-files", f"no requirements to read: {where} {state} (no .yaml or .yml file "
                           "under it); a spec tree states its specs and requirements there", Location(where)))
    return out


_PAGE_SUFFIXES = (".rst", ".md", ".txt", ".py", ".ipynb")
_YAML_SUFFIXES = (".yaml", ".yml")


def _is_tree(folder: Path) -> bool:
    return any((folder / sub).is_dir() for sub in TREE_DIRS)


def protected_output(path: Path) -> str | None:
    """What an existing file is when an output must not replace it without --force, else None.

    Protected: the YAML sources of a spec tree (under its requirements/, mappings/ or responses/, or any
    YAML file starting with `kind:`), a Sphinx configuration (`conf.py`), a README, and the pages and
    code of a Sphinx project or spec tree (.rst, .md, .txt, .py, .ipynb files in a folder holding
    `conf.py` or a tree, or below one)."""
    if not path.is_file():
        return None
    resolved = path.resolve()
    name = resolved.name.lower()
    for folder in resolved.parents:
        if folder.name in TREE_DIRS and _is_tree(folder.parent):
            return "a YAML source file of a spec tree" if name.endswith(_YAML_SUFFIXES) else "a file of a spec tree"
    if name.endswith(_YAML_SUFFIXES) and _starts_with_kind(resolved):
        return "a YAML source file of a spec tree"
    if name == "conf.py":
        return "a Sphinx configuration file (conf.py)"
    if name.startswith("readme"):
        return "a README"
    if name.endswith(_PAGE_SUFFIXES):
        for folder in list(resolved.parents)[:8]:
            if (folder / "conf.py").is_file() or _is_tree(folder):
                return f"a page or source file of the project in {folder}"
    return None


def _starts_with_kind(path: Path) -> bool:
    try:
        head = read_bytes(path, 1024 * 1024 + 1024) if path.stat().st_size <= 1024 * 1024 else b""
    except OSError:
        return False
    text = head.decode("utf-8", "replace")
    return any(line.startswith("kind") and line[4:].lstrip().startswith(":") for line in text.splitlines())
