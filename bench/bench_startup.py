"""Start-up: `ra2docs --version` and `ra2docs --help` against `python -c pass`, the floor of any Python tool;
and how much of `ra2docs check` on the shipped tree is imports rather than its own work.

The runs are interleaved (floor, version, help, ...) so a busy machine slows all of them alike; the ratio
is of the medians, and the target is an absolute 0.15 s for `--version` and `--help`. For `check` it
also times importing what the command imports (`ra2docs.commands.check`, and networkx, which the graph
needs, alone), each ending as the command does (exit handlers, then `os._exit`: no interpreter teardown):
the difference between `check` and that import is the command's own work. The split is given for wall
time and for CPU time (user + system of the child, less sensitive to a shared machine).

--baseline DIR runs every case with the ra2docs of DIR too (a copy of another revision, e.g. made with
`git archive main | tar -x -C DIR`), each run beside this tree's, so before and after see the same load.
Both check this tree's spec files.

Python compiles a module's source on every run when it has no cached bytecode, as when
PYTHONDONTWRITEBYTECODE is set and ra2docs was never compiled; an installed ra2docs has its bytecode (pip
compiles it on install). The bench says which case it measured; --compile compiles ra2docs first (into
its __pycache__ folders, the baseline's too), as an install does.

    python bench/bench_startup.py [--repeat 15] [--compile] [--baseline DIR]
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import REPO, Run, python

TARGET_SECONDS = 0.15
FLOOR = "python -c pass"
CHECK, IMPORTS, NETWORKX = "ra2docs check (shipped tree)", "import ra2docs.commands.check", "import networkx"
# The import cases end as `ra2docs.cli.entry` ends every command: exit handlers, then os._exit, no teardown.
# A plain end would add the interpreter's freeing of every imported module (about 70 ms after what `check`
# imports), which `check` never pays: it would count as imports and be taken off the command's own work.
AS_THE_CLI_EXITS = "; import atexit, os; atexit._run_exitfuncs(); os._exit(0)"
CASES = {FLOOR: python("-c", "pass"), "ra2docs --version": python("-m", "ra2docs", "--version"),
         "ra2docs --help": python("-m", "ra2docs", "--help"),
         NETWORKX: python("-c", "import networkx" + AS_THE_CLI_EXITS),
         IMPORTS: python("-c", "import ra2docs.cli, ra2docs.commands.check" + AS_THE_CLI_EXITS),
         CHECK: python("-m", "ra2docs", "check", str(REPO))}
TARGETED = ("ra2docs --version", "ra2docs --help")


def run_with(argv: list[str], root: Path) -> Run:
    """One run with the ra2docs of `root` first on the path (as bench.common.run_once does for this tree)."""
    env = dict(os.environ, PYTHONPATH=str(root))
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        stderr = proc.stderr.read().decode() if proc.stderr else ""
        raise RuntimeError(f"{' '.join(argv)} with {root} exited {code}: {stderr[-2000:]}")
    return Run(seconds, usage.ru_maxrss / 1024, code, usage.ru_utime + usage.ru_stime)


def bytecode_state(root: Path) -> str:
    """How many of ra2docs's modules have cached bytecode, i.e. are not compiled from source on every run."""
    sources = sorted((root / "ra2docs").rglob("*.py"))
    cached = sum(Path(importlib.util.cache_from_source(str(p))).is_file() for p in sources)
    unset = "" if not os.environ.get("PYTHONDONTWRITEBYTECODE") else ", PYTHONDONTWRITEBYTECODE is set"
    return f"ra2docs bytecode: cached for {cached} of {len(sources)} modules{unset}"


def split(medians: dict[str, float], floor: float) -> str:
    check, imports, networkx = medians[CHECK] - floor, medians[IMPORTS] - floor, medians[NETWORKX] - floor
    return (f"{imports / check:.2f} of its time above the floor is imports (networkx alone {networkx / check:.2f}), "
            f"{(check - imports) / check:.2f} its own work")


def report(root: Path, runs: dict[str, list[Run]]) -> int:
    """Print one tree's table and splits; 1 when a start-up target is missed."""
    print(f"{root}: {bytecode_state(root)}")
    medians = {name: statistics.median(r.seconds for r in samples) for name, samples in runs.items()}
    cpu = {name: statistics.median(r.cpu for r in samples) for name, samples in runs.items()}
    floor = medians[FLOOR]
    status = 0
    for name, samples in runs.items():
        verdict = ""
        if name in TARGETED:
            ok = medians[name] < TARGET_SECONDS
            status |= 0 if ok else 1
            verdict = f"  target < {TARGET_SECONDS:.2f} s: {'met' if ok else 'MISSED'}"
        print(f"{name:30} median {medians[name] * 1000:6.1f} ms  min {min(r.seconds for r in samples) * 1000:6.1f} ms  "
              f"CPU {cpu[name] * 1000:6.1f} ms  ratio {medians[name] / floor:5.2f}x the floor{verdict}")
    print(f"ra2docs check, wall time: {split(medians, floor)}")
    print(f"ra2docs check, CPU time:  {split(cpu, cpu[FLOOR])}")
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--compile", action="store_true",
                        help="compile ra2docs's bytecode first (into its __pycache__ folders), as an install does")
    parser.add_argument("--baseline", type=Path, metavar="DIR",
                        help="also run every case with the ra2docs of DIR, interleaved with this tree's")
    args = parser.parse_args(argv)
    roots = [REPO] if args.baseline is None else [args.baseline.resolve(), REPO]
    if args.compile:
        for root in roots:
            compileall.compile_dir(root / "ra2docs", quiet=1)
    runs: dict[Path, dict[str, list[Run]]] = {root: {name: [] for name in CASES} for root in roots}
    for _ in range(args.repeat):
        for name, cmd in CASES.items():
            for root in roots:
                runs[root][name].append(run_with(cmd, root))
    status = 0
    for root in roots:
        status |= report(root, runs[root])
    return status


if __name__ == "__main__":
    sys.exit(main())
