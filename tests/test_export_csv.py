"""`ra2docs export csv`, read back with Python's csv module."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from ra2docs.exports.csv_export import LONG_COLUMNS, REQUIREMENT_COLUMNS, matrix_rows, to_csv
from tests.conftest import run_cli
from tests.exchange import BASIC, HOSTILE, load, tree_params


def parse(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline=""), strict=True))


def read(root: Path, tmp_path: Path, *args: str) -> list[dict[str, str]]:
    out = tmp_path / "out.csv"
    run_cli("export", "csv", str(root), "-o", str(out), *args, check=True)
    raw = out.read_bytes()
    assert raw.endswith(b"\r\n")
    return parse(raw.decode("utf-8"))


@pytest.mark.parametrize("root", tree_params())
def test_requirements_round_trip(root: Path, tmp_path: Path) -> None:
    rows = read(root, tmp_path)
    project = load(root)
    tree = project.tree
    assert list(rows[0]) == list(REQUIREMENT_COLUMNS)
    assert len(rows) == len(tree.requirements)
    by_place = {(r["file"], r["line"]): r for r in rows}  # an ID defined twice has two rows
    for req in tree.requirements:
        row = by_place[(req.location.file, str(req.location.line))]
        assert row["id"] == req.key  # qualified where two specs define the ID (RA1 restates RM items)
        assert (row["title"], row["description"], row["level"]) == (req.title, req.description, req.level)
        assert (row["tags"].split("\n") if row["tags"] else []) == list(req.tags)
        for target in req.traces:  # as the citing spec sees it: the key it resolves to
            assert (project.graph.namespaces.resolve(target, req.spec).key or target) in row["traces"].split("\n")


@pytest.mark.parametrize("root", tree_params())
def test_every_matrix_both_layouts(root: Path, tmp_path: Path) -> None:
    tree = load(root).tree
    for matrix in tree.matrices:  # in process: one subprocess per matrix would be slow on the shipped data
        wide = parse(to_csv(*matrix_rows(tree, matrix.id, "wide")))
        assert [r["row"] for r in wide] == [row.key for row in matrix.rows]
        assert list(wide[0])[3:] == list(matrix.columns)
        long = parse(to_csv(*matrix_rows(tree, matrix.id, "long")))
        assert list(long[0]) == list(LONG_COLUMNS)
        assert len(long) == sum(len(row.cells) for row in matrix.rows)
        cells = {(r["row"], r["column"]): r for r in long}
        for row in matrix.rows:
            for cell in row.cells:
                got = cells[(row.key, cell.column)]
                assert (got["level"], got["via"], got["note"], got["text"]) == (cell.level, cell.via, cell.note,
                                                                                 cell.text)
                assert wide[matrix.rows.index(row)][cell.column] == cell.level


def test_sample_values(tmp_path: Path) -> None:
    rows = {r["id"]: r for r in read(BASIC, tmp_path)}
    assert rows["req.inf.ntw.02"]["profiles"] == "basic=may\nnetwork-intensive=must"
    assert rows["req.inf.ntw.01"]["traced_by"] == "ra2.ntw.001"
    assert rows["ra2.stg.001"]["traces"] == "req.gen.rsl.01\nreq.inf.stg.01"  # links file included
    long = read(BASIC, tmp_path, "--table", "matrix", "--matrix", "networking", "--layout", "long")
    assert long[0]["label"] == "Supported" and long[0]["covers"] == "yes"


def test_hostile_tags_and_formulas(tmp_path: Path) -> None:
    rows = {r["id"]: r for r in read(HOSTILE, tmp_path)}
    assert rows["req.ü.1"]["tags"].split("\n") == ["a,b", "c;d", "ü"]
    cells = read(HOSTILE, tmp_path, "--table", "matrix", "--matrix", "m", "--layout", "long")
    assert cells[0]["note"].startswith("=HYPERLINK")
    safe = read(HOSTILE, tmp_path, "--table", "matrix", "--matrix", "m", "--layout", "long", "--spreadsheet-safe")
    assert safe[0]["note"].startswith("'=HYPERLINK") and safe[0]["text"].startswith("'+cmd")


def test_usage_errors(tmp_path: Path) -> None:
    for args in (("--table", "matrix"), ("--matrix", "networking"), ("--table", "matrix", "--matrix", "nope")):
        proc = run_cli("export", "csv", str(BASIC), *args)
        assert proc.returncode == 2, args
        assert "error:" in proc.stderr and "Traceback" not in proc.stderr
