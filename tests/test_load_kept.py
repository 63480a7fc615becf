"""A load that reuses unchanged files' model objects (the parse cache kept in memory gives them again, the
preview's serving process) and the previous load's graph when nothing it is made from changed gives exactly
what a clean load gives, edit after edit: the same tree, graph and findings."""

from __future__ import annotations

from pathlib import Path

import pytest

from ra2docs import load
from ra2docs.errors import Finding
from ra2docs.project import Project
from ra2docs.sphinx import parse_cache
from tests import tree_edits
from tests.sphinx_helpers import copy_root


def _comparable(project: Project) -> tuple[object, ...]:
    graph = project.graph
    edges = sorted((u, v, str(k), repr(sorted(d.items()))) for u, v, k, d in graph.g.edges(keys=True, data=True))
    return project.tree, sorted(graph.g.nodes(data=True), key=repr), edges, project.result.findings, project.statuses


@pytest.fixture
def kept_in_memory() -> object:
    parse_cache.keep_in_memory()
    yield
    parse_cache.keep_in_memory(False)


class _Recording(parse_cache.ParseCache):
    """The parse cache, remembering the objects it gave for each file in the last load."""

    def __init__(self, directory: Path) -> None:
        super().__init__(directory)
        self.given: dict[str, object] = {}

    def __call__(self, path: Path, display: str, findings: list[Finding]) -> load.FileObjects | None:
        objects = self.given[str(path)] = super().__call__(path, display, findings)
        return objects


@pytest.mark.usefixtures("kept_in_memory")
def test_a_load_reusing_unchanged_files_objects_equals_a_clean_load_after_every_edit(tmp_path: Path) -> None:
    root = copy_root("sample", tmp_path)
    reader = _Recording(tmp_path / "cache")
    previous = Project.load(root, display_root="", reader=reader)
    graph_reused = []
    for step in tree_edits.STEPS:
        tree_edits.apply(step, root)
        before = dict(reader.given)
        reader.given.clear()
        reused = Project.load(root, display_root="", reader=reader, previous=previous)
        clean = Project.load(root, display_root="")
        assert _comparable(reused) == _comparable(clean), step.__name__
        if reused.graph.g is previous.graph.g:
            graph_reused.append(step.__name__)
        previous = reused
        # the files the step did not touch gave their objects again: the very same ones
        untouched = [name for name in reader.given.keys() & before.keys()
                     if reader.given[name] is before[name] and before[name] is not None]
        assert len(untouched) >= len(reader.given) - 2, step.__name__
    # the graph is made again whenever what it is made from changed; prose, levels, lines and file names are not
    # part of it (the removed file was empty by then), and a matrix saved unchanged gives the same objects
    assert graph_reused == ["description_edited", "lines_inserted_above_the_finding", "file_renamed",
                            "file_removed", "description_and_level_edited", "matrix_touched_unchanged"]


def test_without_memory_each_load_makes_its_own_objects(tmp_path: Path) -> None:
    """A new sphinx-build process: the cache's objects are unpickled anew, equal to the last load's, not them."""
    assert not parse_cache.keeps_in_memory()
    root = copy_root("sample", tmp_path)
    reader = _Recording(tmp_path / "cache")
    first = Project.load(root, display_root="", reader=reader)
    given = dict(reader.given)
    second = Project.load(root, display_root="", reader=reader)
    assert reader.parsed == len(given)  # every file parsed once, by the first load
    assert _comparable(first) == _comparable(second)
    assert not [name for name, objects in reader.given.items() if objects is given[name] and objects is not None]
