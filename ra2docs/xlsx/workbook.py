"""Cell-writing helpers shared by every workbook ra2docs writes.

All workbooks are written in openpyxl's write-only (streaming) mode, so memory stays bounded however
large the spec. Text is never allowed to become a formula: openpyxl turns any string that starts with
`=` into one, and a spreadsheet re-evaluates `+`, `-`, `@`, tab or CR-led text once a user edits the cell.
Such text is written as a string cell with Excel's quote prefix (the leading apostrophe), which keeps it
text on display, on edit and on re-save.
"""

from __future__ import annotations

import contextlib
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, overload

from openpyxl import LXML, Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell._writer import write_cell
from openpyxl.cell.cell import Cell
from openpyxl.comments.comment_sheet import CommentRecord
from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.xml.functions import XML_NS, Element, SubElement

from ra2docs.fileio import write_atomic
from ra2docs.xlsx import zipsave

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL_CHARS = 32767  # Excel's limit; longer text is cut with a visible marker
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # XML 1.0 forbids these control characters
_TRUNCATED = " …[cut: over 32,767 characters]"
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")

HEADER, TEXT, ANSWER, TITLE, NOTE = "ra2-header", "ra2-text", "ra2-answer", "ra2-title", "ra2-note"
SWATCH = "ra2-swatch"
FONT = "Calibri"


ALTERED: Counter[str] = Counter()  # texts changed to fit a worksheet ("control", "cut"): the commands say so


def altered_warning() -> str:
    """What `clean_text` changed since the last call, as a sentence (empty when nothing), and reset."""
    parts = []
    if ALTERED["cut"]:
        parts.append(f"{ALTERED['cut']} text{'s' if ALTERED['cut'] != 1 else ''} cut at Excel's limit of "
                     f"{MAX_CELL_CHARS:,} characters (marked '…[cut')")
    if ALTERED["control"]:
        parts.append(f"{ALTERED['control']} text{'s' if ALTERED['control'] != 1 else ''} with control characters "
                     "a worksheet cannot hold (replaced by \ufffd)")
    ALTERED.clear()
    return "; ".join(parts)


def clean_text(value: str) -> str:
    """Text a worksheet can hold: illegal control characters replaced, cut at Excel's limit."""
    if _ILLEGAL.search(value):
        ALTERED["control"] += 1
        value = _ILLEGAL.sub("\ufffd", value)
    if len(value) > MAX_CELL_CHARS:
        ALTERED["cut"] += 1
        value = value[: MAX_CELL_CHARS - len(_TRUNCATED)] + _TRUNCATED
    return value


def is_hazardous(value: str) -> bool:
    """Whether a spreadsheet could read this text as a formula (or an error value)."""
    return value.startswith(FORMULA_TRIGGERS) or value.startswith("#")


def add_styles(wb: Workbook) -> None:
    """Register the named styles; cells then take one style by name (fast in write-only mode)."""
    top_wrap = Alignment(wrap_text=True, vertical="top")
    body = Font(name=FONT, size=11)  # the workbook default font: styled and plain cells look alike
    styles = [
        NamedStyle(HEADER, font=Font(name=FONT, size=11, bold=True, color="FFFFFF"),
                   fill=PatternFill("solid", fgColor="1F4E79"), alignment=Alignment(wrap_text=True, vertical="center"),
                   protection=Protection(locked=True)),
        NamedStyle(TEXT, font=body, alignment=top_wrap, protection=Protection(locked=True)),
        NamedStyle(ANSWER, font=body, alignment=top_wrap, fill=PatternFill("solid", fgColor="FFF8DC"),
                   protection=Protection(locked=False)),
        NamedStyle(TITLE, font=Font(name=FONT, bold=True, size=TITLE_SIZE), protection=Protection(locked=True),
                   alignment=Alignment(wrap_text=True, vertical="top")),
        NamedStyle(NOTE, font=Font(name=FONT, size=11, italic=True, color="555555"),
                   protection=Protection(locked=True)),
        NamedStyle(SWATCH, font=body, alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
                   protection=Protection(locked=True)),
    ]
    for style in styles:
        wb.add_named_style(style)


@overload
def cell(ws: WriteOnlyWorksheet, value: object, style: str) -> Cell: ...
@overload
def cell(ws: WriteOnlyWorksheet, value: object, style: None = None) -> Cell | object: ...
def cell(ws: WriteOnlyWorksheet, value: object, style: str | None = None) -> Cell | object:
    """A value ready for `ws.append`: plain when that is safe and unstyled, else a styled cell."""
    if isinstance(value, str):
        value = clean_text(value)
        hazardous = is_hazardous(value)
    else:
        hazardous = False
    if style is None and not hazardous:
        return value
    c = WriteOnlyCell(ws, value)  # type: ignore[arg-type]  # openpyxl converts more types than its stubs say
    if style is not None:
        c.style = style
    if hazardous:
        force_text(c, value)  # type: ignore[arg-type]
    return c


def force_text(c: Cell, value: str) -> None:
    c._value = value  # bypass openpyxl's formula / error-code inference
    c.data_type = "s"
    c.quotePrefix = True


def text_cell(ws: WriteOnlyWorksheet, value: str) -> Cell:
    """An unstyled cell that always holds `value` as text (for reuse across a big sheet)."""
    c = WriteOnlyCell(ws, None)
    force_text(c, clean_text(value))
    return c


def row_height(texts: Iterable[tuple[str, float]]) -> float | None:
    """A row height (points) that shows every wrapped (text, column width) pair in full, or None for one line.

    Spreadsheets do not all re-measure wrapped rows when they open a file (LibreOffice's converter does
    not), so the height is estimated here: about 1.15 characters per width unit, 15 points per line.
    """
    lines = 1
    for text, width in texts:
        if not text:
            continue
        per_line = max(1, int(width * 1.15))
        lines = max(lines, sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n")))
    return None if lines == 1 else min(409.0, 15.0 * lines)


TITLE_SIZE = 14  # points; body text is 11


def title_row(ws: WriteOnlyWorksheet, row: int, text: str, widths: Sequence[float]) -> list[object]:
    """A sheet or table title as row `row`: one cell merged across the sheet's `widths` columns, so a long
    title wraps within the printed width instead of running over the cells beside it."""
    columns = max(1, len(widths))
    if columns > 1:
        ws.merged_cells.add(f"A{row}:{get_column_letter(columns)}{row}")
    # row_height counts 11 pt characters: at the title's size fewer fit in the same width, lines are taller
    lines = row_height([(text, sum(widths) * 11 / TITLE_SIZE)])
    ws.row_dimensions[row].height = (lines or 15.0) * TITLE_SIZE / 11 + 4
    return [cell(ws, text, TITLE)]


class SheetRows:
    """Appends rows to a small sheet, giving each the height its wrapped cells need."""

    def __init__(self, ws: WriteOnlyWorksheet, widths: Sequence[float]) -> None:
        self.ws = ws
        self.widths = list(widths)
        self.row = 0
        set_widths(ws, widths)

    def title(self, text: str) -> None:
        """A title row merged across every column of the sheet (see `title_row`)."""
        self.row += 1
        self.ws.append(title_row(self.ws, self.row, text, self.widths))

    def append(self, values: Sequence[object]) -> None:
        self.row += 1
        texts = [(str(v.value), w) for v, w in zip(values, self.widths, strict=False)
                 if isinstance(v, Cell) and v.value is not None and v.alignment.wrap_text]
        height = row_height(texts)
        if height:
            self.ws.row_dimensions[self.row].height = height
        self.ws.append(list(values))


class StyledRows:
    """Styled cells for a big sheet, one per column, reused row after row.

    Creating a cell and looking up its style costs more than writing it; a write-only sheet writes each
    cell as soon as its row is appended, so the same cell objects can carry the next row's values.
    """

    def __init__(self, ws: WriteOnlyWorksheet, styles: Sequence[str]) -> None:
        self.plain = [self._make(ws, style, False) for style in styles]
        self.quoted = [self._make(ws, style, True) for style in styles]

    @staticmethod
    def _make(ws: WriteOnlyWorksheet, style: str, quoted: bool) -> Cell:
        c = WriteOnlyCell(ws, None)
        c.style = style
        if quoted:
            c.quotePrefix = True
        return c

    def row(self, values: Sequence[str | None]) -> list[Cell]:
        out = []
        for i, value in enumerate(values):
            if not value:
                c = self.plain[i]
                c._value, c.data_type = None, "n"
            else:
                value = clean_text(value)
                c = self.quoted[i] if is_hazardous(value) else self.plain[i]
                c._value, c.data_type = value, "s"
            out.append(c)
        return out


def set_widths(ws: WriteOnlyWorksheet, widths: Sequence[float]) -> None:
    for index, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(index)].width = width


def protect(ws: WriteOnlyWorksheet, password: str | None) -> None:
    """Lock the sheet (locked cells stay read-only) but leave filtering and resizing to the reader."""
    prot = ws.protection
    prot.sheet = True
    prot.autoFilter = False  # False means "allowed" in the file format's inverted flags
    prot.formatColumns = False
    prot.formatRows = False
    prot.selectLockedCells = False
    prot.selectUnlockedCells = False
    if password:
        prot.password = password


def print_setup(ws: WriteOnlyWorksheet, title_rows: str | None = None, title_cols: str | None = None,
                pages_wide: int = 1, header: str = "") -> None:
    """Landscape A4, `pages_wide` pages wide (the columns in `title_cols` repeated on each), the header rows
    repeated on every page, gridlines, a header naming what is printed and "Page n of m" in the footer.

    A wide sheet split over two pages keeps its text at a legible size (fit to one page, the requirements
    sheet printed at about 4 pt); the pages go across, then down, so each band of rows reads in order."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = pages_wide
    ws.page_setup.fitToHeight = 0
    ws.page_setup.pageOrder = "overThenDown"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.header = ws.page_margins.footer = 0.25
    if title_rows:
        ws.print_title_rows = title_rows
    if title_cols:
        ws.print_title_cols = title_cols
    hf = ws.HeaderFooter
    if header:
        hf.oddHeader.left.text = _header_text(header)
        hf.oddHeader.left.size = 9
    hf.oddHeader.right.text = "&A"  # the sheet's name
    hf.oddHeader.right.size = 9
    hf.oddFooter.center.text = "Page &P of &N"
    hf.oddFooter.center.size = 9


def _header_text(text: str) -> str:
    """Header text as typed: `&` starts a header code in spreadsheets, so it is doubled."""
    return clean_text(text).replace("&", "&&")[:200]


ABBREVIATIONS = {"components": "comps", "component": "comp", "requirements": "reqs", "requirement": "req",
                 "networking": "net", "kubernetes": "k8s", "solutions": "sol", "packaging": "pkg",
                 "applications": "apps", "application": "app", "categories": "cats", "configuration": "config",
                 "management": "mgmt", "infrastructure": "infra", "performance": "perf", "security": "sec"}
_WORD = re.compile(r"[A-Za-z]+")


def short_name(wanted: str, limit: int = 31) -> str:
    """A name that fits Excel's 31 characters and still reads: common long words abbreviated first, then
    the longest words shortened a letter at a time (never cut mid-way at the end, as plain slicing does)."""
    if len(wanted) <= limit:
        return wanted
    name = _WORD.sub(lambda m: ABBREVIATIONS.get(m.group().lower(), m.group()), wanted)
    while len(name) > limit:
        words = _WORD.findall(name)
        longest = max(words, key=len, default="")
        if len(longest) <= 3:
            return name[:limit]
        name = name.replace(longest, longest[:-1], 1)
    return name


def sheet_name(wanted: str, taken: Iterable[str]) -> str:
    """A legal, unique sheet name (at most 31 characters, none of []:*?/\\, not taken, case-blind)."""
    base = _SHEET_NAME_BAD.sub("_", wanted).strip("'") or "Sheet"
    base = base[:31]
    used = {t.lower() for t in taken}
    name, n = base, 2
    while name.lower() in used:
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    return name


def header_row(ws: WriteOnlyWorksheet, titles: Iterable[str]) -> list[Any]:
    return [cell(ws, t, HEADER) for t in titles]


def save_workbook(wb: Workbook, path: Path | str) -> None:
    """Write a write-only workbook atomically; on failure discard its sheets' half-written streams.

    openpyxl keeps each write-only sheet's XML stream open until the workbook is saved; left open, the
    streams complain on stderr ("Exception ignored in ... get_stream") when they are collected.
    """
    try:
        write_atomic(path, lambda fh: zipsave.save(wb, fh))  # no save time: the same inputs, the same bytes
    except BaseException:
        discard_workbook(wb)
        raise


def discard_workbook(wb: Workbook) -> None:
    """Finish each write-only sheet's stream (into openpyxl's temporary file) and delete that file."""
    for ws in wb.worksheets:
        with contextlib.suppress(Exception):
            ws.close()
        for stream in (getattr(ws, "_rows", None), getattr(getattr(ws, "_writer", None), "xf", None)):
            if stream is not None:
                with contextlib.suppress(Exception):
                    stream.close()
        out = getattr(getattr(ws, "_writer", None), "out", None)
        if isinstance(out, str):
            with contextlib.suppress(OSError):
                Path(out).unlink(missing_ok=True)


class PreparedCell:
    """One styled text cell, serialised once, written wherever it is appended to a `FastRowsSheet`.

    A big matrix repeats a few styled texts (its levels) hundreds of thousands of times. Handing
    openpyxl a styled cell per value costs it a failed conversion, a fresh cell and a style lookup each
    time, more than writing the value; this element is only given its position and written as it is.
    """

    __slots__ = ("element",)

    def __init__(self, ws: WriteOnlyWorksheet, value: str, style: str) -> None:
        template = cell(ws, value, style)
        assert isinstance(template, Cell)
        self.element = Element("c", {"r": "A1", "s": str(template.style_id), "t": "inlineStr"})
        text = template._value
        attrs = {f"{{{XML_NS}}}space": "preserve"} if text != text.strip() else {}
        SubElement(SubElement(self.element, "is"), "t", attrs).text = text


class _FastRowsWriter(WorksheetWriter):
    def write_row(self, xf: Any, row: Iterable[Any], row_idx: int) -> None:
        attrs = {"r": f"{row_idx}"}
        # a written row's height is never read again: dropped, so a big sheet's memory stays flat
        attrs.update(self.ws.row_dimensions.pop(row_idx, {}))
        with xf.element("row", attrs):
            for item in row:
                if type(item) is tuple:  # (column, PreparedCell) from FastRowsSheet._values_to_row
                    element = item[1].element
                    element.set("r", f"{get_column_letter(item[0])}{row_idx}")
                    xf.write(element)
                else:  # what openpyxl's own write_row does with a cell
                    if item._comment is not None:
                        self.ws._comments.append(CommentRecord.from_cell(item))
                    if item._value is not None or item.has_style or item._comment:
                        write_cell(xf, self.ws, item, item.has_style)


class FastRowsSheet(WriteOnlyWorksheet):
    """A write-only sheet whose rows may hold `PreparedCell`s besides openpyxl's values and cells.

    Cells are passed on as they are (openpyxl tries each as a value first and fails, at a cost), and row
    heights are forgotten once their row is written."""

    def _get_writer(self) -> None:
        if self._writer is None:
            self._writer = _FastRowsWriter(self)
            self._writer.write_top()

    def _values_to_row(self, values: Iterable[Any], row_idx: int) -> Iterator[Any]:
        for col_idx, value in enumerate(values, 1):
            if value is None:
                continue
            if type(value) is PreparedCell:
                yield (col_idx, value)
                continue
            if isinstance(value, Cell):
                c = value
            else:
                c = WriteOnlyCell(self)
                c.value = value
            c.column, c.row = col_idx, row_idx
            if c.hyperlink is not None:
                c.hyperlink.ref = c.coordinate
            yield c


FAST_ROWS = LXML  # PreparedCell elements are lxml's; without lxml, sheets take openpyxl's cells


def fast_rows_sheet(wb: Workbook, title: str) -> Any:
    """A new sheet of `wb` taking `PreparedCell`s (an ordinary write-only sheet without lxml).

    Typed Any as `Workbook.create_sheet` is: openpyxl's stubs give a write-only sheet none of the Worksheet
    attributes (row dimensions, filters, validations) it forwards at run time."""
    if not FAST_ROWS:
        return wb.create_sheet(title)
    ws = FastRowsSheet(parent=wb, title=title)
    wb._add_sheet(ws)
    return ws


def prepared(ws: WriteOnlyWorksheet, value: str, style: str) -> object:
    """A styled text cell for reuse across a big sheet: a `PreparedCell` where the sheet takes them."""
    return PreparedCell(ws, value, style) if isinstance(ws, FastRowsSheet) else cell(ws, value, style)
