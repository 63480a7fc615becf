"""Measuring whole processes: wall time and the peak memory of that one child (os.wait4)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mib: float
    returncode: int = 0  # the highest of the runs a median stands for
    cpu: float = 0.0  # user + system CPU seconds of the child


def run_once(argv: Sequence[str], cwd: Path | None = None) -> Run:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    start = time.perf_counter()
    proc = subprocess.Popen(list(argv), cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(argv)} exited {proc.returncode}: {stderr[-2000:]}")
    # ru_maxrss is in KiB on Linux
    return Run(seconds, usage.ru_maxrss / 1024, proc.returncode, usage.ru_utime + usage.ru_stime)


def median_run(argv: Sequence[str], repeat: int, cwd: Path | None = None) -> Run:
    runs = [run_once(argv, cwd) for _ in range(repeat)]
    return Run(statistics.median(r.seconds for r in runs), max(r.peak_mib for r in runs),
               max(r.returncode for r in runs), statistics.median(r.cpu for r in runs))


def python(*args: str) -> list[str]:
    return [sys.executable, *args]
