"""Atomic writes: a generated file is either the old one or the complete new one, never half.

- The new content goes to a temporary file beside the target, which is renamed over it when complete.
- An existing file keeps its permission bits (a 0600 responses file stays 0600); a new one gets what
  the umask allows (0666 minus the umask), as any other program's output would.
- The temporary file is removed on any failure, on Ctrl-C and on SIGTERM. Libraries that spill to the
  system temporary folder while writing (openpyxl keeps each sheet in a temporary file) are pointed at a
  private folder beside the target for the duration of the write, removed with everything in it.
- An OSError names the target file (disk full, quota, permissions).
"""

from __future__ import annotations

import contextlib
import errno
import gc
import os
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import BinaryIO


def write_bytes_atomic(path: Path | str, data: bytes) -> None:
    write_atomic(path, lambda fh: fh.write(data))


def write_text_atomic(path: Path | str, text: str) -> None:
    write_bytes_atomic(path, text.encode("utf-8"))


def current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _mode_for(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        return 0o666 & ~current_umask()


class _Terminated(BaseException):
    """SIGTERM arrived during a write: the temporary files are removed, then the process exits."""


@contextlib.contextmanager
def _terminate_cleanly() -> Iterator[None]:
    """Turn SIGTERM into an exception while writing, so the `finally` clauses remove temporary files."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        raise _Terminated

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except (ValueError, OSError):  # pragma: no cover - not the main interpreter
        yield
        return
    try:
        yield
    except _Terminated:
        signal.signal(signal.SIGTERM, previous)
        raise SystemExit(128 + signal.SIGTERM) from None
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def private_tempdir(folder: Path) -> Iterator[Path]:
    """A temporary folder inside `folder`, used as the process's temporary folder while the block runs."""
    tmpdir = Path(tempfile.mkdtemp(prefix=".ra2docs-tmp-", dir=folder))
    saved = tempfile.tempdir
    tempfile.tempdir = str(tmpdir)
    try:
        yield tmpdir
    finally:
        tempfile.tempdir = saved
        shutil.rmtree(tmpdir, ignore_errors=True)


@contextlib.contextmanager
def building(path: Path | str) -> Iterator[None]:
    """The scope in which output for `path` is made: temporary files of libraries go to a private folder
    beside it, SIGTERM unwinds (so they are removed), and a failure names `path` and leaves no noise.

    A failed writer's half-built objects (openpyxl's sheet streams, a zip archive being written) would
    otherwise finish when collected, after our one-line error, into files that are gone: "Exception
    ignored in ..." on stderr. They are collected here, quietly, before the error goes on."""
    target = Path(path)
    try:
        with _terminate_cleanly(), private_tempdir(target.parent):
            yield
    except BaseException as exc:
        error = _named_error(exc, target)
        _discard_leftovers(exc)
        del exc
        if error is None:
            raise
        raise error from None


def _named_error(exc: BaseException, target: Path) -> OSError | None:
    """An OSError naming `target` for a write failure (lxml reports them as `SerialisationError: IO_ENOSPC`)."""
    if isinstance(exc, OSError):
        if exc.filename is None or Path(str(exc.filename)).name.startswith((".", "openpyxl")):
            return OSError(exc.errno, exc.strerror or str(exc), str(target))
        return None
    if type(exc).__name__ == "SerialisationError":
        code = getattr(errno, str(exc).removeprefix("IO_"), None)
        if isinstance(code, int):
            return OSError(code, os.strerror(code), str(target))
        return OSError(errno.EIO, f"writing failed ({exc})", str(target))
    return None


def _discard_leftovers(exc: BaseException) -> None:
    frames = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        tb = current.__traceback__
        while tb is not None:
            frames.append(tb.tb_frame)
            tb = tb.tb_next
        current.__traceback__ = None
        current = current.__context__
    hook = sys.unraisablehook
    sys.unraisablehook = lambda unraisable: None
    try:
        for frame in frames:
            with contextlib.suppress(RuntimeError):  # a frame still running (ours) keeps its locals
                frame.clear()
        del frames
        gc.collect()
    finally:
        sys.unraisablehook = hook


def write_atomic(path: Path | str, writer: Callable[[BinaryIO], object]) -> None:
    """Call `writer` with a temporary file beside `path`, then rename it over `path`."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    mode = _mode_for(target)
    with building(target):
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                writer(fh)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, mode)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def schema_modeline(kind: str, target: Path) -> str:
    """The first line of a YAML file we write: it points a YAML language server at the kind's shipped schema."""
    schema = Path(__file__).resolve().parent / "schemas" / f"{kind}.schema.json"
    try:
        rel = os.path.relpath(schema, target.resolve().parent)
    except ValueError:  # another drive on Windows
        rel = schema.as_uri()
    return f"# yaml-language-server: $schema={Path(rel).as_posix()}\n"
