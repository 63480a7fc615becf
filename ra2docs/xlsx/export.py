"""Write an RFP workbook: cover, requirements with answer columns, support matrices, coverage, metadata.

Everything is streamed (openpyxl write-only mode), so memory stays bounded for large specs. Cell values
depend only on the tree, the selection and the given date, so the same inputs give the same workbook.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.datavalidation import DataValidation

from ra2docs import __version__, model
from ra2docs.graph import SpecGraph
from ra2docs.project import Project
from ra2docs.responses import ANSWERS
from ra2docs.term import Progress
from ra2docs.xlsx import workbook as wbk
from ra2docs.xlsx.colours import ANSWER_COLOURS, begins_rule, equals_rule, ink, level_colour
from ra2docs.xlsx.selection import ExportedRows, Selection, checksum, select

FORMAT_MARK = "ra2docs-rfp/1"
COVER, REQUIREMENTS, COVERAGE, METADATA = "Instructions", "Requirements", "Coverage", "_ra2docs"
# (key in exported_fields or answer, header, width); the answer columns come last
# ID and Title first: frozen, they stay beside the answer columns however far the sheet is scrolled
SPEC_COLUMNS = (("id", "ID", 16), ("title", "Title", 34), ("spec", "Spec", 7), ("description", "Description", 60),
                ("level", "Level", 9), ("profiles", "Profiles", 18), ("category", "Category", 13),
                ("section", "Section", 9), ("traces", "Traces to", 16))
ANSWER_COLUMNS = (("compliance", "Compliance", 20), ("comment", "Comment", 40), ("evidence", "Evidence", 26))
# the vendor fills these in on the cover; `ra2docs import` reads them back (key, label)
VENDOR_FIELDS = (("vendor", "Vendor name"), ("contact", "Contact (name, e-mail, phone)"),
                 ("date", "Date of the offer"), ("reference", "Offer reference"))
VENDOR_HEADING = "Vendor details (fill in)"
HEADERS = [h for _, h, _ in SPEC_COLUMNS + ANSWER_COLUMNS]
MATRIX_FIRST_ROW = 5  # title, legend, blank, header, then the rows (one more per further legend row)
BOLD_WIDTH = 0.7  # bold text is wider and breaks at words: a column holds about this share of plain characters


@dataclass
class ExportOptions:
    selection: Selection = field(default_factory=Selection)
    date: dt.date = field(default_factory=dt.date.today)
    password: str | None = None
    stack: str = ""  # a stack ID: add its test evidence, read-only (ra2docs.xlsx.evidence)


@dataclass
class ExportSummary:
    path: Path
    requirements: int
    matrices: int
    cells: int
    checksum: str


@dataclass
class _Plan:
    rows: ExportedRows  # made on each pass, not kept (the export's memory stays flat in N)
    matrices: list[tuple[model.Matrix, str, list[model.Row]]]  # matrix, sheet name, kept rows
    checksum: str
    spec_versions: dict[str, str]


def plan(project: Project, sel: Selection) -> _Plan:
    """What the workbook will hold; import re-runs this to check an answered workbook."""
    tree, sg = project.tree, project.graph
    reqs = select(tree, sel)
    rows = ExportedRows(reqs, sg, sel.profile)
    chosen = {r.key for r in reqs}
    taken = [COVER, REQUIREMENTS, COVERAGE, METADATA]
    matrices = []
    specs_chosen = {r.spec for r in reqs}
    for matrix in tree.matrices:
        if matrix.spec and matrix.spec not in specs_chosen:
            continue  # a matrix of another spec (its feature rows would come along otherwise)
        kept = [row for row in matrix.rows if row.feature or sg.row_key(row) in chosen]
        if kept:
            name = wbk.sheet_name(wbk.short_name(matrix.id), taken)
            taken.append(name)
            matrices.append((matrix, name, kept))
    specs = sorted({r.spec for r in reqs})
    index = tree.spec_index()
    versions = {s: index[s].version for s in specs if s in index}
    return _Plan(rows, matrices, checksum(rows), versions)  # a first streaming pass


def write_rfp(project: Project, path: Path | str, options: ExportOptions | None = None,
              progress: Progress | None = None) -> ExportSummary:
    """Write the RFP workbook; `progress` counts the requirement and matrix rows written, then saving."""
    options = options or ExportOptions()
    progress = progress or Progress()
    p = plan(project, options.selection)
    progress.set_total(len(p.rows) + sum(len(rows) for _, _, rows in p.matrices))
    wb = Workbook(write_only=True)
    wbk.add_styles(wb)
    moment = dt.datetime.combine(options.date, dt.time())
    wb.properties.creator = wb.properties.lastModifiedBy = f"ra2docs {__version__}"
    wb.properties.created = wb.properties.modified = moment
    wb.properties.title = "Request for proposal: requirements"
    wb.security = WorkbookProtection(lockStructure=True)
    if options.password:
        wb.security.workbookPassword = options.password
    _cover(wb, project, p, options)
    _requirements(wb, p, options.password, progress)
    cells = 0
    for matrix, name, rows in p.matrices:
        cells += _matrix(wb, project.graph, matrix, name, rows, options.password, progress)
    _coverage(wb, project, p, options.selection, options.password)
    if options.stack:
        from ra2docs.xlsx.evidence import add_evidence_sheet

        add_evidence_sheet(wb, project, [r.key for r in p.rows.requirements], options.stack, options.password)
    _metadata(wb, p, options)
    progress.phase("saving")
    wbk.save_workbook(wb, path)
    return ExportSummary(Path(path), len(p.rows), len(p.matrices), cells, p.checksum)


def _cover(wb: Workbook, project: Project, p: _Plan, options: ExportOptions) -> None:
    ws = wb.create_sheet(COVER)
    rows = wbk.SheetRows(ws, (30, 100))
    wbk.print_setup(ws)
    c = wbk.cell
    index = project.tree.spec_index()
    titles = ", ".join(index[s].title for s in p.spec_versions if s in index) or "no requirements selected"
    rows.title("Request for proposal")
    rows.append([c(ws, "Specifications", wbk.NOTE), c(ws, titles, wbk.TEXT)])
    rows.append([])
    rows.append(wbk.header_row(ws, (VENDOR_HEADING, "")))
    for _, label in VENDOR_FIELDS:
        rows.append([c(ws, label, wbk.TEXT), c(ws, None, wbk.ANSWER)])
    answered = f"Answered rows (counted live from the {REQUIREMENTS} sheet)"
    rows.append([c(ws, answered, wbk.TEXT), _answered_count(ws, len(p.rows))])
    rows.append([])
    rows.append(wbk.header_row(ws, ("Specification", "Version")))
    for spec_id, version in p.spec_versions.items():
        rows.append([c(ws, spec_id, wbk.TEXT), c(ws, version or "(unversioned)", wbk.TEXT)])
    rows.append([])
    for label, value in (("Date", options.date.isoformat()), ("Requirements to answer", str(len(p.rows))),
                         ("Selection", options.selection.describe()), ("Checksum", p.checksum)):
        rows.append([c(ws, label, wbk.HEADER), c(ws, value, wbk.TEXT)])
    rows.append([])
    rows.append(wbk.header_row(ws, ("How to answer", "")))
    steps = (
        "Fill in the vendor details at the top of this sheet (the yellow cells): they are read back with "
        "the answers.",
        f"Answer every row of the '{REQUIREMENTS}' sheet in the yellow columns: Compliance (pick from the "
        "drop-down list), Comment and Evidence (a document, section or link that proves the answer).",
        "The other columns are the specification: they are locked. Do not change, add, delete or reorder "
        "requirement rows; the workbook is checked against the specification when it comes back.",
        "A requirement left without a Compliance answer counts as not answered. Answer \"Not applicable\" "
        "(it is then left out of the score) or \"Clarification needed\" (scored as not met until answered) "
        "with the reason or the question in Comment.",
        "Save the file as .xlsx (not .xlsm, not .xls, not CSV) and return it under its own name or any other.",
    )
    for n, step in enumerate(steps, 1):
        rows.append([c(ws, f"Step {n}", wbk.TEXT), c(ws, step, wbk.TEXT)])
    rows.append([])
    rows.append(wbk.header_row(ws, ("Compliance answer", "Meaning")))
    for term in ANSWERS:
        answer_label = wbk.cell(ws, term.label, wbk.TEXT)
        answer_label.fill = PatternFill("solid", fgColor=ANSWER_COLOURS[term.id])
        rows.append([answer_label, c(ws, term.meaning, wbk.TEXT)])
    rows.append([])
    rows.append(wbk.header_row(ws, ("Sheet", "What it holds")))
    sheets = [(REQUIREMENTS, "The requirements and your answers.")]
    sheets += [(name, f"Support matrix: {m.title}. Read-only; for reference.") for m, name, _ in p.matrices]
    sheets.append((COVERAGE, "Counts of requirements, coverage and matrix cells."))
    for name, what in sheets:
        rows.append([c(ws, name, wbk.TEXT), c(ws, what, wbk.TEXT)])
    wbk.protect(ws, options.password)


ANSWER_COLUMN = get_column_letter(len(SPEC_COLUMNS) + 1)  # Compliance


def _answered_count(ws: WriteOnlyWorksheet, rows: int) -> object:
    """A formula counting the Compliance answers given so far (recomputed by the spreadsheet as they come)."""
    if not rows:
        return wbk.cell(ws, "no requirements", wbk.TEXT)
    target = f"{REQUIREMENTS}!${ANSWER_COLUMN}$2:${ANSWER_COLUMN}${rows + 1}"
    formula = WriteOnlyCell(ws, f'=COUNTA({target})&" of {rows} answered"')
    formula.style = wbk.TEXT
    return formula


def spec_header(p: _Plan) -> str:
    return " · ".join(f"{spec} {version}".strip() for spec, version in p.spec_versions.items())


_T = TypeVar("_T")


def _counted(items: Iterable[_T], progress: Progress, every: int = 500) -> Iterator[_T]:
    """`items`, telling `progress` every `every` of them (a bar's update per row would cost more than the row)."""
    done = 0
    for done, item in enumerate(items, 1):
        yield item
        if done % every == 0:
            progress.update(every)
    if done % every:
        progress.update(done % every)


def _requirements(wb: Workbook, p: _Plan, password: str | None, progress: Progress) -> None:
    ws = wbk.fast_rows_sheet(wb, REQUIREMENTS)
    wbk.set_widths(ws, [w for _, _, w in SPEC_COLUMNS + ANSWER_COLUMNS])
    ws.freeze_panes = "C2"  # the header row, and ID and Title beside the answers
    wbk.print_setup(ws, "1:1", "A:B", pages_wide=2, header=f"Request for proposal: {spec_header(p)}")
    ws.append(wbk.header_row(ws, HEADERS))
    keys = [k for k, _, _ in SPEC_COLUMNS]
    widths = [w for _, _, w in SPEC_COLUMNS]
    cells = wbk.StyledRows(ws, [wbk.TEXT] * len(keys) + [wbk.ANSWER] * len(ANSWER_COLUMNS))
    blank: list[str | None] = [None] * len(ANSWER_COLUMNS)
    for n, row in enumerate(_counted(p.rows, progress), 2):
        height = wbk.row_height((row[k], w) for k, w in zip(keys, widths, strict=True))
        if height:
            ws.row_dimensions[n].height = height
        ws.append(cells.row([row[k] for k in keys] + blank))
    last_row = len(p.rows) + 1
    last_col = get_column_letter(len(HEADERS))
    ws.auto_filter.ref = f"A1:{last_col}{last_row}"
    answer_col = get_column_letter(len(SPEC_COLUMNS) + 1)
    labels = ",".join(a.label for a in ANSWERS)
    dv = DataValidation(type="list", formula1=f'"{labels}"', allow_blank=True, showDropDown=False,
                        showErrorMessage=True, errorTitle="Not an answer",
                        error=f"Pick one of: {', '.join(a.label for a in ANSWERS)}.",
                        showInputMessage=True, promptTitle="Compliance", prompt="Pick your answer from the list.")
    if p.rows:
        dv.add(f"{answer_col}2:{answer_col}{last_row}")
        ws.data_validations.append(dv)
        target = f"{answer_col}2:{answer_col}{last_row}"
        for term in ANSWERS:
            ws.conditional_formatting.add(target, equals_rule(f"{answer_col}2", term.label,
                                                               ANSWER_COLOURS[term.id]))
    wbk.protect(ws, password)


def _matrix(wb: Workbook, sg: SpecGraph, matrix: model.Matrix, name: str, rows: list[model.Row],
            password: str | None, progress: Progress) -> int:
    ws = wbk.fast_rows_sheet(wb, name)
    vocab = sg.vocabularies.get(matrix.vocabulary)
    levels = vocab.levels if vocab else ()
    width = 2 + len(matrix.columns)
    widths = [18, 40] + [18] * len(matrix.columns)
    # the legend's swatches wrap onto more rows rather than widen a narrow matrix's printed area
    per_row = max(1, len(matrix.columns))
    legend_rows = [levels[i:i + per_row] for i in range(0, len(levels), per_row)] or [()]
    first_row = MATRIX_FIRST_ROW + len(legend_rows) - 1
    wbk.set_widths(ws, widths)
    ws.freeze_panes = f"C{first_row}"
    wbk.print_setup(ws, f"{first_row - 1}:{first_row - 1}", "A:B", header=matrix.title)
    c = wbk.cell
    ws.append(wbk.title_row(ws, 1, matrix.title, widths))
    for n, band in enumerate(legend_rows, 2):
        legend: list[object] = [None, None]
        if n == 2:
            legend = [c(ws, "Legend", wbk.HEADER), c(ws, "(each cell's text starts with its level)", wbk.TEXT)]
        for lvl in band:  # the legend: each level's label on its colour
            swatch = wbk.cell(ws, lvl.label, wbk.SWATCH)
            colour = level_colour(lvl)
            swatch.fill = PatternFill("solid", fgColor=colour)
            swatch.font = Font(name=wbk.FONT, color=ink(colour))
            legend.append(swatch)
        legend_height = wbk.row_height((lvl.label, 18) for lvl in band)
        if legend_height:
            ws.row_dimensions[n].height = legend_height
        ws.append(legend)
    ws.append([])
    comps = sg.components
    titles = [matrix.column_titles.get(col) or (comps[col].name if col in comps else col) for col in matrix.columns]
    header_height = wbk.row_height((t, 18 * BOLD_WIDTH) for t in titles)
    if header_height:
        ws.row_dimensions[first_row - 1].height = header_height
    ws.append(wbk.header_row(ws, ["Row", "Title", *titles]))
    position = {col: i for i, col in enumerate(matrix.columns)}
    plain = {lvl.id: wbk.prepared(ws, lvl.label, wbk.TEXT) for lvl in levels}  # one wrapped cell per level, reused
    labels = {lvl.id: lvl.label for lvl in levels}
    names = {col: (comps[col].name if col in comps else col) for col in matrix.columns}
    reqs = sg.requirements
    cells = 0
    for n, row in enumerate(_counted(rows, progress), first_row):
        values: list[object] = [None] * width
        values[0] = c(ws, row.key, wbk.TEXT)
        title = row.title or (reqs[row.requirement].title if row.requirement in reqs else "")
        values[1] = c(ws, title, wbk.TEXT)
        # the level labels wrap too ("Required when the option is used" takes two lines of 18)
        shown = ((labels.get(cl.level) or unknown_level(cl.level), 18) for cl in row.cells)
        height = wbk.row_height([(title, 40), (row.key, 18), *shown])
        if height:
            ws.row_dimensions[n].height = height
        for cl in row.cells:
            at = position.get(cl.column)
            if at is None:
                continue  # the checks report cells in undeclared columns
            cells += 1
            if not cl.via and not cl.note:
                values[at + 2] = plain.get(cl.level) or c(ws, unknown_level(cl.level), wbk.TEXT)
            else:
                text = labels.get(cl.level) or unknown_level(cl.level)
                if cl.via:
                    text += f" — via {names.get(cl.via, cl.via)}"
                if cl.note:
                    text += f"; {cl.note}"
                values[at + 2] = c(ws, text, wbk.TEXT)  # wrapped: notes are longer than the column
                height = wbk.row_height([(text, 18)])
                if height and (ws.row_dimensions[n].height or 0) < height:
                    ws.row_dimensions[n].height = height
        ws.append(values)
    last = first_row - 1 + len(rows)
    last_col = get_column_letter(width)
    ws.auto_filter.ref = f"A{first_row - 1}:{last_col}{last}"
    if matrix.columns:
        target = f"C{first_row}:{last_col}{last}"
        for lvl in sorted(levels, key=lambda lv: -len(lv.label)):  # longest first: no label shadows another
            ws.conditional_formatting.add(target, begins_rule(f"C{first_row}", lvl.label,
                                                               level_colour(lvl)))
    wbk.protect(ws, password)
    return cells


def unknown_level(level_id: str) -> str:
    """A cell whose level the vocabulary lacks (the check reports it): said so, never left unexplained."""
    return f"⚠ unknown level '{level_id}'"


def coverage_tables(project: Project, p: _Plan) -> Iterator[tuple[str, list[str], list[list[object]]]]:
    """(title, header, rows) of each table on the coverage sheet."""
    tree, sg = project.tree, project.graph
    exported = Counter(r.spec for r in p.rows.requirements)
    spec_rows: list[list[object]] = []
    for spec in tree.specs:
        reqs = sg.spec_requirements(spec.id)
        levels = Counter(r.level for r in reqs)
        traced = sum(1 for r in reqs if sg.traced_by(r.key))
        supported = sum(1 for r in reqs if sg.is_covered(r.key, "support"))
        spec_rows.append([spec.id, spec.version, len(reqs), levels["must"] + levels["must-not"],
                          levels["should"] + levels["should-not"], levels["may"], traced, supported,
                          exported[spec.id]])
    yield ("Requirements by specification",
           ["Spec", "Version", "Requirements", "Must", "Should", "May", "Traced by another spec",
            "Supported by a component", "In this workbook"], spec_rows)
    rule_rows: list[list[object]] = []
    for rule in tree.policy.rules:
        for profile in rule.profiles or (None,):
            scope = list(sg.in_scope(rule, profile))
            gaps = sg.uncovered(rule, profile)
            rule_rows.append([rule.id, rule.title, profile or "all", len(scope), len(scope) - len(gaps), len(gaps)])
    yield ("Coverage policy (before waivers)", ["Rule", "What it demands", "Profile", "In scope", "Covered",
                                               "Uncovered"], rule_rows)
    matrix_rows: list[list[object]] = []
    for matrix, name, rows in p.matrices:
        vocab = sg.vocabularies.get(matrix.vocabulary)
        counts = Counter(cl.level for row in rows for cl in row.cells)
        covering = sum(n for lvl, n in counts.items() if vocab and (v := vocab.level(lvl)) and v.covers)
        detail = ", ".join(f"{(vocab.level(k).label if vocab and vocab.level(k) else k)}: {n}"  # type: ignore[union-attr]
                           for k, n in sorted(counts.items()))
        matrix_rows.append([name, detail, len(matrix.columns), len(rows), sum(counts.values()), covering])
    yield ("Support matrices in this workbook", ["Sheet", "Cells by level", "Components", "Rows", "Cells",
                                                 "Cells that cover"], matrix_rows)


def _coverage(wb: Workbook, project: Project, p: _Plan, sel: Selection, password: str | None) -> None:
    ws = wb.create_sheet(COVERAGE)
    out = wbk.SheetRows(ws, (34, 40, 14, 12, 12, 12, 16, 16, 14))
    wbk.print_setup(ws)
    c = wbk.cell
    out.title("Coverage summary")
    out.append([c(ws, f"Selection: {sel.describe()}", wbk.NOTE)])
    for title, header, rows in coverage_tables(project, p):
        out.append([])
        out.title(title)
        out.append(wbk.header_row(ws, header))
        for row in rows:
            out.append([c(ws, v, wbk.TEXT) for v in row])
        if not rows:
            out.append([c(ws, "(none)", wbk.NOTE)])
    wbk.protect(ws, password)


def metadata_items(p: _Plan, options: ExportOptions) -> list[tuple[str, str]]:
    return [
        ("format", FORMAT_MARK), ("tool", f"ra2docs {__version__}"), ("date", options.date.isoformat()),
        ("spec_versions", json.dumps(p.spec_versions, sort_keys=True, ensure_ascii=False)),
        ("selection", options.selection.to_json()), ("requirements", str(len(p.rows))),
        ("checksum", p.checksum), ("sheet", REQUIREMENTS), ("header", json.dumps(HEADERS)),
    ]


def _metadata(wb: Workbook, p: _Plan, options: ExportOptions) -> None:
    ws = wb.create_sheet(METADATA)
    ws.sheet_state = "hidden"
    wbk.set_widths(ws, (16, 80))
    ws.append([wbk.cell(ws, "key"), wbk.cell(ws, "value")])
    for key, value in metadata_items(p, options):
        ws.append([wbk.cell(ws, key), wbk.cell(ws, value)])
    wbk.protect(ws, options.password)
