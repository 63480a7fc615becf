"""The `ra2docs` command line, run as a real subprocess: output formats and exit codes."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from ra2docs.cli import build_parser, command_name, commands
from tests.conftest import TREES, run_cli


def test_clean_tree_exits_0_with_summary() -> None:
    proc = run_cli("check", str(TREES / "clean"))
    assert proc.returncode == 0
    assert proc.stdout.strip().startswith("checked 8 files (2 specs, 4 requirements")
    assert proc.stderr == ""


def test_coverage_gap_exits_1_and_names_the_position() -> None:
    proc = run_cli("check", ".", cwd=TREES / "uncovered")
    assert proc.returncode == 1
    assert "requirements/ra-ntw.yaml:7:5: error: RA requirement 'ra.ntw.002'" in proc.stdout
    assert "[ra2.uncovered]" in proc.stdout


def test_waived_gap_exits_0_and_is_shown_on_request() -> None:
    assert run_cli("check", str(TREES / "waived")).returncode == 0
    proc = run_cli("check", str(TREES / "waived"), "--show-waived")
    assert "(waived: no sample CNI supports dual stack yet)" in proc.stdout


@pytest.mark.parametrize(("fail_on", "code"), [("error", 0), ("warning", 1), ("info", 1), ("never", 0)])
def test_fail_on_threshold(fail_on: str, code: int) -> None:
    # the placeholder tree holds warnings only
    assert run_cli("check", str(TREES / "placeholder"), "--fail-on", fail_on).returncode == code


def test_fail_on_never_still_reports_errors() -> None:
    proc = run_cli("check", str(TREES / "uncovered"), "--fail-on", "never")
    assert proc.returncode == 0 and "2 errors" in proc.stdout


@pytest.mark.parametrize("tree", ["yaml-syntax", "file-unreadable", "duplicate-key", "wrong-type", "unknown-kind"])
def test_bad_input_is_a_finding_not_a_traceback(tree: str) -> None:
    proc = run_cli("check", str(TREES / tree))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    assert f"[ra2.{tree}]" in proc.stdout


def test_json_format() -> None:
    proc = run_cli("check", str(TREES / "dangling-ref"), "--format", "json")
    doc = json.loads(proc.stdout)
    assert proc.returncode == 1
    assert doc["version"] == 1 and doc["summary"]["errors"] == 3 and doc["summary"]["warnings"] == 1
    assert doc["checked"]["requirements"] == 4
    first = doc["findings"][0]
    assert set(first) >= {"code", "severity", "message", "file", "line", "column", "subject", "waived", "hint"}
    assert {f["code"] for f in doc["findings"]} == {"ra2.dangling-ref", "ra2.placeholder"}
    assert any(f["subject"] == "req.inf.ntw.2" and f["line"] == 9 for f in doc["findings"])


def test_junit_format_has_one_failing_case_per_failing_code(tmp_path: Path) -> None:
    out = tmp_path / "report.xml"
    proc = run_cli("check", str(TREES / "dangling-ref"), "--format", "junit", "-o", str(out))
    assert proc.returncode == 1 and proc.stdout == ""
    suite = ET.parse(out).getroot().find("testsuite")
    assert suite is not None
    failing = [c.get("name") for c in suite.iter("testcase") if c.find("failure") is not None]
    assert failing == ["ra2.dangling-ref"]  # placeholders are warnings: below the default threshold
    assert suite.get("failures") == "1"


def test_github_format() -> None:
    proc = run_cli("check", str(TREES / "unknown-level"), "--format", "github")
    line = proc.stdout.splitlines()[0]
    assert line.startswith("::error file=")
    assert "line=8,col=21,title=ra2.unknown-level::" in line


@pytest.mark.parametrize("args", [["check", "/no/such/folder"], ["check", str(TREES)], ["check", "--format", "xml"],
                                  ["frobnicate"], ["schema", "nonsense"]])
def test_usage_errors_exit_2(args: list[str]) -> None:
    proc = run_cli(*args)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip()


def test_codes_lists_the_catalogue() -> None:
    proc = run_cli("codes", "--format", "json", check=True)
    codes = {c["code"] for c in json.loads(proc.stdout)}
    assert {"ra2.uncovered", "ra2.duplicate-id", "ra2.dangling-ref", "ra2.waiver-expired"} <= codes


def test_schema_command_prints_valid_json() -> None:
    doc = json.loads(run_cli("schema", "matrix", check=True).stdout)
    assert doc["properties"]["kind"] == {"description": "The kind of this file", "const": "matrix"}
    assert "rows" in doc["required"]


def test_every_command_has_help_text() -> None:
    parser = build_parser()
    for module in commands():
        assert module.HELP and module.__doc__, module.__name__
        assert command_name(module.__name__) == module.NAME
    help_text = parser.format_help()
    for module in commands():
        assert module.NAME in help_text
        proc = run_cli(module.NAME, "--help")
        assert proc.returncode == 0 and "usage: ra2docs" in proc.stdout


def test_output_file_is_written(tmp_path: Path) -> None:
    target = tmp_path / "findings.json"  # the folder must exist: -o never creates folders
    run_cli("check", str(TREES / "clean"), "--format", "json", "-o", str(target), check=True)
    assert json.loads(target.read_text())["summary"]["errors"] == 0


def test_only_the_entry_point_imports_the_cli() -> None:
    """The CLI is a thin layer over the library: no library or command module imports it (no import cycle)."""
    import ast

    package = Path(__file__).resolve().parent.parent / "ra2docs"
    importers = []
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if "ra2docs.cli" in names:
                importers.append(path.relative_to(package).as_posix())
    assert importers == ["__main__.py"]
