"""One call from a spec tree on disk to its model, graph and findings: what every front end needs."""

from __future__ import annotations

import datetime as dt
import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
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
    # Seconds spent per stage (load, graph, checks), for `ra2docs check --profile` and the benchmarks.
    stages: dict[str, float] = field(default_factory=dict)

    @property
    def tree(self) -> model.Tree:
        return self.loaded.tree

    @cached_property
    def statuses(self) -> dict[str, status.Status]:
        """Every requirement's coverage status by `SPEC:id` (see `ra2docs.status`), computed once."""
        return status.compute_all(self)

    @classmethod
    def load(cls, root: Path | str = ".", display_root: str | None = None,
             today: dt.date | None = None, reader: FileReader = read_file, for_process: bool = False,
             previous: Project | None = None) -> Project:
        """Load, build the graph and run every check (waivers applied); `reader` parses each file.

        `previous`: an earlier load's project, whose graph is used again when nothing it was made from
        changed (its matrices told by identity: a reader giving unchanged files' objects again, see
        `load.load_tree`).

        `for_process`: the project lives until the process ends (a CLI command), so it is kept out of the
        cyclic collector's sight for good (see `_no_cyclic_gc`).
        """
        stages: dict[str, float] = {}
        with _no_cyclic_gc(freeze=for_process):
            start = time.process_time()
            loaded = load_tree(Path(root), display_root, reader)
            stages["load"] = (mark := time.process_time()) - start
            graph = SpecGraph.build(loaded.tree, previous.graph if previous is not None else None)
            stages["graph"] = (start := time.process_time()) - mark
            result = run_checks(graph, loaded.findings, today)
            stages["checks"] = time.process_time() - start
            return cls(Path(root), loaded, graph, result, stages)


@contextmanager
def _no_cyclic_gc(freeze: bool = False) -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of long-lived objects are made.

    Loading creates no reference cycles worth collecting, but each collection walks every object made
    so far: on a large tree that was a third of the run. Reference counting still frees temporaries.
    With `freeze`, what was made is moved to the collector's permanent generation before it is switched
    back on: otherwise its first collection walks all of it (0.4 s CPU at N = 5,000) and later ones again.
    What an earlier such load froze is unfrozen and collected first, so a process that loads again keeps
    no old project's cycles. A first load skips that full collection: nothing is frozen to free, and it
    would only walk every object the imports made (networkx's: 25 ms of a `check` of the shipped tree).
    """
    enabled = gc.isenabled()
    if freeze and gc.get_freeze_count():
        gc.unfreeze()
        gc.collect()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if enabled:
            gc.enable()
