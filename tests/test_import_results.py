"""`ra2docs import-results`: JUnit reports of the flavours runners write, stored per stack; hostile or
malformed reports refused with nothing written. The real command line runs in a subprocess."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from ra2docs.load import load_files
from tests.conftest import run_cli

HERE = Path(__file__).parent
JUNIT = HERE / "junit"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    target = tmp_path / "tree"
    shutil.copytree(HERE / "verify_tree", target)
    return target


def _import(tree: Path, report: Path | str, *extra: str, stack: str = "acme-k8s"):
    return run_cli("import-results", str(report), str(tree), "--stack", stack, "--date", "2026-06-01T00:00:00",
                   *extra)


def _stored(tree: Path) -> dict[str, tuple[str, int]]:
    loaded = load_files([tree / "results" / "acme-k8s.yaml"])
    assert not loaded.findings
    (rs,) = loaded.tree.results
    return {o.test: (o.outcome, o.cases) for o in rs.outcomes}


def test_pytest_report_is_stored_per_test_case(tree: Path) -> None:
    proc = _import(tree, JUNIT / "pytest-passing.xml")
    assert proc.returncode == 0, proc.stderr
    assert _stored(tree) == {"tc.ntw.pods": ("passed", 2), "tc.ntw.dual": ("passed", 1)}
    doc = yaml.safe_load((tree / "results" / "acme-k8s.yaml").read_text(encoding="utf-8"))
    assert doc["run_at"] == "2026-05-30T10:00:00.123456+00:00"  # the run's own date, not the import's
    assert doc["imported_at"] == "2026-06-01T00:00:00" and doc["imported_from"] == "pytest-passing.xml"
    assert doc["results"][0]["duration"] == "1.500"
    assert "stored results of 2 test cases for stack 'acme-k8s'" in proc.stdout
    assert run_cli("check", str(tree)).returncode == 0


def test_reimport_says_what_newly_fails_and_newly_passes(tree: Path) -> None:
    _import(tree, JUNIT / "pytest-passing.xml")
    proc = _import(tree, JUNIT / "pytest-failing.xml")
    assert proc.returncode == 0
    assert "tc.ntw.pods: passed -> failed (newly failing)" in proc.stdout
    assert "tc.ntw.dual: passed -> error (newly failing)" in proc.stdout
    assert _stored(tree) == {"tc.ntw.pods": ("failed", 2), "tc.ntw.dual": ("error", 1)}
    doc = yaml.safe_load((tree / "results" / "acme-k8s.yaml").read_text(encoding="utf-8"))
    assert doc["results"][0]["message"] == "AssertionError: 3 of 10 packets lost"
    proc = _import(tree, JUNIT / "pytest-passing.xml")
    assert "tc.ntw.pods: failed -> passed (newly passing)" in proc.stdout
    assert "2 newly passing" in proc.stdout


def test_xtesting_ginkgo_flavour_with_skipped_case(tree: Path) -> None:
    proc = _import(tree, JUNIT / "xtesting-skipped.xml")
    assert proc.returncode == 0, proc.stderr
    assert _stored(tree) == {"tc.ntw.pods": ("passed", 1), "tc.ntw.dual": ("skipped", 1),
                             "tc.ntw.services": ("passed", 1)}


def test_unknown_names_are_reported_with_a_suggestion(tree: Path) -> None:
    proc = _import(tree, JUNIT / "unknown-names.xml")
    assert proc.returncode == 0
    assert ("warning: JUnit case 'tests.test_ntw::test_dual_stak' matches no test case of the tree "
            "(did you mean 'tests.test_ntw.test_dual_stack*'?)") in proc.stderr
    assert "'tests.test_storage::test_volume_expand' matches no test case of the tree\n" in proc.stderr
    assert _stored(tree) == {"tc.ntw.pods": ("passed", 1)}


def test_a_report_matching_nothing_writes_nothing(tree: Path, tmp_path: Path) -> None:
    report = tmp_path / "other.xml"
    report.write_text('<testsuite name="x"><testcase classname="a" name="b"/></testsuite>', encoding="utf-8")
    proc = _import(tree, report)
    assert proc.returncode == 1
    assert "nothing was written: none of the 1 JUnit cases matches a test case" in proc.stdout
    assert not (tree / "results").exists()


def test_unknown_stack_is_a_usage_error_with_a_suggestion(tree: Path) -> None:
    proc = _import(tree, JUNIT / "pytest-passing.xml", stack="acme-k9s")
    assert proc.returncode == 2
    assert "--stack 'acme-k9s' is not a stack of the tree (did you mean 'acme-k8s'?)" in proc.stderr
    assert not (tree / "results").exists()


HOSTILE = {
    "billion-laughs.xml": "refused: the file declares a DTD or entities",
    "external-entity.xml": "refused: the file declares a DTD or entities",
    "not-xml.txt": "not well-formed XML at line 1, column 1: syntax error",
    "truncated.xml": "not well-formed XML at line 2",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_or_malformed_report_is_refused_and_nothing_is_written(tree: Path, name: str) -> None:
    _import(tree, JUNIT / "pytest-passing.xml")
    before = (tree / "results" / "acme-k8s.yaml").read_bytes()
    proc = _import(tree, JUNIT / name)
    assert proc.returncode == 2
    assert f"{JUNIT / name}: error: {HOSTILE[name]}" in proc.stderr
    assert "nothing was imported" in proc.stderr and "Traceback" not in proc.stderr
    assert (tree / "results" / "acme-k8s.yaml").read_bytes() == before
    assert sorted(p.name for p in (tree / "results").iterdir()) == ["acme-k8s.yaml"]  # no temporary left


def test_a_50_mb_report_is_refused_before_it_is_parsed(tree: Path, tmp_path: Path) -> None:
    report = tmp_path / "huge.xml"
    case = b'<testcase classname="tests.test_ntw" name="test_pods_same_node" time="0.1"/>\n'
    with report.open("wb") as fh:
        fh.write(b'<testsuite name="huge">\n')
        for _ in range(50 * 1024 * 1024 // len(case) + 1):
            fh.write(case)
        fh.write(b"</testsuite>\n")
    assert report.stat().st_size > 50 * 1024 * 1024
    proc = _import(tree, report)
    assert proc.returncode == 2
    assert "over the 32 MiB limit (raise it with --max-size if the report is genuine)" in proc.stderr
    assert not (tree / "results").exists()


def test_a_folder_an_empty_file_and_a_device_are_refused(tree: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.xml"
    empty.write_bytes(b"")
    for path, words in ((tmp_path, "is a folder"), (empty, "the file is empty"),
                        (Path("/dev/zero"), "is not a regular file")):
        proc = _import(tree, path)
        assert proc.returncode == 2 and words in proc.stderr, proc.stderr
    assert not (tree / "results").exists()


def test_a_root_that_is_no_junit_report_is_refused(tree: Path, tmp_path: Path) -> None:
    report = tmp_path / "page.xml"
    report.write_text("<html><body>Tests passed</body></html>", encoding="utf-8")
    proc = _import(tree, report)
    assert proc.returncode == 2 and "the root element is <html>" in proc.stderr


def test_dry_run_and_json_report(tree: Path) -> None:
    proc = _import(tree, JUNIT / "pytest-failing.xml", "--dry-run", "--format", "json")
    assert proc.returncode == 0
    import json
    doc = json.loads(proc.stdout)
    assert doc["stored"] is False and doc["junit_cases"] == 3
    assert {r["test"]: r["outcome"] for r in doc["results"]} == {"tc.ntw.pods": "failed", "tc.ntw.dual": "error"}
    assert not (tree / "results").exists()


def test_help_lists_exit_codes() -> None:
    proc = run_cli("import-results", "--help")
    assert proc.returncode == 0
    assert "exit codes:" in proc.stdout and "--stack NAME" in proc.stdout and "--max-size MIB" in proc.stdout
