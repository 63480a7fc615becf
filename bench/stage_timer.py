"""A Sphinx extension for benchmarks: the CPU time of each phase of one build, without a profiler.

A profiler slows Python code unevenly (our loops more than Sphinx's C-backed pickling), so its shares are
not the shares of a plain run. This extension only reads `time.process_time()` (the process's CPU seconds
since it started) when Sphinx emits an event: first and last among the event's listeners where the
phase between them is someone else's work. Listed first in `extensions`, it writes the marks as JSON to the
file named by `RA2DOCS_BENCH_STAGES` when the process exits; without that variable it does nothing.
"""

from __future__ import annotations

import atexit
import json
import os
import time
from collections.abc import Callable
from itertools import pairwise
from typing import Any

FIRST, LAST = 0, 10_000  # listener priorities: Sphinx calls lower numbers first

# (event, priority, label of the phase that ends at this mark)
MARKS = (
    ("config-inited", FIRST, "the extensions' imports and set-up"),
    ("builder-inited", FIRST, "the environment loaded, the builder and theme set up"),
    ("builder-inited", LAST, "builder-inited listeners (ra2docs: the tree loaded and checked)"),
    ("env-get-outdated", FIRST, "Sphinx finds changed sources"),
    ("env-before-read-docs", FIRST, "env-get-outdated listeners (ra2docs: page data digests)"),
    ("env-updated", FIRST, "reading the outdated pages"),
    ("env-check-consistency", LAST, "env-updated listeners, pickling the environment"),
    ("html-collect-pages", FIRST, "writing the outdated pages, the general index"),
    ("build-finished", FIRST, "the search page, static files, search index, inventory"),
    ("build-finished", LAST, "build-finished listeners"),
)


# events whose listeners return what Sphinx iterates (pages to re-read or to write): these return nothing to add
RETURN_LISTS = {"env-get-outdated", "env-updated", "html-collect-pages"}


def _listener(marks: list[tuple[str, float]], label: str, returns_list: bool) -> Callable[..., Any]:
    def mark(*_args: object) -> list[object] | None:
        marks.append((label, time.process_time()))
        return [] if returns_list else None

    return mark


def setup(app: Any) -> dict[str, object]:
    target = os.environ.get("RA2DOCS_BENCH_STAGES")
    if target:
        start = "Python start-up, Sphinx's imports and built-in extensions"
        marks: list[tuple[str, float]] = [(start, time.process_time())]
        for event, priority, label in MARKS:
            app.connect(event, _listener(marks, label, event in RETURN_LISTS), priority=priority)

        def write() -> None:
            marks.append(("exit (the summary, freeing memory)", time.process_time()))
            with open(target, "w", encoding="utf-8") as f:
                json.dump(marks, f)

        atexit.register(write)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


def phases(marks: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """(label, CPU seconds) of each phase, in order: the first is the time from the process's start, each
    other the difference to the mark before it."""
    out = [(marks[0][0], marks[0][1])]
    out += [(label, t - prev) for (_, prev), (label, t) in pairwise(marks)]
    return out
