"""A dense matrix's unstated cells are one finding per matrix, not one per cell (issue 15): the same in every
format of `check` (the real CLI in a subprocess), with every cell still listed by --format json."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import run_cli

COLUMNS = [f"c{n:02d}" for n in range(30)]
ROWS = 40  # each row states one cell: 40 x 29 = 1,160 unstated


@pytest.fixture
def dense_tree(sample_tree: Path) -> Path:
    root = sample_tree
    components = root / "mappings" / "components.yaml"
    components.write_text(components.read_text() + "".join(f"  - {{id: {c}, kind: cni, name: Plugin {c}}}\n"
                                                           for c in COLUMNS))
    rows = "".join(f"  - feature: f{n:02d}\n    title: Feature {n}\n    cells: {{{COLUMNS[n % 30]}: supported}}\n"
                   for n in range(ROWS))
    (root / "mappings" / "wide.yaml").write_text(
        f"kind: matrix\nid: wide\ntitle: A wide matrix\nvocabulary: support\ncolumns: [{', '.join(COLUMNS)}]\n"
        f"rows:\n{rows}")
    return root


def _waive(root: Path, target: str) -> None:
    (root / "mappings" / "waivers.yaml").write_text(
        f"kind: waivers\nwaivers:\n  - code: ra2.placeholder\n    target: '{target}'\n    reason: a draft\n")


def test_text_names_the_count_the_first_cells_and_the_first_row(dense_tree: Path) -> None:
    out = run_cli("check", ".", cwd=dense_tree).stdout
    lines = [line for line in out.splitlines() if "unknown cell" in line]
    assert lines == [
        "mappings/wide.yaml:7:5: warning: matrix 'wide': no value for 1,160 cells (unknown cells) in 40 of its 40 "
        "rows: row 'f00' columns 'c01', 'c02', 'c03', 'c04', 'c05' and 1,155 more [ra2.placeholder]"]
    assert "1 warning" in out.splitlines()[-1]


def test_json_lists_every_cell_and_the_hint_says_how_to_fix(dense_tree: Path) -> None:
    doc = json.loads(run_cli("check", ".", "--format", "json", cwd=dense_tree).stdout)
    found = [f for f in doc["findings"] if f["code"] == "ra2.placeholder"]
    assert len(found) == 1
    finding = found[0]
    assert finding["subject"] == "wide" and (finding["file"], finding["line"]) == ("mappings/wide.yaml", 7)
    assert len(finding["items"]) == ROWS * 29 == len(set(finding["items"]))
    assert finding["items"][:2] == ["wide/f00/c01", "wide/f00/c02"] and "wide/f39/c38" not in finding["items"]
    assert "wide/f39/c08" in finding["items"] and "wide/f39/c09" not in finding["items"]  # f39 states c09
    assert "sparse: true" in finding["hint"]


def test_junit_and_github_carry_one_entry(dense_tree: Path, tmp_path: Path) -> None:
    report = tmp_path / "report.xml"
    run_cli("check", ".", "--format", "junit", "--fail-on", "warning", "-o", str(report), cwd=dense_tree)
    xml = report.read_text()
    assert xml.count("no value for 1,160 cells") == 1 and "no value for column" not in xml
    ET.fromstring(xml)
    github = run_cli("check", ".", "--format", "github", cwd=dense_tree).stdout
    annotations = [line for line in github.splitlines() if "unknown cell" in line]
    assert len(annotations) == 1 and annotations[0].startswith("::warning file=")
    assert "line=7" in annotations[0]


def test_a_waiver_of_the_matrix_or_of_every_cell_accepts_it(dense_tree: Path) -> None:
    for target in ("wide", "wide/*"):
        _waive(dense_tree, target)
        doc = json.loads(run_cli("check", ".", "--format", "json", cwd=dense_tree).stdout)
        placeholder = [f for f in doc["findings"] if f["code"] == "ra2.placeholder"]
        assert [f["waived"] for f in placeholder] == [True], target
        assert not any(f["code"] == "ra2.waiver-unused" for f in doc["findings"])


def test_a_waiver_of_some_cells_accepts_nothing_and_says_so(dense_tree: Path) -> None:
    _waive(dense_tree, "wide/f00/*")
    doc = json.loads(run_cli("check", ".", "--format", "json", cwd=dense_tree).stdout)
    assert [f["waived"] for f in doc["findings"] if f["code"] == "ra2.placeholder"] == [False]
    assert any(f["code"] == "ra2.waiver-unused" for f in doc["findings"])


def test_one_unstated_cell_reads_as_before_and_its_own_waiver_still_applies(dense_tree: Path) -> None:
    wide = dense_tree / "mappings" / "wide.yaml"
    rows = "".join(f"  - feature: f{n:02d}\n    cells: {{c00: supported, c01: supported}}\n" for n in range(3))
    wide.write_text(f"kind: matrix\nid: wide\ntitle: W\nvocabulary: support\ncolumns: [c00, c01, c02]\nrows:\n{rows}"
                    "  - feature: f03\n    cells: {c00: supported, c01: supported, c02: supported}\n")
    text = run_cli("check", ".", cwd=dense_tree).stdout
    assert "matrix 'wide': no value for 3 cells (unknown cells) in 3 of its 4 rows: row 'f00' column 'c02'; " \
           "row 'f01' column 'c02'; row 'f02' column 'c02' [ra2.placeholder]" in text
    wide.write_text("kind: matrix\nid: wide\ntitle: W\nvocabulary: support\ncolumns: [c00, c01]\nrows:\n"
                    "  - feature: f00\n    cells: {c00: supported}\n")
    text = run_cli("check", ".", cwd=dense_tree).stdout
    assert "mappings/wide.yaml:7:5: warning: matrix 'wide', row 'f00': no value for column 'c01' (an unknown " \
           "cell) [ra2.placeholder]" in text
    _waive(dense_tree, "wide/f00/c01")  # a waiver written for the one cell, as before the grouping
    doc = json.loads(run_cli("check", ".", "--format", "json", cwd=dense_tree).stdout)
    assert [f["waived"] for f in doc["findings"] if f["code"] == "ra2.placeholder"] == [True]
