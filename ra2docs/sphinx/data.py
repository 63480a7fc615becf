"""Loading the spec tree once per build and sharing it with every directive."""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from ra2docs.project import Project

_CACHE: dict[str, tuple[tuple[tuple[str, float], ...], Project]] = {}


def tree_root(env: BuildEnvironment) -> Path:
    root = Path(env.config.ra2docs_root)
    return root if root.is_absolute() else (Path(env.app.confdir) / root).resolve()


def _fingerprint(project: Project) -> tuple[tuple[str, float], ...]:
    return tuple((f, Path(f).stat().st_mtime) for f in project.tree.files if Path(f).exists())


def get_project(env: BuildEnvironment) -> Project:
    """The loaded, checked spec tree; reloaded only when one of its files changed."""
    root = tree_root(env)
    cached = _CACHE.get(str(root))
    if cached is not None and cached[0] == _fingerprint(cached[1]):
        return cached[1]
    project = Project.load(root)
    _CACHE[str(root)] = (_fingerprint(project), project)
    return project


def setup(app: Sphinx) -> None:
    app.add_config_value("ra2docs_root", ".", "env", types=[str])
