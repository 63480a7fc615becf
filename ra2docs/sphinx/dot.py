"""Which `dot` program draws the diagrams: the one pip installed with ra2docs, unless conf.py names another.

ra2docs depends on `graphviz-pure`, a self-contained Graphviz port whose wheel ships the `graphviz-pure`
program and writes the same bytes on every platform. When conf.py (or ``-D``) does not set Sphinx's
``graphviz_dot``, it is set to that program, so a machine with only Python renders the site, and every
machine renders the same SVG. ``graphviz_dot = "dot"`` in conf.py uses a system Graphviz instead.

Sphinx names each SVG after a digest that includes the ``graphviz_dot`` value, so the value is the bare
program name, not its path (which differs per virtualenv); the folder holding the installed program is
put in front of ``PATH`` when ``PATH`` would not find that very file.
"""

from __future__ import annotations

import os
import shutil
import sysconfig
from importlib import metadata
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config

BUNDLED = "graphviz-pure"


def bundled_program() -> Path | None:
    """The `graphviz-pure` program installed with this Python's packages, or None."""
    try:
        files = metadata.distribution(BUNDLED).files or []
    except metadata.PackageNotFoundError:
        return None
    for file in files:
        if file.name == BUNDLED:
            path = Path(str(file.locate())).resolve()
            if path.is_file() and os.access(path, os.X_OK):
                return path
    fallback = Path(sysconfig.get_path("scripts")) / BUNDLED
    return fallback.resolve() if fallback.is_file() else None


def use_bundled(program: Path) -> str:
    """Make `graphviz-pure` on PATH be `program`; the name to give Sphinx."""
    found = shutil.which(BUNDLED)
    if found is None or Path(found).resolve() != program:
        os.environ["PATH"] = str(program.parent) + os.pathsep + os.environ.get("PATH", "")
    return BUNDLED


def _set_by_project(config: Config) -> bool:
    raw = getattr(config, "_raw_config", {})
    overrides = getattr(config, "_overrides", {})
    return "graphviz_dot" in raw or "graphviz_dot" in overrides


def choose_dot(app: Sphinx, config: Config) -> None:
    if _set_by_project(config):
        return  # the project asked for a Graphviz of its own
    program = bundled_program()
    if program is not None:
        config.graphviz_dot = use_bundled(program)


def setup(app: Sphinx) -> None:
    app.setup_extension("sphinx.ext.graphviz")
    app.connect("config-inited", choose_dot)
