"""Exact, minimal incremental builds: a page is read again when the data it shows changed.

Each directive (a `Tracked` class: one declaration of its name, selection, digest and renderer) records
what it selected (its options), the YAML files that selection reads with their modification stamps, and a
digest of the data it renders. Before pages are read (`env-get-outdated`):

* a page whose selection now reads a different set of files (a requirement moved into its category, a new
  file) is read again;
* a page one of whose files changed is read again only if the digest of its data changed: editing one
  requirement's title re-reads the pages showing or linking it, not every page that shares its file.

Sphinx's own `note_dependency` is not used for YAML files: it would re-read every page of a changed file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from ra2docs import model
from ra2docs.sphinx.data import Loaded, get_loaded

if TYPE_CHECKING:
    from ra2docs.sphinx.nodes import RenderContext

Stamp = tuple[int, int] | None
Use = tuple[str, tuple[tuple[str, str], ...], tuple[tuple[str, Stamp], ...], str]
UNDIGESTED = object()  # `Tracked.digest` by default: any change of the files read re-reads the page


@dataclass(frozen=True)
class Costly:
    """The costly part of a digest, returned as ``(rest, Costly(...))``: what it shows is determined by
    `files` and by what `rest` shows. So when none of `files` changed and `rest` did not either, it did not
    change: the recorded part stands and `compute` is not called (coverage statuses and supporting
    components of every requirement on a page were most of a one-description rebuild)."""
    files: frozenset[str]
    compute: Callable[[], object]


class Tracked:
    """What a page shows of the data, declared once: every directive (`nodes.Ra2Directive`) and the roles.

    NAME names it within the ra2 domain (`requirements`: ``.. ra2:requirements::``); `select` gives the YAML
    files its selection (options and argument, `_argument`) reads; `digest` what it shows of them (a repr-able
    value, hashed); `render` the content of its placeholder, made when the page is written. `register` adds
    the class to TRACKED, the one registry the incremental build and the placeholders look things up in.
    """

    NAME: ClassVar[str]

    @classmethod
    def key(cls) -> str:
        return f"ra2:{cls.NAME}"

    @staticmethod
    def select(loaded: Loaded, options: dict[str, str], /) -> set[str]:
        return set()

    @staticmethod
    def digest(loaded: Loaded, options: dict[str, str], /) -> object:
        return UNDIGESTED

    @staticmethod
    def render(ctx: RenderContext, args: dict[str, Any], /) -> list[nodes.Node]:
        raise NotImplementedError("this directive renders while its page is read; it leaves no placeholder")


TRACKED: dict[str, type[Tracked]] = {}


def register(tracked: type[Tracked]) -> type[Tracked]:
    """Add a directive (or the roles) to the registry; a second class of the same name is a mistake."""
    name = tracked.key()
    if TRACKED.get(name, tracked) is not tracked:
        raise ValueError(f"{name} is declared twice: {TRACKED[name].__qualname__} and {tracked.__qualname__}")
    TRACKED[name] = tracked
    return tracked


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


def _digest_of(name: str, loaded: Loaded, key: dict[str, str], changed: set[str] | None = None,
               recorded: str = "") -> str:
    """The digest of a use; with the files `changed` since `recorded`, a `Costly` part is reused if it can."""
    tracked = TRACKED.get(name)
    value = tracked.digest(loaded, key) if tracked is not None else UNDIGESTED
    if value is UNDIGESTED:
        return ""
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], Costly):
        rest, costly = value
        _, sep, recorded_costly = recorded.partition(":")
        if changed is not None and sep and not changed & costly.files:
            return f"{_hash(rest)}:{recorded_costly}"
        return f"{_hash(rest)}:{_hash(costly.compute())}"
    return _hash(value)


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
    tracked = TRACKED.get(name)
    if tracked is None or tuple(sorted(tracked.select(loaded, key))) != tuple(f for f, _ in stamped):
        return True, use
    stamps = loaded.stamps
    fresh = tuple((f, stamps.get(loaded.path(f))) for f, _ in stamped)
    if fresh == stamped:
        return False, use
    changed = {f for (f, old), (_, new) in zip(stamped, fresh, strict=True) if old != new}
    if not recorded or _digest_of(name, loaded, key, changed, recorded) != recorded:
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
