"""Loading the spec tree once per build and sharing it, with a few derived indexes, with every directive.

The tree is loaded in the main process at `builder-inited`, before any page is read, so parallel readers
(forked) inherit it. It is reloaded only when a YAML file changed, appeared or disappeared.
"""

from __future__ import annotations

import gc
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment

from ra2docs import files, model
from ra2docs.load import MAX_FILE_BYTES, discover, read_file
from ra2docs.project import Project
from ra2docs.sphinx.parse_cache import CACHE_DIR, ParseCache, keeps_in_memory
from ra2docs.status import Status, requirement_status

Fingerprint = tuple[tuple[str, int, int], ...]


@dataclass
class Loaded:
    """A loaded project and what the directives keep asking of it, computed once."""

    project: Project
    confdir: Path
    fingerprint: Fingerprint
    _memo: dict[str, object] = field(default_factory=dict)

    @property
    def tree(self) -> model.Tree:
        return self.project.tree

    def path(self, display_file: str) -> str:
        """The absolute path of a file as locations name it (relative to the configuration directory)."""
        return os.path.normpath(self.confdir / display_file)

    def linked(self, req_id: str, link_type: str, incoming: bool = False) -> list[str]:
        return self.project.graph.linked(req_id, link_type, incoming)

    @property
    def supports(self) -> dict[str, list[tuple[str, str, str]]]:
        """What each component states support for (the graph's index): (node, level, matrix), sorted."""
        return self.project.graph.support_index

    def file_digest(self, display_file: str) -> str:
        """A digest of a file's bytes: a cheap stand-in in page digests for everything read from a file that
        holds one object (a matrix). It changes whenever the parsed object could, and more often.

        A file changed since it was loaded gets a digest matching nothing, so its pages are read again."""
        found = self._file_digests.get(display_file)
        if found is None:
            path = self.path(display_file)
            data: bytes | None
            try:
                data = files.read_bytes(path, MAX_FILE_BYTES, files.tree_of(Path(path)))
            except OSError:
                data = None
            if data is None or self.stamps.get(path) != files.stamp(path):
                found = f"changed since loaded {os.urandom(8).hex()}"
            else:
                found = hashlib.blake2b(data, digest_size=16).hexdigest()
            self._file_digests[display_file] = found
        return found

    @cached_property
    def _file_digests(self) -> dict[str, str]:
        return {}

    @cached_property
    def placements(self) -> dict[str, tuple[object, ...]]:
        """Memo for `deps.placement`."""
        return {}

    @cached_property
    def stamps(self) -> dict[str, tuple[int, int]]:
        """Modification time and size of each file as loaded, by absolute path."""
        return {os.path.normpath(path): (mtime, size) for path, mtime, size in self.fingerprint}

    @cached_property
    def all_files(self) -> set[str]:
        """Every YAML file of the tree, named as locations name them."""
        return {os.path.relpath(f, self.confdir) for f in self.tree.files}

    @property
    def link_files(self) -> dict[str, set[str]]:
        """Files stating a link that touches each requirement (either end): the pages showing it depend on them."""
        return self.project.graph.link_files

    def status(self, req: model.Requirement) -> Status:
        """The requirement's coverage status: the library's (`ra2docs.status`), as `check` gives it."""
        return requirement_status(self.project, req)

    def chapter_of(self, req: model.Requirement) -> str:
        return req.category or req.section


def tree_root(env: BuildEnvironment) -> Path:
    """The absolute path of the spec tree this build documents."""
    return resolve_root(Path(env.config.ra2docs_confdir), env.config.ra2docs_root)


def resolve_root(confdir: Path, configured: str) -> Path:
    root = Path(configured)
    return root if root.is_absolute() else (confdir / root).resolve()


def _fingerprint(root: Path) -> Fingerprint:
    out = []
    for path in discover(root):
        out.append((str(path), *files.stamp(path)))
    return tuple(out)


_CACHE: dict[str, Loaded] = {}


def load(confdir: Path, configured_root: str, doctreedir: Path | None = None) -> Loaded:
    """The loaded, checked spec tree; reloaded only when a file of it changed, appeared or went away.

    With `doctreedir`, files parsed by an earlier build and unchanged since are taken from its parse cache."""
    root = resolve_root(confdir, configured_root)
    fingerprint = _fingerprint(root)
    cached = _CACHE.get(str(root))
    if cached is not None and cached.fingerprint == fingerprint and cached.confdir == confdir:
        return cached
    display = os.path.relpath(root, confdir)
    _CACHE.pop(str(root), None)
    reader = ParseCache(doctreedir / CACHE_DIR) if doctreedir is not None else read_file
    with _project_outside_gc():
        # only a cache kept in memory gives unchanged files' objects again, so only then can the graph be reused
        reuses = isinstance(reader, ParseCache) and keeps_in_memory()
        previous = cached.project if cached is not None and reuses else None
        loaded = Loaded(Project.load(root, display_root=display, reader=reader, previous=previous),
                        confdir, fingerprint)
        del previous, cached
    if isinstance(reader, ParseCache):
        reader.prune()
    _CACHE[str(root)] = loaded
    return loaded


# A process that builds again and again (the preview) turns this off and calls `collect_between_builds`
# when no edit waits: the full collection before a load walks every object of the process (a second at
# N = 5,000), on the edit's path.
collect_at_load = True


def collect_between_builds() -> None:
    """Collect the garbage of earlier builds (an old project's cycles included) and freeze what lives."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


@contextmanager
def _project_outside_gc() -> Iterator[None]:
    """Keep the cyclic garbage collector from walking the project for the rest of the process.

    The project (millions of objects on a big tree) lives as long as the build; every full collection
    walked all of it, during the build and once more at exit (seconds at N = 5,000). Frozen objects are
    never collected, so what an earlier load froze is unfrozen and collected first: a process that
    builds again (tests) does not keep old projects' cycles; the preview collects them between builds.
    """
    if collect_at_load:
        gc.unfreeze()
        gc.collect()
    enabled = gc.isenabled()
    gc.disable()  # Project.load pauses the collector too; re-enabled before freezing, it would walk it all once
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def get_loaded(env: BuildEnvironment) -> Loaded:
    """The tree as loaded at the start of this build (`builder-inited` refreshes it)."""
    confdir = Path(env.config.ra2docs_confdir)
    cached = _CACHE.get(str(resolve_root(confdir, env.config.ra2docs_root)))
    if cached is not None and cached.confdir == confdir:
        return cached
    return load(confdir, env.config.ra2docs_root, Path(env.doctreedir))


def get_project(env: BuildEnvironment) -> Project:
    """The loaded, checked spec tree of this build."""
    return get_loaded(env).project


def _remember_confdir(app: Sphinx, config: Config) -> None:
    # the environment no longer exposes the application (Sphinx 9), so directives find it here
    config.ra2docs_confdir = str(app.confdir)


def _load_early(app: Sphinx) -> None:
    load(Path(app.confdir), app.config.ra2docs_root, Path(app.doctreedir))


def _refresh(app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str],
             removed: set[str]) -> list[str]:
    """Every build starts from the tree as it is now: an application built again (the preview's) gets no
    second builder-inited. Before any other handler asks for the tree; a no-op when nothing changed."""
    _load_early(app)
    return []


def setup(app: Sphinx) -> None:
    app.add_config_value("ra2docs_root", ".", "env", types=[str])
    app.add_config_value("ra2docs_list_limit", 200, "env", types=[int])
    app.add_config_value("ra2docs_confdir", "", "", types=[str])  # set by ra2docs, not by users
    app.connect("config-inited", _remember_confdir)
    app.connect("builder-inited", _load_early)
    app.connect("env-get-outdated", _refresh, priority=100)
