"""Sample trees for the exchange formats and helpers the exchange tests share."""

from __future__ import annotations

from pathlib import Path

import pytest

from ra2docs.load import is_tree
from ra2docs.project import Project

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
BASIC = HERE / "basic"
HOSTILE = HERE / "hostile"


def tree_params() -> list[object]:
    """The sample, the hostile sample and the shipped data (skipped until it lands in the repository)."""
    shipped = pytest.param(REPO, id="shipped",
                           marks=pytest.mark.skipif(not is_tree(REPO), reason="no shipped data in this checkout"))
    return [pytest.param(BASIC, id="basic"), pytest.param(HOSTILE, id="hostile"), shipped]


def load(root: Path) -> Project:
    return Project.load(root, display_root="")
