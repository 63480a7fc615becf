"""Requirements and support matrices as CSV tables: `ra2docs export csv`.

`--table requirements` (the default) writes one row per requirement. List fields (profiles, tags and the
links) hold one item per line inside the cell, since IDs and tags may contain commas and semicolons;
a profile with its own level is written `profile=level`. The links are the joined view: stated on the
requirement, stated by the other end (traced_by) and stated in links files.

`--table matrix --matrix ID` writes one support matrix. `--layout wide` (the default) mirrors the
matrix: one row per requirement or feature, one column per component holding the level ID.
`--layout long` writes one line per cell with everything the cell says (level, label, whether it
covers, via, note, the source wording), which loses nothing.

The output is RFC 4180 CSV in UTF-8 with CRLF line ends. Text that a spreadsheet would take for a
formula (starting with = + - @) is written as is; `--spreadsheet-safe` prefixes such cells with an
apostrophe instead, for files meant to be opened in a spreadsheet.
"""

from __future__ import annotations

import argparse
import csv
import io
from collections.abc import Iterable, Sequence

from ra2docs import model
from ra2docs.errors import UsageError
from ra2docs.refs import resolve_links

FORMAT = "csv"
HELP = "requirements (or one support matrix with --table matrix --matrix ID) as a CSV table"
EXIT_CODES = ((0, "exported"),
              (2, "usage error, a file of the tree cannot be read, or the output cannot be written"))

REQUIREMENT_COLUMNS = ("id", "spec", "title", "level", "profiles", "category", "section", "status", "tags",
                       "traces", "traced_by", "refines", "depends", "source", "description", "notes",
                       "file", "line")
LONG_COLUMNS = ("row", "row_kind", "row_title", "column", "level", "label", "covers", "via", "note", "text")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _lines(items: Iterable[str]) -> str:
    return "\n".join(items)


def requirement_rows(tree: model.Tree) -> list[list[str]]:
    """One row per requirement (sorted by spec, then ID), in REQUIREMENT_COLUMNS order."""
    out_links: dict[tuple[str, str], set[str]] = {}
    in_traces: dict[str, set[str]] = {}
    resolved, unresolved = resolve_links(tree)
    # resolved ends as keys (SPEC:id where two specs share an ID); a dangling end as written
    for link in resolved + [lk for lk, _end, _res in unresolved]:
        out_links.setdefault((link.source_id, link.type), set()).add(link.target_id)
        if link.type == "traces":
            in_traces.setdefault(link.target_id, set()).add(link.source_id)
    rows = []
    for req in sorted(tree.requirements, key=lambda r: (r.spec, r.id, r.location.file, r.location.line)):
        profiles = [p if lvl == req.level else f"{p}={lvl}" for p, lvl in req.profiles.items()]
        rows.append([
            req.key, req.spec, req.title, req.level, _lines(profiles), req.category, req.section, req.status,
            _lines(req.tags), _lines(sorted(out_links.get((req.key, "traces"), ()))),
            _lines(sorted(in_traces.get(req.key, ()))), _lines(sorted(out_links.get((req.key, "refines"), ()))),
            _lines(sorted(out_links.get((req.key, "depends"), ()))), str(req.source or ""), req.description,
            req.notes, req.location.file, str(req.location.line)])
    return rows


def matrix_rows(tree: model.Tree, matrix_id: str, layout: str) -> tuple[list[str], list[list[str]]]:
    """Header and rows of one matrix, wide or long."""
    matrix = next((m for m in tree.matrices if m.id == matrix_id), None)
    if matrix is None:
        known = ", ".join(sorted(m.id for m in tree.matrices)) or "none"
        raise UsageError(f"no matrix {matrix_id!r} in the tree (matrices: {known})")
    if layout == "wide":
        header = ["row", "row_kind", "row_title", *matrix.columns]
        rows = []
        for row in matrix.rows:
            by_column = {c.column: c.level for c in row.cells}
            rows.append([row.key, "requirement" if row.requirement else "feature", row.title,
                         *(by_column.get(col, "") for col in matrix.columns)])
        return header, rows
    vocab = tree.vocabulary_index().get(matrix.vocabulary)
    rows = []
    for row in matrix.rows:
        for cell in row.cells:
            level = vocab.level(cell.level) if vocab else None
            rows.append([row.key, "requirement" if row.requirement else "feature", row.title, cell.column,
                         cell.level, level.label if level else "", "yes" if level and level.covers else "no",
                         cell.via, cell.note, cell.text])
    return list(LONG_COLUMNS), rows


def to_csv(header: Sequence[str], rows: Iterable[Sequence[str]], spreadsheet_safe: bool = False) -> str:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([f"'{v}" if spreadsheet_safe and v.startswith(_FORMULA_START) else v for v in row])
    return buf.getvalue()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from ra2docs.exports.common import add_common_arguments

    add_common_arguments(parser, "requirements.csv")
    parser.add_argument("--table", choices=("requirements", "matrix"), default="requirements",
                        help="what to write (default: requirements)")
    parser.add_argument("--matrix", metavar="ID", help="with --table matrix: the matrix to write")
    parser.add_argument("--layout", choices=("wide", "long"), default="wide",
                        help="with --table matrix: one column per component (wide) or one line per cell (long)")
    parser.add_argument("--spreadsheet-safe", action="store_true",
                        help="prefix cells starting with = + - @ with an apostrophe")


def run(args: argparse.Namespace) -> int:
    from ra2docs.exports.common import emit, load_for_export

    if args.table == "matrix" and not args.matrix:
        raise UsageError("--table matrix needs --matrix ID")
    if args.table == "requirements" and args.matrix:
        raise UsageError("--matrix goes with --table matrix")
    tree = load_for_export(args).tree
    if args.table == "matrix":
        header, rows = matrix_rows(tree, args.matrix, args.layout)
    else:
        header, rows = list(REQUIREMENT_COLUMNS), requirement_rows(tree)
    emit(args.output, to_csv(header, rows, args.spreadsheet_safe))
    return 0
