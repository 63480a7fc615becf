"""Measurement harness shared by the benchmarks: whole processes, wall time and peak memory, medians."""

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
    returncode: int
    stdout: str


@dataclass(frozen=True)
class Measured:
    """The median of several runs of one command."""

    seconds: float
    peak_mib: float
    runs: tuple[Run, ...]

    @property
    def returncodes(self) -> set[int]:
        return {r.returncode for r in self.runs}


def run_once(argv: Sequence[str], cwd: Path = REPO) -> Run:
    """Run one process to its end; wait4 gives this child's own peak RSS (ru_maxrss, KiB on Linux)."""
    start = time.perf_counter()
    proc = subprocess.Popen(list(argv), cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = proc.stdout.read() if proc.stdout else ""
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.stdout:
        proc.stdout.close()
    return Run(seconds, usage.ru_maxrss / 1024, proc.returncode, out)


def measure(commands: dict[str, Sequence[str]], repeat: int = 3) -> dict[str, Measured]:
    """Run each command `repeat` times, interleaved so drift on the machine hits all of them alike."""
    runs: dict[str, list[Run]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, argv in commands.items():
            runs[name].append(run_once(argv))
    return {name: Measured(statistics.median(r.seconds for r in rs), statistics.median(r.peak_mib for r in rs),
                           tuple(rs)) for name, rs in runs.items()}


def python(*args: str) -> list[str]:
    return [sys.executable, *args]


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table, so the output can go into bench/README.md as it is."""
    cells = [[str(c) for c in header]] + [[_fmt(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = ["| " + " | ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in cells]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
