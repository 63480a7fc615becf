"""Read an answered RFP workbook back and check it against the spec tree.

Every problem names its sheet and cell (`Requirements!J12`). Workbook-level problems (wrong spec,
changed spec, edited metadata, missing columns) block the import; row-level problems (an answer outside
the vocabulary, an altered, added, duplicated or lost ID) block it too unless the caller accepts a
partial import, which then stores only the rows without problems.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.utils import get_column_letter

from ra2docs import model
from ra2docs.errors import Finding, Location, Severity
from ra2docs.project import Project
from ra2docs.responses import ANSWERS, parse_answer
from ra2docs.xlsx.export import COVER, FORMAT_MARK, HEADERS, METADATA, REQUIREMENTS, VENDOR_FIELDS, plan
from ra2docs.xlsx.guard import MAX_FILE_BYTES, WorkbookError, check_archive
from ra2docs.xlsx.selection import Selection, SelectionError
from ra2docs.xlsx.stream import Cell, StreamWorkbook

MAX_PROBLEMS = 500
_HINTED = 50  # problems after which an unknown ID gets no "was it ...?" hint
_MAX_HEADER_COLUMNS = 256  # the header is looked for in the first 256 columns
BLOCKING = {"xlsx.too-many-problems", "xlsx.no-answers", "xlsx.no-metadata", "xlsx.bad-metadata",
            "xlsx.wrong-spec", "xlsx.spec-changed", "xlsx.bad-header"}


@dataclass
class ImportResult:
    answers: list[model.Answer] = field(default_factory=list)  # accepted answers, in workbook order
    problems: list[Finding] = field(default_factory=list)  # catalogue codes `xlsx.*`, at FILE:Sheet!Cell
    unanswered: list[str] = field(default_factory=list)
    asked: list[str] = field(default_factory=list)  # every requirement the workbook was exported with
    checksum: str = ""
    spec_versions: dict[str, str] = field(default_factory=dict)
    vendor_details: dict[str, str] = field(default_factory=dict)  # VENDOR_FIELDS keys the vendor filled in

    @property
    def errors(self) -> list[Finding]:
        return [p for p in self.problems if p.effective_severity >= Severity.ERROR]

    @property
    def blocked(self) -> bool:
        """A workbook-level error: nothing may be stored, not even with a partial import."""
        return any(p.code in BLOCKING for p in self.errors)


def read_answers(path: Path | str, project: Project, allow_changed_spec: bool = False,
                 max_bytes: int = MAX_FILE_BYTES) -> ImportResult:
    """Check and read an answered workbook; raises WorkbookError when it cannot be opened at all.

    Problems are located in `path` as given (`rfp.xlsx:Requirements!J12`)."""
    shown, path = os.fspath(path), Path(path)
    check_archive(path, max_bytes)
    try:
        wb = StreamWorkbook(path)
    except WorkbookError:
        raise
    except Exception as exc:  # damaged content of any kind: never a traceback
        raise WorkbookError("xlsx.malformed", f"cannot parse the workbook: {type(exc).__name__}: {exc}") from None
    try:
        return _Reader(wb, project, allow_changed_spec, shown).read()
    except WorkbookError:
        raise
    except Exception as exc:  # damaged sheet XML surfaces lazily, while rows are read
        raise WorkbookError("xlsx.malformed", f"cannot read the workbook: {type(exc).__name__}: {exc}") from None
    finally:
        wb.close()


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def vendor_details(wb: StreamWorkbook) -> dict[str, str]:
    """The vendor details block of the cover sheet: each label in column A, the vendor's text beside it."""
    if COVER not in wb.sheetnames:
        return {}
    labels = {label: key for key, label in VENDOR_FIELDS}
    out: dict[str, str] = {}
    for number, row in wb.rows(COVER, max_col=2):
        if number > 40:
            break
        label, value = (_text(c.value) if c is not None else "" for c in [*row, None, None][:2])
        if label in labels and value:
            out[labels[label]] = value[:500]
    return out


class _TooMany(Exception):
    """Raised inside the reader once the problem list is full."""


class _Reader:
    def __init__(self, wb: StreamWorkbook, project: Project, allow_changed_spec: bool, file: str) -> None:
        self.wb = wb
        self.file = file
        self.project = project
        self.allow_changed_spec = allow_changed_spec
        self.result = ImportResult()

    def problem(self, code: str, message: str, sheet: str = "", cell: str = "", severity: Severity | None = None,
                subject: str = "") -> None:
        """Record a finding (severity None: the catalogue's) at `Sheet!Cell`, or the sheet alone."""
        if len(self.result.problems) >= MAX_PROBLEMS:
            raise _TooMany
        self.result.problems.append(self.finding(code, message, sheet, cell, severity, subject))

    def finding(self, code: str, message: str, sheet: str = "", cell: str = "", severity: Severity | None = None,
                subject: str = "") -> Finding:
        part = f"{sheet}!{cell}" if sheet and cell else sheet
        return Finding(code, message, Location(self.file, part=part), subject, severity)

    def read(self) -> ImportResult:
        try:
            self.result.vendor_details = vendor_details(self.wb)
            meta = self.metadata()
            if meta is not None:
                self.rows(meta[1])
        except _TooMany:
            self.result.answers = []
            self.result.problems.append(self.finding(
                "xlsx.too-many-problems", f"stopped after {MAX_PROBLEMS} problems; is this the workbook that was "
                "sent? Nothing is stored from it", REQUIREMENTS))
        return self.result

    # ---- metadata ------------------------------------------------------------------------------

    def metadata(self) -> tuple[Selection, list[dict[str, str]]] | None:
        names = self.wb.sheetnames
        if METADATA not in names:
            self.problem("xlsx.no-metadata", f"no '{METADATA}' sheet: this workbook was not exported by "
                         "`ra2docs export xlsx` (or the sheet was deleted); export a new one and send that")
            return None
        items: dict[str, tuple[str, str]] = {}  # key -> (value, cell)
        for row_no, row in self.wb.rows(METADATA, min_row=2, max_col=2):
            if not row or row[0] is None:
                continue
            value = row[1].value if len(row) > 1 and row[1] is not None else None
            items[_text(row[0].value)] = (_text(value), f"B{row_no}")
        if items.get("format", ("", ""))[0] != FORMAT_MARK:
            self.problem("xlsx.bad-metadata", f"metadata 'format' is not {FORMAT_MARK!r}", METADATA,
                         items.get("format", ("", "A1"))[1])
            return None
        try:
            sel = Selection.from_json(items["selection"][0])
            versions = json.loads(items["spec_versions"][0])
            if not isinstance(versions, dict):
                raise ValueError("spec_versions is not a JSON object")
            sent_checksum, checksum_cell = items["checksum"]
        except (KeyError, ValueError) as exc:
            self.problem("xlsx.bad-metadata", f"metadata cannot be read ({exc}); the hidden sheet was edited",
                         METADATA)
            return None
        count = items.get("requirements", ("", ""))
        self.result.checksum = sent_checksum
        self.result.spec_versions = {str(k): str(v) for k, v in versions.items()}
        specs = self.project.tree.spec_index()
        unknown = sorted(s for s in versions if s not in specs)
        if unknown:
            self.problem("xlsx.wrong-spec", f"exported from spec(s) {', '.join(unknown)}, which this tree does "
                         "not hold; import it into the tree it was exported from", METADATA,
                         items["spec_versions"][1])
            return None
        severity = Severity.WARNING if self.allow_changed_spec else None
        advice = "" if self.allow_changed_spec else (
            "; send the vendor a fresh export, or accept the answers with --allow-changed-spec")
        for spec_id, version in sorted(versions.items()):
            if specs[spec_id].version != version:
                self.problem("xlsx.spec-changed", f"exported from {spec_id} version {version!r}, the tree holds "
                             f"{specs[spec_id].version!r}{advice}", METADATA, items["spec_versions"][1], severity)
        try:
            p = plan(self.project, sel)
        except SelectionError as exc:
            self.problem("xlsx.bad-metadata", f"the stored selection cannot be applied: {exc}", METADATA,
                         items["selection"][1])
            return None
        if count[0] and count[0] != str(len(p.rows)):
            self.problem("xlsx.bad-metadata", f"metadata 'requirements' says {count[0][:20]!r}, but the stored "
                         f"selection exports {len(p.rows)}; the hidden sheet was edited", METADATA, count[1])
            return None
        if p.checksum != sent_checksum:
            self.problem("xlsx.spec-changed", "the requirements exported in this workbook differ from the "
                         f"tree's (checksum {sent_checksum[:19]}… vs {p.checksum[:19]}…): the spec changed since "
                         f"the export, or the metadata was edited{advice}", METADATA, checksum_cell, severity)
        return sel, list(p.rows)

    # ---- the requirements sheet ----------------------------------------------------------------

    def rows(self, exported: list[dict[str, str]]) -> None:
        if REQUIREMENTS not in self.wb.sheetnames:
            self.problem("xlsx.bad-header", f"no '{REQUIREMENTS}' sheet; it was renamed or deleted")
            return
        first = next(self.wb.rows(REQUIREMENTS, max_col=_MAX_HEADER_COLUMNS), (1, []))
        header = first[1] if first[0] == 1 else []
        cols: dict[str, int] = {}
        for i, c in enumerate(header):
            if c is not None:
                cols.setdefault(_text(c.value), i)
        missing = [h for h in HEADERS if h not in cols]
        if missing:
            self.problem("xlsx.bad-header", f"the header row lacks {', '.join(repr(m) for m in missing)}; "
                         "columns were renamed or deleted", REQUIREMENTS, "1")
            return
        expected = {r["id"]: (n, r) for n, r in enumerate(exported, 2)}
        self.result.asked = list(expected)
        seen: Counter[str] = Counter()
        candidates: dict[str, model.Answer] = {}
        bad: set[str] = set()
        width = max(cols[h] for h in HEADERS) + 1  # cells right of the last needed column are not kept
        for row_no, row in self.wb.rows(REQUIREMENTS, min_row=2, max_col=width):
            self.one_row(row_no, row, cols, expected, seen, candidates, bad)
        for rid, (n, _) in expected.items():
            if not seen[rid]:
                self.problem("xlsx.lost-id", f"requirement '{rid}' (row {n} as exported) is missing: its row "
                             "was deleted or its ID altered", REQUIREMENTS, subject=rid)
        self.result.answers = [a for rid, a in candidates.items() if rid not in bad]
        answered = {a.id for a in self.result.answers} | bad
        self.result.unanswered = [rid for rid in expected if seen[rid] and rid not in answered]
        if not candidates and not bad:
            self.problem("xlsx.no-answers", "no requirement has a Compliance answer; was the right file sent?",
                         REQUIREMENTS)

    def one_row(self, row_no: int, row: list[Cell | None], cols: dict[str, int],
                expected: dict[str, tuple[int, dict[str, str]]], seen: Counter[str],
                candidates: dict[str, model.Answer], bad: set[str]) -> None:
        def cell_of(header: str) -> Cell | None:
            i = cols[header]
            return row[i] if i < len(row) else None

        def ref(header: str) -> str:
            return f"{get_column_letter(cols[header] + 1)}{row_no}"

        cells = {h: cell_of(h) for h in HEADERS}
        if not any(c is not None and c.value not in (None, "") for c in cells.values()):
            return
        values = {h: _text(c.value if c is not None else None) for h, c in cells.items()}
        rid = values["ID"]
        compliance_cell, answer_text = cells["Compliance"], values["Compliance"]
        has_answer = bool(answer_text or values["Comment"] or values["Evidence"])
        if not rid:
            if has_answer:
                self.problem("xlsx.missing-id", "this row has an answer but no requirement ID", REQUIREMENTS,
                             ref("ID"))
            return
        seen[rid] += 1
        if rid not in expected:
            # a hint for the first few only: each one compares the ID with every exported one
            close = difflib.get_close_matches(rid, list(expected), n=1, cutoff=0.8) if len(
                self.result.problems) < _HINTED else []
            hint = f" (was it '{close[0]}'?)" if close else ""
            self.problem("xlsx.unknown-id", f"'{rid}' was not exported in this workbook{hint}: an ID was altered "
                         "or a row added; answer only the exported rows", REQUIREMENTS, ref("ID"), subject=rid)
            return
        if seen[rid] > 1:
            self.problem("xlsx.duplicate-id", f"'{rid}' appears on more than one row; keep one answer per "
                         "requirement", REQUIREMENTS, ref("ID"), subject=rid)
            bad.add(rid)
            return
        exported_row = expected[rid][1]
        for key, header in (("title", "Title"), ("description", "Description"), ("level", "Level")):
            if values[header] != exported_row[key].strip():
                self.problem("xlsx.spec-edited", f"the {header} of '{rid}' was edited in the workbook; the answer "
                             "is stored against the spec's own text", REQUIREMENTS, ref(header), subject=rid)
        if not answer_text:
            if has_answer:
                self.problem("xlsx.missing-answer", f"'{rid}' has a comment or evidence but no Compliance "
                             "answer; pick one from the drop-down list", REQUIREMENTS, ref("Compliance"),
                             subject=rid)
                bad.add(rid)
            return
        if getattr(compliance_cell, "data_type", "") == "f":
            self.problem("xlsx.formula", f"the Compliance of '{rid}' is a formula ({answer_text[:40]!r}); pick "
                         "an answer from the drop-down list", REQUIREMENTS, ref("Compliance"), subject=rid)
            bad.add(rid)
            return
        compliance = parse_answer(answer_text) if isinstance(getattr(compliance_cell, "value", None), str) else None
        if compliance is None:
            labels = [a.label for a in ANSWERS]
            close = difflib.get_close_matches(answer_text, labels, n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            self.problem("xlsx.bad-answer", f"'{answer_text[:60]}' is not an answer{hint}; use one of: "
                         f"{', '.join(labels)}", REQUIREMENTS, ref("Compliance"), subject=rid)
            bad.add(rid)
            return
        for header in ("Comment", "Evidence"):
            if getattr(cells[header], "data_type", "") == "f":
                self.problem("xlsx.formula", f"the {header} of '{rid}' is a formula; it is stored as the text "
                             "typed, not its result", REQUIREMENTS, ref(header), Severity.WARNING, rid)
        candidates[rid] = model.Answer(rid, compliance, values["Comment"], values["Evidence"])
