"""Edits of the sample tree (tests/roots/sample) an author makes, one step after another, for the tests that
compare a load or build that reuses what an earlier one made against a clean one (test_load_kept,
test_sphinx_incremental). Each step keeps the tree loadable; some give findings, one moves a finding's line."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def description_edited(root: Path) -> None:
    _replace(root / "requirements" / "rm-ntw.yaml", "Without address translation.", "Without any NAT.")


def file_added(root: Path) -> None:
    (root / "requirements" / "ra-more.yaml").write_text(
        "kind: requirements\nspec: RA\ncategory: ntw\nrequirements:\n"
        "  - id: ra.ntw.003\n    title: Network policies are enforced\n    traces: [req.inf.ntw.01]\n",
        encoding="utf-8")


def broken_reference_made(root: Path) -> None:
    _replace(root / "requirements" / "ra-ntw.yaml", "traces: [req.inf.ntw.02]", "traces: [req.inf.ntw.99]")


def lines_inserted_above_the_finding(root: Path) -> None:
    _replace(root / "requirements" / "ra-ntw.yaml", "requirements:\n", "# two lines\n# above\nrequirements:\n")


def id_moved_between_files(root: Path) -> None:
    """ra.ntw.003 leaves the added file for ra-stg.yaml (so its category becomes stg)."""
    (root / "requirements" / "ra-more.yaml").write_text(
        "kind: requirements\nspec: RA\ncategory: ntw\nrequirements: []\n", encoding="utf-8")
    path = root / "requirements" / "ra-stg.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "  - id: ra.ntw.003\n    title: Network policies are "
                    "enforced\n    traces: [req.inf.ntw.01]\n", encoding="utf-8")


def broken_reference_fixed(root: Path) -> None:
    _replace(root / "requirements" / "ra-ntw.yaml", "traces: [req.inf.ntw.99]", "traces: [req.inf.ntw.02]")


def id_shared_by_two_specs(root: Path) -> None:
    """RM defines ra.stg.001 too: both become SPEC:id keys (model.assign_keys), across files."""
    path = root / "requirements" / "rm-ntw.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "  - id: ra.stg.001\n    title: Shared ID\n", encoding="utf-8")


def id_no_longer_shared(root: Path) -> None:
    _replace(root / "requirements" / "rm-ntw.yaml", "  - id: ra.stg.001\n    title: Shared ID\n", "")


def file_renamed(root: Path) -> None:
    (root / "requirements" / "rm-stg.yaml").rename(root / "requirements" / "rm-storage.yaml")


def file_removed(root: Path) -> None:
    (root / "requirements" / "ra-more.yaml").unlink()


def matrix_cell_edited(root: Path) -> None:
    _replace(root / "mappings" / "storage.yaml", "{ceph: supported}", "{ceph: not-supported}")


def description_and_level_edited(root: Path) -> None:
    """Looks like prose, is not: the same requirement also becomes a should (shown on its page and in tables)."""
    path = root / "requirements" / "rm-ntw.yaml"
    _replace(path, "Every pod can reach every other pod.", "Every pod reaches every other pod.")
    _replace(path, "level: must\n    profiles: [basic", "level: should\n    profiles: [basic")


def matrix_touched_unchanged(root: Path) -> None:
    """Saved again with the same bytes (an editor, a checkout): a new modification time, nothing else."""
    path = root / "mappings" / "storage.yaml"
    path.write_bytes(path.read_bytes())


STEPS: tuple[Callable[[Path], None], ...] = (
    description_edited, file_added, broken_reference_made, lines_inserted_above_the_finding,
    id_moved_between_files, broken_reference_fixed, id_shared_by_two_specs, id_no_longer_shared, file_renamed,
    file_removed, matrix_cell_edited, description_and_level_edited, matrix_touched_unchanged)


def apply(step: Callable[[Path], None], root: Path) -> None:
    time.sleep(0.01)  # a later modification time than the last load's reads
    step(root)
