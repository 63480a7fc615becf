"""Committed expected output of the sample trees under tests/trees/.

Each folder there is a small spec tree; `expected.txt` beside its YAML holds what `ra2docs check
--show-waived` reports on it. After a deliberate change of messages, regenerate them all with
`python -m tests.expected_output` (or `make expected`) and review the diff.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ra2docs.project import Project
from ra2docs.report import render_text

TREES = Path(__file__).parent / "trees"
# Checks depend on today's date only through waiver expiry; a fixed date keeps the output stable.
TODAY = dt.date(2026, 6, 1)


def sample_trees() -> list[Path]:
    return sorted(p for p in TREES.iterdir() if (p / "expected.txt").exists() or p.name in _all_names())


def _all_names() -> set[str]:
    return {p.name for p in TREES.iterdir() if (p / "requirements").is_dir() and not (p / "NO-EXPECTED").exists()}


def check_output(tree: Path) -> str:
    project = Project.load(tree, display_root=".", today=TODAY)
    return render_text(project.result, show_waived=True)


def regenerate() -> list[Path]:
    written = []
    for tree in sample_trees():
        target = tree / "expected.txt"
        target.write_text(check_output(tree), encoding="utf-8")
        written.append(target)
    return written


if __name__ == "__main__":
    for path in regenerate():
        print(path)
