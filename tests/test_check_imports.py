"""`ra2docs check` imports only what a check uses (issue 12): the atomic file writer, the answers-file module and
json come in only with `-o FILE`, `--format json` or a vendor's stacks, not for a plain check of the shipped tree."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFERRED = ("json", "ra2docs.fileio", "ra2docs.responses")
# The real entry point (`python -m ra2docs`), then the modules it ended with, on stderr's last line.
CHECK_AND_LIST = f"""
import atexit, sys
atexit.register(lambda: sys.stderr.write(
    repr(sorted(m for m in sys.modules if m in {DEFERRED!r})) + "\\n"))
sys.argv = ["ra2docs", "check", *sys.argv[1:]]
from ra2docs.cli import entry
entry()
"""


def check_and_list(*args: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    out = subprocess.run([sys.executable, "-c", CHECK_AND_LIST, *args], capture_output=True, text=True,
                         cwd=REPO, env=dict(os.environ, PYTHONPATH=str(REPO)))
    last = out.stderr.strip().splitlines()[-1]
    assert last.startswith("["), out.stderr[-2000:]
    return out, ast.literal_eval(last)  # the list of module names printed by repr()


def test_a_plain_check_of_the_shipped_tree_imports_none_of_the_deferred_modules() -> None:
    out, imported = check_and_list(str(REPO))
    assert out.returncode == 0, out.stderr[-2000:]
    assert "0 errors" in out.stdout
    assert imported == []


def test_check_writing_a_report_file_still_writes_it(tmp_path: Path) -> None:
    report = tmp_path / "findings.xml"
    out, imported = check_and_list(str(REPO), "--format", "junit", "-o", str(report))
    assert out.returncode == 0, out.stderr[-2000:]
    assert report.read_text(encoding="utf-8").startswith("<?xml")
    assert "ra2docs.fileio" in imported


def test_check_as_json_still_renders_json() -> None:
    out, imported = check_and_list(str(REPO), "--format", "json")
    assert out.returncode == 0, out.stderr[-2000:]
    assert json.loads(out.stdout)["summary"]["errors"] == 0
    assert "json" in imported
