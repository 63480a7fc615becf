"""The shipped spec tree (requirements/ and mappings/ at the repository root) through the whole round trip."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import REPO, run_cli
from tests.xlsx.helpers import DATE, IMPORT_DATE, fill


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    if not (REPO / "requirements").is_dir():
        pytest.skip("no shipped data in this checkout")
    tree = tmp_path / "shipped"
    for sub in ("requirements", "mappings"):
        if (REPO / sub).is_dir():
            shutil.copytree(REPO / sub, tree / sub)
    return tree


def test_shipped_tree_round_trip(shipped: Path, tmp_path: Path) -> None:
    book = tmp_path / "rfp.xlsx"
    run_cli("export", "xlsx", "-o", str(book), str(shipped), "--date", DATE, check=True)
    wb = openpyxl.load_workbook(book)
    ids = [r[0] for r in wb["Requirements"].iter_rows(min_row=2, values_only=True)]
    assert ids and len(ids) == len(set(ids))
    assert len(wb.sheetnames) >= 4
    fill(book, {rid: ("Fully compliant", "", "") for rid in ids})
    proc = run_cli("import", str(book), "--vendor", "Everything Inc", str(shipped), "--date", IMPORT_DATE)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    doc = json.loads(run_cli("compare", str(shipped), "--format", "json", check=True).stdout)
    assert doc["scores"][0]["score"] == 100.0 and doc["scores"][0]["mandatory_gaps"] == []
