"""One mistake, one finding, at the place to fix (tracker issue 12), through the real command line.

- a mistyped reference that was all that covered a requirement: the finding at the typo says the requirement
  is not covered without it; no second ra2.uncovered finding at the requirement's own file;
- a file that cannot be parsed: what follows from its missing content is held back, and said so once;
- a reference into a spec with a registry: the message names the specs searched, never another one.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from ra2docs.project import Project
from ra2docs.status import UNCOVERED, WAIVED
from tests.conftest import REPO, run_cli


def _shipped(tmp_path: Path) -> Path:
    root = tmp_path / "tree"
    for part in ("requirements", "mappings"):
        shutil.copytree(REPO / part, root / part)
    return root


def _replace(path: Path, old: str, new: str, line: int | None = None) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    index = line - 1 if line else next(i for i, text in enumerate(lines) if old in text)
    assert old in lines[index], f"{old!r} not at {path}:{index + 1}"
    lines[index] = lines[index].replace(old, new, 1)
    path.write_text("".join(lines), encoding="utf-8")


def _finding_lines(stdout: str) -> list[str]:
    return stdout.splitlines()[:-1]  # the last line is the summary


# ---- 1: a typo in the only covering reference -------------------------------------------------------

def test_typo_in_the_only_trace_to_a_requirement_is_one_finding_at_the_typo(tmp_path: Path) -> None:
    root = _shipped(tmp_path)
    _replace(root / "mappings" / "ra1-traceability.yaml", "RA1:inf.com.01", "RA1:inf.cmo.01", line=11)
    proc = run_cli("check", str(root))
    assert proc.returncode == 1, proc.stdout  # the broken reference is an error
    lines = _finding_lines(proc.stdout)
    assert len(lines) == 1, proc.stdout
    assert lines[0].startswith(f"{root}/mappings/ra1-traceability.yaml:11:31:")  # at the `to` value
    assert "(did you mean 'inf.com.01'?)" in lines[0]
    assert "RA1 requirement 'inf.com.01' (must, profiles basic, high-performance) is not covered" in lines[0]
    assert "ra2.uncovered" not in proc.stdout
    # the requirement's status is what it is: uncovered (site, workbooks, `statuses` of --format json)
    project = Project.load(root)
    assert project.statuses["RA1:inf.com.01"].value == UNCOVERED


def test_typo_in_a_scaffolded_matrix_row_is_one_finding_at_the_row(tmp_path: Path) -> None:
    root = tmp_path / "s1"
    run_cli("init", str(root), check=True)
    _replace(root / "mappings" / "matrix.yaml", "requirement: ops.ntw.001", "requirement: ops.ntw.01")
    proc = run_cli("check", str(root))
    assert proc.returncode == 1, proc.stdout
    lines = _finding_lines(proc.stdout)
    assert len(lines) == 1, proc.stdout
    assert lines[0].startswith(f"{root}/mappings/matrix.yaml:8:18:")  # at the row's requirement value
    assert "did you mean 'ops.ntw.001'?" in lines[0]
    assert "OPS requirement 'ops.ntw.001' (must) is not covered" in lines[0]
    assert proc.stdout.splitlines()[-1].endswith("1 error, 0 warnings, 0 infos, 0 waived")

    doc = json.loads(run_cli("check", "--format", "json", str(root)).stdout)
    (finding,) = doc["findings"]
    assert finding["code"] == "ra2.matrix-unknown-row"
    (folded,) = finding["folded"]  # what it stands for, as its own finding would have said it
    assert folded["code"] == "ra2.uncovered" and folded["subject"] == "ops.ntw.001"
    assert folded["file"] == f"{root}/requirements/ops-ntw.yaml" and folded["line"] == 6
    assert doc["summary"]["errors"] == 1
    (status,) = [s for s in doc["statuses"] if s["id"] == "ops.ntw.001"]
    assert status["status"] == UNCOVERED


def test_a_waived_gap_is_not_folded_and_its_waiver_stays_used(tmp_path: Path) -> None:
    """A waiver accepting the gap still accepts it: the gap stays a waived finding of its own (so the waiver
    is used, not reported unused) and the typo's finding says nothing about it."""
    root = tmp_path / "s1"
    run_cli("init", str(root), check=True)
    _replace(root / "mappings" / "matrix.yaml", "requirement: ops.ntw.001", "requirement: ops.ntw.01")
    (root / "mappings" / "waivers.yaml").write_text(
        "kind: waivers\nwaivers:\n  - {code: ra2.uncovered, target: ops.ntw.001, reason: no CNI tested yet}\n",
        encoding="utf-8")
    proc = run_cli("check", "--show-waived", str(root))
    lines = _finding_lines(proc.stdout)
    assert len(lines) == 2, proc.stdout
    assert "[ra2.matrix-unknown-row]" in lines[0] and "not covered" not in lines[0]
    assert "[ra2.uncovered] (waived: no CNI tested yet)" in lines[1]
    assert "waiver-unused" not in proc.stdout
    assert Project.load(root).statuses["OPS:ops.ntw.001"].value == WAIVED


# ---- 2: a file that cannot be parsed ----------------------------------------------------------------

def test_an_unparsable_file_holds_back_what_follows_from_its_missing_content(tmp_path: Path) -> None:
    root = _shipped(tmp_path)
    broken = root / "requirements" / "ra2" / "ch04-ntw.yaml"
    _replace(broken, "traces: [inf.ntw.03]", "traces: [inf.ntw.03")
    proc = run_cli("check", str(root))
    assert proc.returncode == 1
    lines = _finding_lines(proc.stdout)
    assert len(lines) == 1, proc.stdout
    assert lines[0].startswith(f"{root}/requirements/ra2/ch04-ntw.yaml:16:") and "[ra2.yaml-syntax]" in lines[0]
    summary = proc.stdout.splitlines()[-1]
    assert "1 error, 0 warnings" in summary
    assert f"findings held back until {root}/requirements/ra2/ch04-ntw.yaml can be read" in summary

    doc = json.loads(run_cli("check", "--format", "json", str(root)).stdout)
    assert [f["code"] for f in doc["findings"] if not f["waived"]] == ["ra2.yaml-syntax"]
    assert doc["summary"]["errors"] == 1
    held = doc["summary"]["held_back"]
    assert held > 10 and f"{held} findings held back" in summary
    assert doc["held_back_until"] == [f"{root}/requirements/ra2/ch04-ntw.yaml"]

    github = run_cli("check", "--format", "github", str(root)).stdout.splitlines()
    assert len(github) == 2 and github[0].startswith("::error ") and github[1] == summary
    junit = run_cli("check", "--format", "junit", str(root)).stdout
    assert 'failures="1"' in junit and f"{held} findings held back" in junit



def test_junit_says_what_is_held_back_once_when_two_files_cannot_be_read(tmp_path: Path) -> None:
    root = _shipped(tmp_path)
    _replace(root / "requirements" / "ra2" / "ch04-ntw.yaml", "traces: [inf.ntw.03]", "traces: [inf.ntw.03")
    undecodable = root / "requirements" / "ra2" / "ch04-os.yaml"
    undecodable.write_bytes(undecodable.read_bytes() + b"\n# \xff\xfe\n")  # not UTF-8
    junit = run_cli("check", "--format", "junit", str(root)).stdout
    assert 'failures="2"' in junit, junit  # ra2.yaml-syntax and ra2.file-unreadable
    assert junit.count("findings held back until") == 1, junit


# ---- 3: the registry named is one the reference was looked up in ------------------------------------

def test_a_typo_in_a_link_to_a_base_spec_names_the_specs_searched(tmp_path: Path) -> None:
    root = _shipped(tmp_path)
    _replace(root / "mappings" / "ra2-gaps.yaml", "to: e.man.004", "to: e.man.04", line=9)
    proc = run_cli("check", str(root))
    assert proc.returncode == 1
    lines = _finding_lines(proc.stdout)
    assert len(lines) == 1, proc.stdout
    assert lines[0].startswith(f"{root}/mappings/ra2-gaps.yaml:9:29:")
    assert "RA1" not in lines[0], lines[0]  # RA2 is based on RM alone: RA1's registry was never searched
    assert "'e.man.04'" in lines[0] and "did you mean 'e.man.004'?" in lines[0]
    assert "RM" in lines[0]


def test_the_site_warns_of_the_unparsable_file_alone_and_says_what_it_held_back(tmp_path: Path) -> None:
    from tests.sphinx_helpers import build, copy_root

    root = copy_root("sample", tmp_path)
    _replace(root / "requirements" / "rm-ntw.yaml", "kind: requirements", "kind: [requirements")
    result = build(root)
    warned = [line for line in result.warnings.splitlines() if "[ra2docs." in line]
    assert len(warned) == 1 and "[ra2docs.ra2.yaml-syntax]" in warned[0], result.warnings
    page = result.html("findings")
    assert "held back until requirements/rm-ntw.yaml can be read" in page
    assert "Open findings (1)" in page


# ---- folding, in the library: which gaps a mistyped reference stands for ------------------------------

def _open(root: Path) -> list[tuple[str, str]]:
    return [(f.code, f.message) for f in Project.load(root).result.open]


def test_a_typo_in_the_tracing_end_stated_at_the_traced_requirement_is_one_finding(sample_tree: Path) -> None:
    """req.inf.ntw.02 lists a mistyped 'ra.ntw.02' in traced_by (and ra.ntw.002 states no trace): the rule asks
    for a trace from RA, and the ID meant, ra.ntw.002, is RA's, so the gap is said at the typo."""
    _replace(sample_tree / "requirements" / "ra-ntw.yaml", "    traces: [req.inf.ntw.02]\n", "")
    _replace(sample_tree / "requirements" / "rm-ntw.yaml", "    profiles: {high-performance: must}",
             "    profiles: {high-performance: must}\n    traced_by: [ra.ntw.02]")
    found = _open(sample_tree)
    codes = [code for code, _ in found]
    assert codes.count("ra2.dangling-ref") == 1 and "ra2.uncovered" not in codes, found
    (message,) = [m for code, m in found if code == "ra2.dangling-ref"]
    assert "did you mean 'ra.ntw.002'?" in message
    assert "until it is corrected, RM requirement 'req.inf.ntw.02'" in message


def test_an_untraced_rm_requirement_no_rule_covers_is_folded_too(sample_tree: Path) -> None:
    _replace(sample_tree / "mappings" / "policy.yaml", "spec: RM", "spec: RA")  # no rule asks about RM now
    _replace(sample_tree / "requirements" / "ra-ntw.yaml", "traces: [req.inf.ntw.02]", "traces: [req.inf.ntw.2]")
    found = _open(sample_tree)
    assert not any(code == "ra2.rm-untraced" for code, _ in found), found
    (message,) = [m for code, m in found if code == "ra2.dangling-ref"]
    assert "until it is corrected, no requirement of a spec based on 'RM' traces to 'req.inf.ntw.02'" in message


def test_a_gap_more_severe_than_the_typo_is_not_folded(sample_tree: Path) -> None:
    """With dangling references lowered to warnings, folding the error would let the run pass."""
    policy = sample_tree / "mappings" / "policy.yaml"
    policy.write_text(policy.read_text(encoding="utf-8") + "severities:\n  ra2.dangling-ref: warning\n",
                      encoding="utf-8")
    _replace(sample_tree / "requirements" / "ra-ntw.yaml", "traces: [req.inf.ntw.02]", "traces: [req.inf.ntw.2]")
    codes = [code for code, _ in _open(sample_tree)]
    assert codes.count("ra2.uncovered") == 1 and codes.count("ra2.dangling-ref") == 1


def test_a_typo_without_a_close_match_folds_nothing(sample_tree: Path) -> None:
    _replace(sample_tree / "requirements" / "ra-ntw.yaml", "traces: [req.inf.ntw.02]", "traces: [something.else]")
    found = _open(sample_tree)
    assert [code for code, _ in found].count("ra2.uncovered") == 1
    assert not any("until it is corrected" in message for _, message in found)


def test_a_waived_typo_folds_nothing(sample_tree: Path) -> None:
    """A waiver accepting the broken reference hides it; the gap it leaves is then reported on its own."""
    _replace(sample_tree / "requirements" / "ra-ntw.yaml", "traces: [req.inf.ntw.02]", "traces: [req.inf.ntw.2]")
    (sample_tree / "mappings" / "waivers.yaml").write_text(
        "kind: waivers\nwaivers:\n  - {code: ra2.dangling-ref, target: req.inf.ntw.2, reason: fixed upstream next}\n",
        encoding="utf-8")
    result = Project.load(sample_tree).result
    assert [f.code for f in result.waived] == ["ra2.dangling-ref"]
    assert [f.code for f in result.open].count("ra2.uncovered") == 1
    assert not any(f.folded for f in result.findings)


def test_a_typo_in_the_only_test_case_verifying_a_requirement_is_one_finding(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    shutil.copytree(REPO / "tests" / "trees" / "unverified", root, ignore=shutil.ignore_patterns("expected.txt"))
    _replace(root / "requirements" / "tests.yaml", "verifies: [ra.ntw.001]", "verifies: [ra.ntw.01]")
    proc = run_cli("check", str(root))
    assert proc.returncode == 1
    lines = _finding_lines(proc.stdout)
    verifying = [line for line in lines if "ra.ntw.001" in line]
    assert len(verifying) == 1 and "requirements/tests.yaml:9:" in verifying[0], proc.stdout
    assert "(did you mean 'ra.ntw.001'?); until it is corrected, RA requirement 'ra.ntw.001' (must) is verified by " \
           "no test case [rule ra-verified]" in verifying[0]
    assert [line for line in lines if "[ra2.unverified]" in line] == [
        line for line in lines if "'ra.ntw.002'" in line and "[ra2.unverified]" in line]  # the other gap stays


def test_a_typo_in_a_matrix_row_is_no_stack_gap_either(tmp_path: Path) -> None:
    """The row's multus cell was what covered ra.ntw.001 for the stack of Multus alone: that gap is the typo's."""
    root = tmp_path / "tree"
    shutil.copytree(REPO / "tests" / "trees" / "stack-gap", root, ignore=shutil.ignore_patterns("expected.txt"))
    _replace(root / "mappings" / "matrix.yaml", "requirement: ra.ntw.001", "requirement: ra.ntw.01")
    found = _open(root)
    about = [(code, message) for code, message in found if "'ra.ntw.001'" in message]
    assert [code for code, _ in about] == ["ra2.matrix-unknown-row"], found
    assert "stack 'multus-only' does not cover RA requirement 'ra.ntw.001'" in about[0][1]
    assert [code for code, message in found if "'ra.ntw.002'" in message] == ["ra2.stack-gap"]  # not the typo's


def test_a_typo_in_a_test_case_folds_no_gap_of_a_traces_rule(tmp_path: Path) -> None:
    """A test case verifies; it neither traces nor supports: correcting its typo would not cover the requirement
    under a rule of traces, so that gap stays a finding of its own."""
    root = tmp_path / "tree"
    shutil.copytree(REPO / "tests" / "trees" / "unverified", root, ignore=shutil.ignore_patterns("expected.txt"))
    _replace(root / "mappings" / "policy.yaml", "covered_by: support", "covered_by: traces")
    _replace(root / "requirements" / "tests.yaml", "verifies: [ra.ntw.001]", "verifies: [ra.ntw.01]")
    lines = _finding_lines(run_cli("check", str(root)).stdout)
    [typo] = [line for line in lines if "(did you mean 'ra.ntw.001'?)" in line]
    assert "is verified by no test case [rule ra-verified]" in typo  # its own gap is folded
    assert "[rule ra-supported]" not in typo
    assert [line for line in lines if "'ra.ntw.001'" in line and line.endswith("[ra2.uncovered]")], lines
