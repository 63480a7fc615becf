"""Incremental builds: editing one YAML file re-reads only the pages using it, and the result equals a clean
build (real Sphinx application, twice on the same output directory)."""

from __future__ import annotations

import os
import pickle
import shutil
import time
from pathlib import Path

import pytest

from ra2docs import load
from ra2docs.sphinx import parse_cache
from ra2docs.sphinx.data import _CACHE
from tests import tree_edits
from tests.sphinx_helpers import build, copy_root, html_files


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    time.sleep(0.01)  # a later modification time than the first build's reads
    path.write_text(text.replace(old, new))


def _assert_same_as_clean(root: Path, incremental_out: Path, tmp_path: Path) -> None:
    clean_src = tmp_path / "clean-src"
    shutil.copytree(root, clean_src, ignore=shutil.ignore_patterns("_build", "_out"))
    clean = build(clean_src, tmp_path / "clean-out")
    assert html_files(incremental_out / "html") == html_files(Path(clean.app.outdir))


def test_editing_one_file_rereads_only_its_pages(tmp_path: Path) -> None:
    root = copy_root("sample", tmp_path)
    out = tmp_path / "_out"
    first = build(root, out)
    assert first.read == ["catalogue", "findings", "index", "matrix", "ra", "rm", "trace"]
    assert build(root, out).read == []  # nothing changed, nothing re-read

    _edit(root / "requirements" / "rm-stg.yaml", "title: Persistent volumes", "title: Volumes that outlive pods")
    second = build(root, out)
    # rm shows it, ra links to it (ra.stg.001 traces to it; a link's tooltip has the title), trace lists it;
    # the findings, the matrices and the catalogue share no data with it and are not read again
    assert second.read == ["ra", "rm", "trace"]
    assert "Volumes that outlive pods" in second.html("rm")
    _assert_same_as_clean(root, out, tmp_path)


def test_matrix_edit_reaches_matrix_catalogue_and_coverage(tmp_path: Path) -> None:
    root = copy_root("sample", tmp_path)
    out = tmp_path / "_out"
    build(root, out)
    _edit(root / "mappings" / "storage.yaml", "{ceph: supported}", "{ceph: not-supported}")
    second = build(root, out)
    assert "rm" not in second.read and "matrix" in second.read and "catalogue" in second.read
    assert "trace" in second.read  # ra.stg.001 lost its support: a gap now
    assert "✖ gap" in second.html("trace")
    _assert_same_as_clean(root, out, tmp_path)


def test_a_requirement_moving_category_or_a_new_file_updates_the_pages_selecting_it(tmp_path: Path) -> None:
    root = copy_root("sample", tmp_path)
    out = tmp_path / "_out"
    build(root, out)
    # a new file adds a requirement to the RA spec: the RA chapter (which never read that file) must update
    (root / "requirements" / "ra-more.yaml").write_text(
        "kind: requirements\nspec: RA\ncategory: ntw\nrequirements:\n"
        "  - id: ra.ntw.003\n    title: Network policies are enforced\n    traces: [req.inf.ntw.01]\n")
    second = build(root, out)
    assert "ra" in second.read and "Network policies are enforced" in second.html("ra")
    _assert_same_as_clean(root, out, tmp_path / "a")


def test_an_edit_that_changes_nothing_shown_rereads_nothing(tmp_path: Path) -> None:
    root = copy_root("sample", tmp_path)
    out = tmp_path / "_out"
    build(root, out)
    _edit(root / "requirements" / "rm-stg.yaml", "requirements:\n", "# a comment\nrequirements:\n")
    assert build(root, out).read == []  # the sample has no findings whose lines could move


def test_parallel_build_equals_serial(tmp_path: Path) -> None:
    root = copy_root("sample", tmp_path)
    serial = build(root, tmp_path / "serial")
    parallel = build(root, tmp_path / "parallel", parallel=2)
    assert parallel.warnings == ""
    assert html_files(Path(parallel.app.outdir)) == html_files(Path(serial.app.outdir))


def _cache_entries(out: Path) -> list[Path]:
    return sorted((out / "doctrees" / "ra2docs-parse-cache").glob("*.pickle"))


def _age(root: Path) -> None:
    """Date every YAML file an hour back: their cache entries can then be trusted by stamp."""
    past = time.time_ns() - 3600 * 10**9
    for path in root.rglob("*.yaml"):
        os.utime(path, ns=(past, past))


def _new_process(out: Path) -> None:
    """What a new sphinx-build process starts from: no loaded tree in memory (and here, no environment)."""
    _CACHE.clear()
    (out / "doctrees" / "environment.pickle").unlink(missing_ok=True)


def test_parse_cache_parses_only_changed_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_root("sample", tmp_path)
    out = tmp_path / "_out"
    _age(root)
    build(root, out)
    assert len(_cache_entries(out)) == len(list(root.rglob("*.yaml")))
    parsed: list[str] = []
    original = load.parse_bytes
    monkeypatch.setattr(load, "parse_bytes", lambda data, display, findings: parsed.append(display)
                        or original(data, display, findings))
    _edit(root / "requirements" / "rm-stg.yaml", "title: Persistent volumes", "title: Volumes kept by the cache")
    _new_process(out)
    assert "Volumes kept by the cache" in build(root, out).html("rm")
    assert parsed == ["requirements/rm-stg.yaml"]
    _assert_same_as_clean(root, out, tmp_path)


def test_parse_cache_is_not_fooled_by_an_edit_keeping_size_and_time(tmp_path: Path) -> None:
    root = copy_root("sample", tmp_path)
    out = tmp_path / "_out"
    path = root / "requirements" / "rm-stg.yaml"
    path.touch()  # written just now: its entry will be checked by content, not trusted by stamp
    build(root, out)
    stat = path.stat()
    path.write_text(path.read_text().replace("Persistent volumes", "Persistent VOLUMES"))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size
    _new_process(out)
    assert "Persistent VOLUMES" in build(root, out).html("rm")


def test_a_corrupt_or_foreign_cache_is_only_a_miss(tmp_path: Path) -> None:
    root = copy_root("sample", tmp_path)
    out = tmp_path / "_out"
    build(root, out)
    entries = _cache_entries(out)
    entries[0].write_bytes(b"not a pickle")
    entries[1].write_bytes(entries[1].read_bytes()[:20])
    for entry in entries[2:]:
        entries[0].parent.joinpath(entry.name).write_bytes(pickle.dumps({"version": "an older ra2docs"}))
    _edit(root / "requirements" / "rm-stg.yaml", "title: Persistent volumes", "title: Rebuilt despite the cache")
    _new_process(out)
    result = build(root, out)
    assert result.warnings == ""
    assert "Rebuilt despite the cache" in result.html("rm")
    _assert_same_as_clean(root, out, tmp_path)


def test_a_deleted_file_leaves_no_cache_entry(tmp_path: Path) -> None:
    root = copy_root("sample", tmp_path)
    out = tmp_path / "_out"
    (root / "requirements" / "rm-more.yaml").write_text(
        "kind: requirements\nspec: RM\ncategory: ntw\nrequirements:\n  - id: req.inf.ntw.09\n    title: Extra\n")
    build(root, out)
    before = len(_cache_entries(out))
    (root / "requirements" / "rm-more.yaml").unlink()
    build(root, out)
    assert len(_cache_entries(out)) == before - 1


def test_a_page_that_warned_warns_again_until_it_is_fixed(tmp_path: Path) -> None:
    root = copy_root("sample", tmp_path)
    out = tmp_path / "_out"
    index = root / "index.rst"
    index.write_text(index.read_text(encoding="utf-8") + "\nSee :ra2:req:`rm.nope.999`.\n", encoding="utf-8")
    first = build(root, out)
    assert "unknown ID 'rm.nope.999'" in first.warnings
    again = build(root, out)  # nothing changed: Sphinx alone would not write index again, nor warn
    assert again.read == ["index"]
    assert "index.rst" in again.warnings and "unknown ID 'rm.nope.999'" in again.warnings
    _edit(index, "See :ra2:req:`rm.nope.999`.", "See nothing.")
    fixed = build(root, out)
    assert "rm.nope.999" not in fixed.warnings
    assert build(root, out).read == []  # fixed pages are not read again


def test_a_silenced_warning_does_not_rebuild_its_page(tmp_path: Path) -> None:
    root = copy_root("sample", tmp_path)
    out = tmp_path / "_out"
    index = root / "index.rst"
    index.write_text(index.read_text(encoding="utf-8") + "\nSee :ra2:req:`rm.nope.999`.\n", encoding="utf-8")
    silenced = {"suppress_warnings": ["ra2docs.unknown-id"]}
    assert "rm.nope.999" not in build(root, out, **silenced).warnings
    assert build(root, out, **silenced).read == []


def test_every_directive_is_declared_once_through_the_one_protocol(tmp_path: Path) -> None:
    """Each ra2 directive is one Ra2Directive class in the one registry the incremental build (select,
    digest) and the placeholders (render) look up; nothing else registers a directive of the domain."""
    from ra2docs.sphinx import deps
    from ra2docs.sphinx.nodes import Ra2Directive

    result = build(copy_root("sample", tmp_path))
    in_domain = result.app.registry.domain_directives["ra2"]
    assert set(in_domain) == {cls.NAME for cls in deps.TRACKED.values() if issubclass(cls, Ra2Directive)}
    assert {"requirements", "traceability", "matrix", "catalogue", "findings", "codes", "diagram",
            "changelog", "vendors", "testcases", "verification", "verification-matrix", "coverage",
            "dashboard"} <= set(in_domain)
    for name, cls in in_domain.items():
        assert deps.TRACKED[f"ra2:{name}"] is cls
    recorded = {use[0] for uses in result.app.env.get_domain("ra2").data["uses"].values() for use in uses}
    assert recorded and recorded <= set(deps.TRACKED)  # every recorded use names a registered declaration


def test_parse_results_kept_in_memory_are_checked_like_the_pickles(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The preview's serving process keeps parse-cache entries in memory: a rebuild unpickles none of them,
    parses only the edited file, and its entry still sees an edit that kept the file's size and time."""
    root = copy_root("sample", tmp_path)
    out = tmp_path / "_out"
    _age(root)
    parse_cache.keep_in_memory()
    try:
        build(root, out)
        unpickled: list[str] = []
        parsed: list[str] = []
        original_load, original_parse = pickle.load, load.parse_bytes
        monkeypatch.setattr(parse_cache.pickle, "load", lambda fh: unpickled.append(fh.name) or original_load(fh))
        monkeypatch.setattr(load, "parse_bytes", lambda data, display, findings: parsed.append(display)
                            or original_parse(data, display, findings))
        path = root / "requirements" / "rm-stg.yaml"
        _edit(path, "title: Persistent volumes", "title: Volumes kept in memory")
        _CACHE.clear()  # the tree is reloaded as after any edit; the environment stays, as in the preview
        assert "Volumes kept in memory" in build(root, out).html("rm")
        assert parsed == ["requirements/rm-stg.yaml"]
        assert not [name for name in unpickled if parse_cache.CACHE_DIR in name]
        stat = path.stat()
        path.write_text(path.read_text().replace("Volumes kept in memory", "Volumes KEPT in memory"))
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        _new_process(out)  # page digests go by stamps: a new application (a conf.py edit) reads every page
        assert "Volumes KEPT in memory" in build(root, out).html("rm")
        _assert_same_as_clean(root, out, tmp_path)
    finally:
        parse_cache.keep_in_memory(False)


@pytest.mark.parametrize("process", ["new sphinx-build each time", "serving process"])
def test_every_kind_of_edit_builds_what_a_clean_build_gives(tmp_path: Path, process: str) -> None:
    """Edit after edit on one output directory, as an author works: a description, a file added, a broken
    reference made, lines inserted above its finding, an ID moved to another file, the reference fixed, a file
    renamed, one removed, a matrix cell, a description and a level in one file, a matrix saved unchanged. A new
    process starts from the parse cache's pickles; the serving process (the preview) keeps unchanged files'
    model objects in memory."""
    serving = process == "serving process"
    root = copy_root("sample", tmp_path)
    out = tmp_path / "_out"
    if serving:
        parse_cache.keep_in_memory()
    try:
        build(root, out)
        for number, step in enumerate(tree_edits.STEPS):
            tree_edits.apply(step, root)
            if not serving:
                _CACHE.clear()  # the loaded tree; the environment stays, as in `make html` after an edit
            graphs_before = [loaded.project.graph.g for loaded in _CACHE.values()]  # held: ids stay unique
            incremental = build(root, out)
            if serving and step is tree_edits.description_edited:  # the serving process reused its graph
                graphs_after = [loaded.project.graph.g for loaded in _CACHE.values()]
                assert graphs_before and all(a is b for a, b in zip(graphs_before, graphs_after, strict=True))
            clean_src = tmp_path / f"clean-src-{number}"
            shutil.copytree(root, clean_src, ignore=shutil.ignore_patterns("_build", "_out"))
            clean = build(clean_src, tmp_path / f"clean-out-{number}")
            assert incremental.warnings == clean.warnings, step.__name__
            assert html_files(out / "html") == html_files(Path(clean.app.outdir)), step.__name__
    finally:
        parse_cache.keep_in_memory(False)


def test_the_costly_part_of_a_digest_is_reused_only_when_nothing_it_comes_from_changed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`deps.Costly`: a page's coverage statuses come from the policy-side files (`files`) and from what the rest
    of its digest shows (the requirements' fields and links). Recomputed when either changed, reused otherwise."""
    from ra2docs.sphinx import requirements

    root = copy_root("sample", tmp_path)
    out = tmp_path / "_out"
    build(root, out)
    asked: list[str] = []  # supporters are asked by the costly part of a requirements digest, or when rendering
    original = requirements.supporters
    monkeypatch.setattr(requirements, "supporters", lambda loaded, key: asked.append(key) or original(loaded, key))

    def step(name: str, path: Path, old: str, new: str) -> tuple[list[str], list[str]]:
        """Pages read again, and the requirements whose supporters the incremental build asked for."""
        asked.clear()
        _edit(path, old, new)
        read, by_incremental = build(root, out).read, list(asked)
        _assert_same_as_clean(root, out, tmp_path / name)
        return read, by_incremental

    ntw = root / "requirements" / "rm-ntw.yaml"
    policy = root / "mappings" / "policy.yaml"
    # not a policy-side file, and nothing of the rest changed (a comment): the recorded statuses stand
    assert step("comment", ntw, "requirements:\n", "# reviewed\nrequirements:\n") == ([], [])
    # a policy-side file changed but no status did: computed again, found equal, the page is not read again
    read, by_incremental = step("rule-title", policy, "title: Every RM requirement is traced by the RA",
                                "title: The RA traces every RM requirement")
    assert "rm" not in read and "req.inf.ntw.01" in by_incremental
    # a policy-side file changed the statuses alone (nothing else on the page): the page is read again
    assert "rm" in step("rule-origin", policy, "from_spec: RA", "from_spec: RM")[0]
    # back, then a file outside `files` changes a status through the rest (an incoming trace went away)
    step("rule-back", policy, "from_spec: RM", "from_spec: RA")
    assert "rm" in step("trace-gone", root / "requirements" / "ra-ntw.yaml", "    traces: [req.inf.ntw.02]\n", "")[0]
