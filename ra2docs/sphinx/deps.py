"""Exact incremental builds: which YAML files each page's directives used.

Each directive notes its files with `env.note_dependency`, so editing one re-reads the pages that use it.
That alone misses a page whose *selection* changes: a requirement moved into a category from a file the
page never used, or a new file. So every directive also records what it selected; before reading, the
selection is recomputed against the fresh tree and a page whose file set differs is re-read too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from ra2docs.sphinx.data import Loaded, get_loaded

Selector = Callable[[Loaded, dict[str, str]], set[str]]
SELECTORS: dict[str, Selector] = {}
Use = tuple[str, tuple[tuple[str, str], ...], tuple[str, ...]]


def selector(directive_name: str) -> Callable[[Selector], Selector]:
    """Register the function computing the files a directive (with these options) reads."""
    def register(fn: Selector) -> Selector:
        SELECTORS[directive_name] = fn
        return fn
    return register


def uses(env: BuildEnvironment) -> dict[str, list[Use]]:
    return env.get_domain("ra2").data["uses"]  # type: ignore[no-any-return]


def record(env: BuildEnvironment, directive_name: str, key: dict[str, Any], files: set[str]) -> None:
    loaded = get_loaded(env)
    for file in sorted(files):
        env.note_dependency(loaded.path(file))
    uses(env).setdefault(env.docname, []).append(
        (directive_name, tuple(sorted(key.items())), tuple(sorted(files))))


def _selection_changed(app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str],
                       removed: set[str]) -> list[str]:
    loaded = get_loaded(env)
    stale = []
    for docname, doc_uses in uses(env).items():
        if docname in changed or docname in removed:
            continue
        for name, key, files in doc_uses:
            fn = SELECTORS.get(name)
            if fn is None or tuple(sorted(fn(loaded, dict(key)))) != files:
                stale.append(docname)
                break
    return stale


def setup(app: Sphinx) -> None:
    app.connect("env-get-outdated", _selection_changed)
