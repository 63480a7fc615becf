"""Exact, minimal incremental builds: a page is read again when the data it shows changed.

Each directive records what it selected (its options), the YAML files that selection reads with their
modification stamps, and a digest of the data it renders. Before pages are read (`env-get-outdated`):

* a page whose selection now reads a different set of files (a requirement moved into its category, a new
  file) is read again;
* a page one of whose files changed is read again only if the digest of its data changed: editing one
  requirement's title re-reads the pages showing or linking it, not every page that shares its file.

Sphinx's own `note_dependency` is not used for YAML files: it would re-read every page of a changed file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from ra2docs import model
from ra2docs.sphinx.data import Loaded, get_loaded

Selector = Callable[[Loaded, dict[str, str]], set[str]]
Digest = Callable[[Loaded, dict[str, str]], object]
SELECTORS: dict[str, Selector] = {}
DIGESTS: dict[str, Digest] = {}
Stamp = tuple[int, int] | None
Use = tuple[str, tuple[tuple[str, str], ...], tuple[tuple[str, Stamp], ...], str]


def selector(directive_name: str) -> Callable[[Selector], Selector]:
    """Register the function computing the files a directive (with these options) reads."""
    def register(fn: Selector) -> Selector:
        SELECTORS[directive_name] = fn
        return fn
    return register


def digest(directive_name: str) -> Callable[[Digest], Digest]:
    """Register the function returning (a repr-able form of) the data a directive renders."""
    def register(fn: Digest) -> Digest:
        DIGESTS[directive_name] = fn
        return fn
    return register


def placement(req: model.Requirement, loaded: Loaded) -> tuple[object, ...]:
    """What decides where a linked requirement is shown and how a link to it reads."""
    memo = loaded.placements
    found = memo.get(req.key)
    if found is None:
        graph = loaded.project.graph
        citing = sorted({graph.requirements[o].spec for o in loaded.linked(req.key, "traces", True)})
        found = memo[req.key] = (req.key, req.spec, req.category, req.section, req.title, tuple(citing))
    return found


def _hash(data: object) -> str:
    return hashlib.blake2b(repr(data).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _digest_of(name: str, loaded: Loaded, key: dict[str, str]) -> str:
    fn = DIGESTS.get(name)
    return _hash(fn(loaded, key)) if fn is not None else ""


def uses(env: BuildEnvironment) -> dict[str, list[Use]]:
    return env.get_domain("ra2").data["uses"]


def record(env: BuildEnvironment, directive_name: str, key: dict[str, Any], files: set[str]) -> None:
    loaded = get_loaded(env)
    stamps = loaded.stamps
    stamped = tuple((f, stamps.get(loaded.path(f))) for f in sorted(files))
    uses(env).setdefault(env.docname, []).append(
        (directive_name, tuple(sorted(key.items())), stamped, _digest_of(directive_name, loaded, key)))


def _outdated(loaded: Loaded, use: Use) -> tuple[bool, Use]:
    """Whether the page must be read again, and the use with fresh stamps when its data is unchanged."""
    name, key_items, stamped, recorded = use
    key = dict(key_items)
    fn = SELECTORS.get(name)
    if fn is None or tuple(sorted(fn(loaded, key))) != tuple(f for f, _ in stamped):
        return True, use
    stamps = loaded.stamps
    fresh = tuple((f, stamps.get(loaded.path(f))) for f, _ in stamped)
    if fresh == stamped:
        return False, use
    if not recorded or _digest_of(name, loaded, key) != recorded:
        return True, use
    return False, (name, key_items, fresh, recorded)  # same data: don't compute the digest again next time


def _pages_to_reread(app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str],
                     removed: set[str]) -> list[str]:
    loaded = get_loaded(env)
    stale = []
    for docname, doc_uses in uses(env).items():
        if docname in changed or docname in removed:
            continue
        checked = [_outdated(loaded, use) for use in doc_uses]
        if any(outdated for outdated, _ in checked):
            stale.append(docname)
        else:
            doc_uses[:] = [use for _, use in checked]
    return stale


def setup(app: Sphinx) -> None:
    app.connect("env-get-outdated", _pages_to_reread)
