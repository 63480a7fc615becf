"""A persistent cache of parsed YAML files in the Sphinx build directory: a rebuild parses only changed files.

Parsing (YAML composition and the schema walk) was most of loading a big tree, and every build, full or
incremental, loaded the whole tree. Each file's model objects made from its parse result (`load.file_objects`),
plus the parse's findings, are kept in their own pickle under ``<doctreedir>/ra2docs-parse-cache/``, so a
build rewrites only the entries of files it parsed and memory holds one entry at a time. (Model objects, not
parse results: making a big matrix's cells and their locations from its parse result cost more than
unpickling them made, 0.55 s against 0.85 s for 375k cells; see the reducers below.)

An entry is used only when it can give nothing but what parsing would:

* it was written by this very parser and loader (a digest of the modules that shape parse results and model
  objects, and the PyYAML version, is part of every entry) for this file named the same way in findings;
* the file has the size and modification time it had when it was parsed, and that time was at least
  two seconds before the parse (an edit within the file system's time granularity could keep both; such
  an entry is checked by content like a changed stamp, as git does for "racily clean" files);
* or else the file's bytes have the digest they had then (a touched or checked-out but unchanged file).

Anything else (no entry, an unreadable or corrupt one, another version) means parsing the file again.
The build directory is trusted as Sphinx trusts its own pickled environment there.

A process that builds again (the preview, `keep_in_memory`) also keeps the entries it read or wrote in
memory, checked against the file exactly as the pickle is: a rebuild then unpickles nothing for the
files that did not change, and an unchanged file's model objects are the very same ones again (they are
frozen, so one entry can serve every load; `SpecGraph.build` tells unchanged matrices by identity).
"""

from __future__ import annotations

import copyreg
import dataclasses
import hashlib
import io
import os
import pickle
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

import ra2docs
from ra2docs import fileio, files, load, model
from ra2docs.errors import Finding, Location

CACHE_DIR = "ra2docs-parse-cache"
_MEMORY: dict[Path, _Entry] | None = None  # entry file -> entry, in a process that builds again
RACY_NS = 2_000_000_000  # coarser than any file system's modification time granularity


def _parser_version() -> str:
    """Changes whenever the code that shapes parse results might have (not only on releases)."""
    digest = hashlib.blake2b(digest_size=16)
    package = Path(ra2docs.__file__).parent
    for name in ("load.py", "schema.py", "errors.py", "model.py", "values.py", "text_safety.py",
                 "verification_load.py", "verification_model.py"):
        digest.update((package / name).read_bytes())
    digest.update(f"{ra2docs.__version__} {yaml.__version__} {pickle.DEFAULT_PROTOCOL}".encode())
    return digest.hexdigest()


def _location(loc: Location) -> tuple[type[Location], tuple[object, ...]]:
    return Location, (loc.file, loc.line, loc.column, *((loc.part,) if loc.part else ()))


_CELL_FIELDS = ("column", "level", "via", "note", "text", "location")
_LOCATION_FIELDS = ("file", "line", "column", "part")
if (tuple(f.name for f in dataclasses.fields(model.Cell)) != _CELL_FIELDS
        or tuple(f.name for f in dataclasses.fields(Location)) != _LOCATION_FIELDS):
    raise TypeError("model.Cell or Location has other fields than the parse cache's _cell_at sets")
_new, _set = object.__new__, object.__setattr__


def _cell_at(column: str, level: str, via: str, note: str, text: str, file: str, line: int, col: int,
             part: str) -> model.Cell:
    """A matrix cell and its location, set field by field: the dataclasses' own __init__ (a Python call per
    object, setting each frozen field through a global lookup) was a third of unpickling 375k cells. Neither
    class has a __post_init__; the field lists are checked above, and the tests compare every field."""
    loc = _new(Location)
    _set(loc, "file", file)
    _set(loc, "line", line)
    _set(loc, "column", col)
    _set(loc, "part", part)
    cell = _new(model.Cell)
    _set(cell, "column", column)
    _set(cell, "level", level)
    _set(cell, "via", via)
    _set(cell, "note", note)
    _set(cell, "text", text)
    _set(cell, "location", loc)
    return cell


def _cell(cell: model.Cell) -> tuple[Callable[..., model.Cell], tuple[object, ...]]:
    loc = cell.location
    return _cell_at, (cell.column, cell.level, cell.via, cell.note, cell.text, loc.file, loc.line, loc.column,
                      loc.part)


def _row(row: model.Row) -> tuple[type[model.Row], tuple[object, ...]]:
    return model.Row, (row.requirement, row.feature, row.title, row.note, row.source, row.cells, row.location,
                       row.requirement_column)


# A location per parsed value, a cell (with its location) per matrix cell, a row per matrix row: made by
# constructors they are twice as fast to pickle and unpickle as dataclass state (a slotted dataclass's
# __setstate__ sets each field in Python).
_DISPATCH = copyreg.dispatch_table.copy()
_DISPATCH[Location] = _location
_DISPATCH[model.Cell] = _cell
_DISPATCH[model.Row] = _row


@dataclass(frozen=True)
class _Entry:
    version: str
    path: str
    display: str
    size: int
    mtime_ns: int
    racy: bool  # modified too close to its parse for the stamp alone to vouch for it
    digest: str
    objects: load.FileObjects | None  # None: the file parsed to nothing (its findings say why)
    findings: tuple[Finding, ...]


def keep_in_memory(keep: bool = True) -> None:
    """Keep entries in this process between loads as well (the preview's serving process), or stop."""
    global _MEMORY
    if not keep:
        _MEMORY = None
    elif _MEMORY is None:
        _MEMORY = {}


def keeps_in_memory() -> bool:
    """Whether this process keeps entries between loads (then an unchanged file's objects are the same ones)."""
    return _MEMORY is not None


class ParseCache:
    """A `load.FileReader` that keeps parse results between builds in `directory`."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.version = _parser_version()
        self.parsed = 0  # files parsed (not served from the cache) by this reader
        self._used: set[str] = set()

    def __call__(self, path: Path, display: str, findings: list[Finding]) -> load.FileObjects | None:
        key = hashlib.blake2b(os.path.abspath(path).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
        self._used.add(f"{key}.pickle")
        entry_file = self.directory / f"{key}.pickle"
        try:
            before = os.stat(path)
        except OSError:
            return _objects(load.read_file(path, display, findings))  # its finding says why
        entry = self._read_entry(entry_file, path, display)
        if entry is not None and not entry.racy and (entry.size, entry.mtime_ns) == _stamp(before):
            findings.extend(entry.findings)
            return entry.objects
        try:
            data = files.read_bytes(path, load.MAX_FILE_BYTES, files.tree_of(path))
            after = os.stat(path)
        except OSError:
            return _objects(load.read_file(path, display, findings))
        digest = hashlib.blake2b(data, digest_size=16).hexdigest()
        stable = _stamp(before) == _stamp(after)  # not being written while read
        if entry is not None and entry.digest == digest:
            if stable and (entry.size, entry.mtime_ns, entry.racy) != (*_stamp(after), _racy(after)):
                self._write_entry(entry_file, _Entry(**{**entry.__dict__, "size": after.st_size,
                                                        "mtime_ns": after.st_mtime_ns, "racy": _racy(after)}))
            findings.extend(entry.findings)
            return entry.objects
        self.parsed += 1
        own: list[Finding] = []
        objects = _objects(load.parse_bytes(data, display, own))
        findings.extend(own)
        if stable:
            self._write_entry(entry_file, _Entry(self.version, os.path.abspath(path), display, after.st_size,
                                                 after.st_mtime_ns, _racy(after), digest, objects, tuple(own)))
        return objects

    def prune(self) -> None:
        """Remove the entries of files this reader was not asked about (deleted or renamed files)."""
        if not self.directory.is_dir():
            return
        for child in self.directory.iterdir():
            if child.suffix == ".pickle" and child.name not in self._used:
                child.unlink(missing_ok=True)
                if _MEMORY is not None:
                    _MEMORY.pop(child, None)

    def _read_entry(self, entry_file: Path, path: Path, display: str) -> _Entry | None:
        entry = _MEMORY.get(entry_file) if _MEMORY is not None else None
        if entry is None:
            try:
                with open(entry_file, "rb") as fh:
                    entry = pickle.load(fh)
            except Exception:  # missing, truncated, corrupt or from another version: only a miss
                return None
            if _MEMORY is not None and isinstance(entry, _Entry):
                _MEMORY[entry_file] = entry
        if (not isinstance(entry, _Entry) or entry.version != self.version
                or entry.path != os.path.abspath(path) or entry.display != display):
            return None
        return entry

    def _write_entry(self, entry_file: Path, entry: _Entry) -> None:
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, protocol=pickle.DEFAULT_PROTOCOL)
        pickler.dispatch_table = _DISPATCH
        if _MEMORY is not None:
            _MEMORY[entry_file] = entry
        try:
            pickler.dump(entry)
            fileio.write_bytes_atomic(entry_file, buffer.getvalue())
        except (OSError, pickle.PicklingError, RecursionError):
            pass  # a cache that cannot be written costs the next build a parse, nothing else


def _objects(parsed: load.Parsed) -> load.FileObjects | None:
    return load.file_objects(parsed) if parsed is not None else None


def _stamp(st: os.stat_result) -> tuple[int, int]:
    return st.st_size, st.st_mtime_ns


def _racy(st: os.stat_result) -> bool:
    return st.st_mtime_ns >= time.time_ns() - RACY_NS
