"""One call from a spec tree on disk to its model, graph and findings: what every front end needs."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ra2docs import model, status
from ra2docs.graph import SpecGraph
from ra2docs.load import FileReader, LoadResult, load_tree, read_file
from ra2docs.validate import CheckResult, run_checks


@dataclass
class Project:
    root: Path
    loaded: LoadResult
    graph: SpecGraph
    result: CheckResult

    @property
    def tree(self) -> model.Tree:
        return self.loaded.tree

    @cached_property
    def statuses(self) -> dict[str, status.Status]:
        """Every requirement's coverage status by `SPEC:id` (see `ra2docs.status`), computed once."""
        return status.compute_all(self)

    @classmethod
    def load(cls, root: Path | str = ".", display_root: str | None = None,
             today: dt.date | None = None, reader: FileReader = read_file) -> Project:
        """Load, build the graph and run every check (waivers applied); `reader` parses each file."""
        with _no_cyclic_gc():
            loaded = load_tree(Path(root), display_root, reader)
            graph = SpecGraph.build(loaded.tree)
            return cls(Path(root), loaded, graph, run_checks(graph, loaded.findings, today))


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of long-lived objects are made.

    Loading creates no reference cycles worth collecting, but each collection walks every object made
    so far: on a large tree that was a third of the run. Reference counting still frees temporaries.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
