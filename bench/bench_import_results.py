"""Benchmark: reading a JUnit report as `ra2docs import-results` does, against a bare stdlib pass.

    python bench/bench_import_results.py                    # 100,000 JUnit test cases
    python bench/bench_import_results.py --tests 10000 --repeat 3

The report has the pytest flavour (one suite; 4% failures with a message and a traceback, 2% skipped);
the tree has one test case per 100 JUnit cases matched by exact `classname.name`, plus 20 test cases
with `*` patterns over module names (as RA2's SIG labels select e2e tests; `--patterns` changes it), so
every JUnit case is looked up by name and matched against the patterns. A second run of ours uses the
exact names only, which isolates the cost of parsing and folding from the cost of the patterns.

Contenders, each in a forked child of the same process, one after the other, on the same file:

* ours: `ra2docs.junit.cases` (defusedxml's parser, DTDs refused, size-bounded reader, elements dropped
  as read) folded into outcomes by `ra2docs.results.collect`;
* floor: `xml.etree.ElementTree.iterparse` over the file, reading each testcase's outcome child and
  clearing it: the least any streaming reader of the file does.

Time is wall-clock of the read alone; memory is the child's peak resident set above what it inherited.
Printed: medians, the ratio ours / floor, and both peaks.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import statistics
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ra2docs.junit import Report, cases
from ra2docs.results import collect
from ra2docs.verification_model import TestCase

MODULES = 20  # module names mod_000 .. mod_019: the 20 patterns cover them all
PATTERNS = 20  # `tests.mod_*NN.*`: the module whose number ends in NN (about as many as RA2's SIG groups)


def write_report(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8") as fh:
        fh.write('<?xml version="1.0" encoding="utf-8"?>\n<testsuites><testsuite name="pytest" '
                 f'tests="{n}" timestamp="2026-06-01T10:00:00">\n')
        for i in range(n):
            cls = f"tests.mod_{i % MODULES:03d}"
            name = f"test_case_{i}[param-{i % 7}]"
            if i % 25 == 3:
                fh.write(f'<testcase classname="{cls}" name="{name}" time="0.{i % 997:03d}"><failure message='
                         f'"AssertionError: expected {i} got {i + 1}">Traceback (most recent call last):\n'
                         f'  File "tests/mod.py", line {i % 300}, in {name}\nAssertionError</failure></testcase>\n')
            elif i % 50 == 7:
                fh.write(f'<testcase classname="{cls}" name="{name}" time="0.000"><skipped type="pytest.skip" '
                         'message="needs SR-IOV"/></testcase>\n')
            else:
                fh.write(f'<testcase classname="{cls}" name="{name}" time="0.{i % 997:03d}"/>\n')
        fh.write("</testsuite></testsuites>\n")


def test_cases(n: int, patterns: int = PATTERNS) -> list[TestCase]:
    exact = [TestCase(f"tc.{k}", f"case {k}",
                      junit=(f"tests.mod_{k % MODULES:03d}.test_case_{k}[param-{k % 7}]",)) for k in range(0, n, 100)]
    patterns = [TestCase(f"tc.mod.{m}", f"modules ending {m:02d}", junit=(f"tests.mod_*{m:02d}.*",))
                for m in range(patterns)]
    return exact + patterns


def ours(path: Path, tests: list[TestCase]) -> int:
    with path.open("rb") as fh:
        got = collect(cases(fh, Report(), 1 << 40), tests)
    return len(got.outcomes)


def floor(path: Path, _tests: list[TestCase]) -> int:
    count = 0
    for _event, elem in ET.iterparse(str(path)):
        if elem.tag == "testcase":
            count += 1 if len(elem) == 0 or elem[0].tag else 0
            elem.clear()
    return count


def _child(fn: Callable[[Path, list[TestCase]], int], path: Path, tests: list[TestCase], queue) -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    fn(path, tests)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put((seconds, (peak - before) / 1024))


def measure(fn: Callable[[Path, list[TestCase]], int], path: Path, tests: list[TestCase]) -> tuple[float, float]:
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(fn, path, tests, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tests", type=int, default=100_000, help="JUnit test cases in the report")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--patterns", type=int, default=PATTERNS, help="test cases matched by a `*` pattern")
    args, _unknown = parser.parse_known_args(argv)  # run_all.py passes the other benchmarks' options along
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "report.xml"
        write_report(path, args.tests)
        tests = test_cases(args.tests, args.patterns)
        exact = test_cases(args.tests, 0)
        assert ours(path, tests) == len(tests)
        runs: dict[str, list[tuple[float, float]]] = {"ours": [], "exact": [], "floor": []}
        for _ in range(args.repeat):
            for name, fn, chosen in (("ours", ours, tests), ("exact", ours, exact), ("floor", floor, tests)):
                runs[name].append(measure(fn, path, chosen))
        size = path.stat().st_size / (1024 * 1024)
    med = {k: statistics.median(s for s, _ in v) for k, v in runs.items()}
    peak = {k: max(m for _, m in v) for k, v in runs.items()}
    print(f"JUnit report: {args.tests} test cases, {size:.1f} MiB; tree: {len(tests)} test cases "
          f"({len(exact)} by exact name, {args.patterns} by pattern); median of {args.repeat}")
    print(f"  import-results reader:          {med['ours']:.2f} s, peak +{peak['ours']:.1f} MiB "
          f"({med['ours'] / med['floor']:.1f}x the floor)")
    print(f"  the same, exact names only:     {med['exact']:.2f} s, peak +{peak['exact']:.1f} MiB "
          f"({med['exact'] / med['floor']:.1f}x the floor)")
    print(f"  floor, bare ET.iterparse:       {med['floor']:.2f} s, peak +{peak['floor']:.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
