"""The parse cache keeps each file's model objects (`load.file_objects`), not its parse result: a new process
that loads them back from the pickles gets exactly what parsing the files gives, every field of every object
(the ones equality skips, such as where each field was written, included), and the same findings."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from ra2docs import load
from ra2docs.project import Project
from ra2docs.sphinx import parse_cache
from tests import tree_edits
from tests.sphinx_helpers import copy_root

REPO = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 12, 2)


def _state(value: object) -> object:
    """Every field of every object, recursively, by value (dataclass equality skips compare=False fields)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__qualname__,
                tuple(_state(getattr(value, f.name)) for f in dataclasses.fields(value)))
    if isinstance(value, dict):
        return ("dict", type(value).__qualname__, tuple((_state(k), _state(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return (type(value).__qualname__, tuple(_state(v) for v in value))
    return value


def _loaded(root: Path, cache: Path | None) -> tuple[object, ...]:
    reader = parse_cache.ParseCache(cache) if cache is not None else load.read_file
    project = Project.load(root, display_root="", today=TODAY, reader=reader)
    return _state(project.tree), _state(project.loaded.findings), _state(project.result.findings)


def test_the_shipped_tree_loaded_back_from_the_cache_equals_the_parsed_files(tmp_path: Path) -> None:
    clean = _loaded(REPO, None)
    cache = tmp_path / "cache"
    assert _loaded(REPO, cache) == clean  # every file parsed, its objects pickled
    reader = parse_cache.ParseCache(cache)  # a new process: every object unpickled
    project = Project.load(REPO, display_root="", today=TODAY, reader=reader)
    assert reader.parsed == 0
    assert (_state(project.tree), _state(project.loaded.findings), _state(project.result.findings)) == clean
    assert any(row.cells and row.cells[0].location.line for m in project.tree.matrices for row in m.rows)


def test_a_new_process_loading_from_the_cache_after_every_edit_equals_a_clean_load(tmp_path: Path) -> None:
    root = copy_root("sample", tmp_path)
    cache = tmp_path / "cache"
    _loaded(root, cache)
    for step in tree_edits.STEPS:
        tree_edits.apply(step, root)
        assert _loaded(root, cache) == _loaded(root, None), step.__name__  # the changed files parsed
        assert _loaded(root, cache) == _loaded(root, None), step.__name__  # and every file from the pickles

