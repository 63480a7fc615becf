"""Each sample tree under tests/trees/ reports exactly its committed expected findings."""

from __future__ import annotations

from pathlib import Path

import pytest

from ra2docs.errors import CATALOGUE
from tests.expected_output import TREES, check_output, sample_trees

TREE_PATHS = sample_trees()


@pytest.mark.parametrize("tree", TREE_PATHS, ids=lambda p: p.name)
def test_tree_reports_expected_findings(tree: Path) -> None:
    expected = (tree / "expected.txt").read_text(encoding="utf-8")
    assert check_output(tree) == expected, "regenerate with `make expected` if the change is deliberate"


@pytest.mark.parametrize("code", sorted(CATALOGUE))
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
