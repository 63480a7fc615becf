"""Each sample tree under tests/trees/ reports exactly its committed expected findings."""

from __future__ import annotations

from pathlib import Path

import pytest

from ra2docs.errors import CHECK_CODES
from tests.expected_output import TREES, check_output, sample_trees

TREE_PATHS = sample_trees()


@pytest.mark.parametrize("tree", TREE_PATHS, ids=lambda p: p.name)
def test_tree_reports_expected_findings(tree: Path) -> None:
    expected = (tree / "expected.txt").read_text(encoding="utf-8")
    assert check_output(tree) == expected, "regenerate with `make expected` if the change is deliberate"


@pytest.mark.parametrize("code", sorted(CHECK_CODES))  # import codes: tests/test_xlsx_roundtrip.py
def test_every_code_has_a_tree_that_triggers_it(code: str) -> None:
    tree = TREES / code.removeprefix("ra2.")
    assert (tree / "expected.txt").exists(), f"no sample tree tests/trees/{tree.name} for {code}"
    assert f"[{code}]" in (tree / "expected.txt").read_text(encoding="utf-8")


def test_clean_tree_has_no_findings() -> None:
    out = check_output(TREES / "clean")
    assert out.startswith("checked 8 files") and "0 errors, 0 warnings" in out
    assert out.count("\n") == 1


def test_waived_finding_is_kept_with_its_reason() -> None:
    out = check_output(TREES / "waived")
    assert "(waived: no sample CNI supports dual stack yet)" in out
    assert "0 errors" in out and "1 waived" in out


def test_a_wildcard_waiver_cannot_hide_unreadable_input_or_its_own_mistakes() -> None:
    out = check_output(TREES / "unwaivable")
    open_lines = [line for line in out.splitlines()[:-1] if "(waived:" not in line]
    for code in ("ra2.yaml-syntax", "ra2.duplicate-key"):  # what the `ra2.*` / `*` waiver would have hidden
        assert any(f"[{code}]" in line for line in open_lines), code
    assert any("mappings/policy.yaml" in line and "cannot be changed" in line for line in open_lines)
    assert any("gives no reason" in line for line in open_lines)
    assert any("'2027-02-30'" in line for line in open_lines)  # a bad date in the waivers file stays open
    assert out.splitlines()[0].startswith("mappings/broken.yaml:"), "the unreadable file is reported first"
    assert out.splitlines()[-1].endswith("1 file could not be read: fix it first; 2 findings held back until "
                                         "mappings/broken.yaml can be read (each says something is missing, "
                                         "which it may hold)")
    # a genuine gap is still accepted by the same wildcard waiver
    assert "[ra2.uncovered] (waived: accept everything while the draft settles)" in out


def test_one_typo_in_a_link_stated_both_ways_is_one_finding_where_it_is_written() -> None:
    """ra.ntw.001 traces to a mistyped 'req.inf.ntw.1'; req.inf.ntw.01 lists ra.ntw.001 in traced_by.

    Only the dangling reference is reported, at the typo: the other end's one-way link is its consequence.
    """
    lines = check_output(TREES / "typo-in-a-both-ways-link").splitlines()
    assert len(lines) == 2, lines
    assert lines[0].startswith("requirements/ra-ntw.yaml:6:13: error:")
    assert "(did you mean 'req.inf.ntw.01'?) [ra2.dangling-ref]" in lines[0]


def test_one_typo_in_traced_by_is_one_finding_where_it_is_written(tmp_path: Path) -> None:
    import shutil

    tree = tmp_path / "tree"
    shutil.copytree(TREES / "typo-in-a-both-ways-link", tree)
    ra, rm = tree / "requirements" / "ra-ntw.yaml", tree / "requirements" / "rm-ntw.yaml"
    ra.write_text(ra.read_text().replace("[req.inf.ntw.1]", "[req.inf.ntw.01]"))
    rm.write_text(rm.read_text().replace("traced_by: [ra.ntw.001]", "traced_by: [ra.ntw.01]"))
    lines = check_output(tree).splitlines()
    assert len(lines) == 2, lines
    assert lines[0].startswith("requirements/rm-ntw.yaml:10:16: error:")
    assert "(did you mean 'ra.ntw.001'?) [ra2.dangling-ref]" in lines[0]


def test_one_typo_citing_a_spec_with_a_registry_is_one_finding_where_it_is_written(tmp_path: Path) -> None:
    """With the RM's registry in the tree, the mistyped 'req.inf.ntw.1' is looked up in it: one finding at the
    citation (not at the registry or the RM's definition), no dangling-ref beside it, no one-way link."""
    import shutil

    tree = tmp_path / "tree"
    shutil.copytree(TREES / "typo-in-a-both-ways-link", tree)
    (tree / "requirements" / "rm-registry.yaml").write_text(
        "kind: registry\nspec: RM\nentries:\n  - {id: req.inf.ntw.01, level: must}\n"
        "  - {id: req.inf.ntw.02, level: should}\n")
    lines = check_output(tree).splitlines()
    assert len(lines) == 2, lines
    assert lines[0].startswith("requirements/ra-ntw.yaml:6:13: error: 'ra.ntw.001' traces to 'req.inf.ntw.1', "
                               "but the registry of spec RM")
    assert "(did you mean 'req.inf.ntw.01'?) [ra2.not-in-registry]" in lines[0]


def test_registry_findings_point_at_the_place_to_fix() -> None:
    lines = check_output(TREES / "not-in-registry").splitlines()
    assert lines[0].startswith("requirements/ra.yaml:8:13: error: 'ra.cap.001' traces to 'e.cap.044'")  # the citation
    assert lines[1].startswith("requirements/rm.yaml:7:5: error: requirement 'e.cap.099'")  # unregistered
    [mismatch] = check_output(TREES / "registry-mismatch").splitlines()[:1]
    assert mismatch.startswith("requirements/rm.yaml:7:12: warning:")  # the `level:` to correct
