"""Reading an answered workbook's sheets as a stream, in time and memory linear in their size.

`ra2docs import` reads two sheets of a workbook it exported. openpyxl's reader builds every row of a
sheet in full (a row whose last cell sits in column XFD becomes 16,384 cells) and its time grew faster
than the sheet: a 40 MB sheet took minutes. This reader parses the sheet XML itself, one row at a time,
with entity expansion and DTDs refused (defusedxml), and with hard limits on what it accepts:

- bytes actually inflated from the archive (`MAX_INFLATED_BYTES`, whatever the zip directory claims);
- rows (`MAX_ROWS`), columns kept per row (`max_col`, cells further right are not kept) and characters
  per cell (`MAX_CELL_CHARS`, Excel's own limit) and shared strings (`MAX_SHARED_STRINGS`).

Over a limit, or on XML that cannot be parsed, it raises `WorkbookError`; nothing is stored.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from ra2docs.xlsx.guard import WorkbookError

MAX_INFLATED_BYTES = 64 * 1024 * 1024  # XML read from the archive, all members together (a 20,000-row export: ~15 MB)
MAX_ROWS = 1_048_576  # Excel's own limit
MAX_CELL_CHARS = 32_767  # Excel's own limit
MAX_SHARED_STRINGS = 2_000_000
MAX_STYLES = 100_000
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CELL_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")


@dataclass(frozen=True, slots=True)
class Cell:
    value: object
    row: int
    column: int  # 1-based
    data_type: str  # s text, n number, b boolean, d date, e error, f formula


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


_ROOT_START = re.compile(rb"<[A-Za-z_]")


class _Counted:
    """A binary stream that counts what it gives and stops past the shared budget.

    It also refuses a document type declaration before the root element, the only place one can be:
    the big members (sheets, shared strings) are parsed with the standard library's C parser, which is
    several times faster than defusedxml's, so the DTD (and with it every entity) is refused here."""

    def __init__(self, raw: IO[bytes], budget: list[int], name: str) -> None:
        self.raw, self.budget, self.name = raw, budget, name
        self.prolog: bytes | None = b""  # None once the root element has started

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size if size and size > 0 else 1024 * 1024)
        self.budget[0] -= len(data)
        if self.budget[0] < 0:
            raise WorkbookError("xlsx.too-large", f"the workbook inflates to more than {MAX_INFLATED_BYTES:,} bytes "
                                f"of XML (reading {self.name}); a workbook exported by ra2docs is far smaller")
        if self.prolog is not None:
            head = self.prolog + data
            root = _ROOT_START.search(head)
            before = head if root is None else head[: root.start()]
            if b"<!DOCTYPE" in before or b"<!ENTITY" in before:
                raise DefusedXmlException(f"{self.name} declares a DTD")
            self.prolog = head[-16:] if root is None else None
        return data


class StreamWorkbook:
    """The sheets of an xlsx archive by name; rows come from `rows(name)` as they are parsed."""

    def __init__(self, path: Path, max_inflated: int = MAX_INFLATED_BYTES) -> None:
        self.archive = zipfile.ZipFile(path)
        self.budget = [max_inflated]
        try:
            self._date1904 = False
            self._sheets = self._read_sheet_targets()
            self._shared: list[str] | None = None
            self._date_styles: set[int] | None = None
        except BaseException:
            self.archive.close()
            raise

    def close(self) -> None:
        self.archive.close()

    @property
    def sheetnames(self) -> list[str]:
        return list(self._sheets)

    # ---- parsing -------------------------------------------------------------------------------

    def _events(self, member: str, events: tuple[Literal["start", "end"], ...] = ("end",), fast: bool = False
                ) -> Iterator[tuple[str, Element]]:
        """Parse events of a member; `fast`: the C parser (the DTD refused by `_Counted`), else defusedxml's."""
        try:
            declared = self.archive.getinfo(member).file_size
            if declared > self.budget[0]:
                raise WorkbookError("xlsx.too-large", f"{member} inflates to {declared:,} bytes; with the rest read "
                                    f"so far that is over the {MAX_INFLATED_BYTES:,} byte limit of XML an import "
                                    "reads (a workbook exported by ra2docs is far smaller)")
            with self.archive.open(member) as raw:
                stream = _Counted(raw, self.budget, member)
                if fast:
                    yield from ET.iterparse(stream, events=events)
                else:
                    yield from SafeET.iterparse(stream, events=events, forbid_dtd=True)
        except KeyError:
            raise WorkbookError("xlsx.malformed", f"the archive lacks {member}, which the workbook refers to") from None
        except DefusedXmlException:
            raise WorkbookError("xlsx.malformed", f"{member} declares a DTD or entities (an XML bomb?); a workbook "
                                "saved by a spreadsheet program never does") from None
        except ParseError as exc:
            raise WorkbookError("xlsx.malformed", f"{member} is not well-formed XML: {exc}") from None
        except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
            raise WorkbookError("xlsx.malformed", f"cannot inflate {member}: {exc}") from None

    def _read_sheet_targets(self) -> dict[str, str]:
        rels: dict[str, str] = {}
        for _, el in self._events("xl/_rels/workbook.xml.rels"):
            if _local(el.tag) == "Relationship":
                target = el.get("Target", "")
                rels[el.get("Id", "")] = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                    posixpath.join("xl", target))
        sheets: dict[str, str] = {}
        for _, el in self._events("xl/workbook.xml"):
            name = _local(el.tag)
            if name == "sheet":
                rid = el.get(f"{{{_REL}}}id") or el.get("id") or ""
                if rid in rels:
                    sheets[el.get("name", "")] = rels[rid]
            elif name == "workbookPr" and el.get("date1904") in ("1", "true"):
                self._date1904 = True
        return sheets

    @property
    def epoch(self) -> dt.datetime:
        return CALENDAR_MAC_1904 if self._date1904 else CALENDAR_WINDOWS_1900

    def shared_strings(self) -> list[str]:
        if self._shared is None:
            self._shared = []
            if "xl/sharedStrings.xml" in self.archive.namelist():
                for _, el in self._events("xl/sharedStrings.xml", fast=True):
                    if _local(el.tag) == "si":
                        if len(self._shared) >= MAX_SHARED_STRINGS:
                            raise WorkbookError("xlsx.too-large", f"the workbook holds more than "
                                                f"{MAX_SHARED_STRINGS:,} distinct texts")
                        self._shared.append(_text_of(el))
                        el.clear()
        return self._shared

    def date_styles(self) -> set[int]:
        """Indexes of the cell formats that show numbers as dates."""
        if self._date_styles is None:
            self._date_styles = set()
            if "xl/styles.xml" not in self.archive.namelist():
                return self._date_styles
            custom: dict[int, str] = {}
            in_xfs, index = False, 0
            for event, el in self._events("xl/styles.xml", ("start", "end")):
                name = _local(el.tag)
                if name == "numFmt" and event == "end":
                    custom[int(el.get("numFmtId", "0") or 0)] = el.get("formatCode", "")
                elif name == "cellXfs":
                    in_xfs = event == "start"
                elif name == "xf" and in_xfs and event == "end":
                    fmt_id = int(el.get("numFmtId", "0") or 0)
                    fmt = custom.get(fmt_id) or BUILTIN_FORMATS.get(fmt_id, "")
                    if fmt and is_date_format(fmt):
                        self._date_styles.add(index)
                    index += 1
                    if index > MAX_STYLES:
                        raise WorkbookError("xlsx.too-large", f"the workbook holds more than {MAX_STYLES:,} cell "
                                            "formats")
        return self._date_styles

    def rows(self, sheet: str, min_row: int = 1, max_col: int = 256) -> Iterator[tuple[int, list[Cell | None]]]:
        """(row number, cells of columns 1..max_col, None where empty) of each row from `min_row` on."""
        member = self._sheets[sheet]
        shared = self.shared_strings()
        dates = self.date_styles()
        sheet_data: Element | None = None
        row_no = 0
        for event, el in self._events(member, ("start", "end"), fast=True):
            if event == "start":
                if sheet_data is None and el.tag.endswith("sheetData"):
                    sheet_data = el
                continue
            if not el.tag.endswith("}row") and el.tag != "row":
                continue
            r = el.get("r")
            row_no = int(r) if r and r.isdigit() else row_no + 1
            if row_no > MAX_ROWS:
                raise WorkbookError("xlsx.too-large", f"sheet '{sheet}' has more than {MAX_ROWS:,} rows")
            if row_no >= min_row:
                cells: list[Cell | None] = []
                col = 0
                for c in el:
                    ref = _CELL_REF.match(c.get("r", ""))
                    col = _column_number(ref.group(1)) if ref else col + 1
                    if col > max_col:
                        continue
                    cell = self._cell(c, row_no, col, shared, dates, sheet)
                    if cell is not None:
                        cells.extend([None] * (col - 1 - len(cells)))
                        cells.append(cell)
                yield row_no, cells
            el.clear()
            if sheet_data is not None:
                sheet_data.clear()  # parsed rows do not pile up in memory

    def _cell(self, el: Element, row: int, col: int, shared: list[str], dates: set[int], sheet: str) -> Cell | None:
        kind = el.get("t", "n")
        formula = v = None
        inline: Element | None = None
        for child in el:
            tag = _local(child.tag)
            if tag == "f":
                formula = child.text or ""
            elif tag == "v":
                v = child.text
            elif tag == "is":
                inline = child
        value: object
        if formula is not None:
            value, kind = f"={formula}", "f"
        elif kind == "s":
            try:
                value = shared[int(v or "")]
            except (ValueError, IndexError):
                raise WorkbookError("xlsx.malformed", f"sheet '{sheet}' row {row}: a cell refers to text "
                                    f"{v!r}, which the workbook does not hold") from None
        elif kind == "inlineStr":
            value, kind = (_text_of(inline) if inline is not None else ""), "s"
        elif kind == "str":
            value, kind = v or "", "s"
        elif v is None:
            return None
        elif kind == "b":
            value = v.strip() in ("1", "true")
        elif kind in ("e", "d"):
            value = v
        else:
            value, kind = self._number(v, el.get("s"), dates, sheet, row), "n"
        if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
            raise WorkbookError("xlsx.too-large", f"sheet '{sheet}' row {row}: a cell holds {len(value):,} "
                                f"characters, over Excel's limit of {MAX_CELL_CHARS:,}")
        return Cell(value, row, col, kind)

    def _number(self, text: str, style: str | None, dates: set[int], sheet: str, row: int) -> object:
        try:
            number: float | int = int(text) if text.lstrip("-").isdigit() else float(text)
        except ValueError:
            raise WorkbookError("xlsx.malformed", f"sheet '{sheet}' row {row}: {text[:40]!r} is not a "
                                "number") from None
        if style and style.isdigit() and int(style) in dates:
            try:
                return from_excel(number, self.epoch)
            except (ValueError, OverflowError):
                return number
        return number


def _text_of(el: Element) -> str:
    """The text of a shared or inline string: its `t` elements, phonetic runs (`rPh`) left out."""
    parts: list[str] = []
    total = 0
    for child in el.iter():
        tag = _local(child.tag)
        if tag == "t" and child.text:
            parts.append(child.text)
            total += len(child.text)
            if total > MAX_CELL_CHARS:
                break
        elif tag == "rPh":
            for t in child.iter():
                t.text = None  # phonetic guides are not part of the text
    return "".join(parts)
