"""`Project.load(for_process=True)` and the cyclic collector: a first load runs no full collection (nothing is
frozen yet, and it would walk every object the imports made); a later load unfreezes and collects the earlier
project, so its cycles are freed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LOAD_TWICE = """
import gc, sys, weakref
from pathlib import Path
from ra2docs.project import Project

full = []
gc.callbacks.append(lambda phase, info: full.append(phase) if phase == "stop" and info["generation"] == 2 else None)
first = Project.load(Path(sys.argv[1]), for_process=True)
print("first load, full collections:", len(full), "frozen:", gc.get_freeze_count() > 0, "gc on:", gc.isenabled())
class Cycle:
    pass
cycle = Cycle()
cycle.self, first.kept = cycle, cycle  # kept alive by the first project, then only by itself
gone = weakref.ref(cycle)
del cycle, first
gc.freeze()  # as after the first load: the cycle sits in the permanent generation
Project.load(Path(sys.argv[1]), for_process=True)
print("second load, full collections:", len(full), "earlier cycle freed:", gone() is None)
"""


def test_a_first_load_runs_no_full_collection_and_a_second_frees_the_first(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-c", LOAD_TWICE, str(REPO / "tests" / "roots" / "sample")],
                         capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(REPO)))
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.splitlines() == ["first load, full collections: 0 frozen: True gc on: True",
                                       "second load, full collections: 1 earlier cycle freed: True"]
