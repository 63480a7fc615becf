"""A load that reuses unchanged files' model objects (`load.load_tree(kept=...)`, the preview's serving
process) and the previous load's graph when nothing it is made from changed gives exactly what a clean load
gives, edit after edit: the same tree, graph and findings."""

from __future__ import annotations

from pathlib import Path

import pytest

from ra2docs import load
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


@pytest.mark.usefixtures("kept_in_memory")
def test_a_load_reusing_unchanged_files_objects_equals_a_clean_load_after_every_edit(tmp_path: Path) -> None:
    root = copy_root("sample", tmp_path)
    reader = parse_cache.ParseCache(tmp_path / "cache")
    kept = parse_cache.kept_objects(root)
    assert kept is not None
    previous = Project.load(root, display_root="", reader=reader, kept=kept)
    graph_reused = []
    for step in tree_edits.STEPS:
        tree_edits.apply(step, root)
        before = {name: part for name, (_, part) in kept.items()}
        reused = Project.load(root, display_root="", reader=reader, kept=kept, previous=previous)
        clean = Project.load(root, display_root="")
        assert _comparable(reused) == _comparable(clean), step.__name__
        if reused.graph.g is previous.graph.g:
            graph_reused.append(step.__name__)
        previous = reused
        now = {str(p) for p in load.discover(root)}
        assert set(kept) <= now, step.__name__  # a removed or renamed file's objects are not kept
        # the files the step did not touch kept their objects: the very same ones
        untouched = [name for name in now & before.keys() if kept[name][1] is before[name]]
        assert len(untouched) >= len(now) - 2, step.__name__
    # the graph is made again whenever what it is made from changed; prose, lines and file names are not part
    # of it (the removed file was empty by then)
    assert graph_reused == ["description_edited", "lines_inserted_above_the_finding", "file_renamed",
                            "file_removed"]


def test_without_memory_no_objects_are_kept(tmp_path: Path) -> None:
    assert parse_cache.kept_objects(tmp_path) is None  # a new sphinx-build process makes every object anew
