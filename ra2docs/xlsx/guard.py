"""Refuse workbooks that are not plain xlsx before any xlsx library touches them.

An xlsx file is a zip archive. Its directory states every member's uncompressed size, so a zip bomb
(a small file that inflates to gigabytes) is caught by reading the directory alone. Macro-enabled
workbooks (.xlsm, or any archive carrying a vbaProject.bin) are refused: answers never need code.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from ra2docs import files

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024  # as the zip directory states it; xlsx.stream counts what inflates
MAX_MEMBERS = 10_000
MAX_RATIO = 100  # a member inflating more than this is a bomb, not a worksheet (real sheets reach ~20-50)
_RATIO_FLOOR = 1024 * 1024  # small members may compress extremely well; only judge big ones
MACRO_SUFFIXES = (".xlsm", ".xltm", ".xlam", ".xlsb")


class WorkbookError(Exception):
    """A workbook that cannot be read at all: printed as one line, nothing is changed."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def check_archive(path: Path, max_bytes: int = MAX_FILE_BYTES,
                  max_uncompressed: int = MAX_UNCOMPRESSED_BYTES) -> None:
    """Raise WorkbookError unless `path` looks like a plain, reasonably sized xlsx archive."""
    if path.is_dir():
        raise WorkbookError("xlsx.unreadable", "is a folder, not a workbook; give the path of the .xlsx file")
    if not os.path.lexists(path):
        raise WorkbookError("xlsx.unreadable", "no such file")
    try:
        st = files.check_regular(path)  # a FIFO or device would block or never end inside zipfile
    except OSError as exc:
        raise WorkbookError("xlsx.unreadable", f"cannot read file: {exc.strerror or exc}") from None
    if path.suffix.lower() in MACRO_SUFFIXES:
        raise WorkbookError("xlsx.macro", f"macro-enabled or binary workbook ({path.suffix}); save it as "
                            "'Excel Workbook (.xlsx)' and import that file")
    size = st.st_size
    if size > max_bytes:
        raise WorkbookError("xlsx.too-large", f"file is {size:,} bytes, over the {max_bytes:,} byte limit")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile:
        raise WorkbookError("xlsx.not-xlsx", "not an xlsx workbook (no readable zip directory: the file is "
                            "of another type, truncated or damaged); save it as .xlsx and try again") from None
    except OSError as exc:
        raise WorkbookError("xlsx.unreadable", f"cannot read file: {exc}") from None
    if len(members) > MAX_MEMBERS:
        raise WorkbookError("xlsx.too-large", f"archive holds {len(members):,} members, over {MAX_MEMBERS:,}")
    names = {m.filename.lower() for m in members}
    if any(n.rsplit("/", 1)[-1] == "vbaproject.bin" for n in names):
        raise WorkbookError("xlsx.macro", "the workbook carries macros (vbaProject.bin); save it as "
                            "'Excel Workbook (.xlsx)' without macros and import that file")
    if "[content_types].xml" not in names or "xl/workbook.xml" not in names:
        raise WorkbookError("xlsx.not-xlsx", "a zip archive but not an xlsx workbook (no xl/workbook.xml); "
                            "an .ods or .docx file must be saved as .xlsx first")
    total = 0
    for m in members:
        total += m.file_size
        if m.file_size > _RATIO_FLOOR and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            raise WorkbookError("xlsx.too-large", f"member {m.filename} inflates {m.file_size:,} bytes from "
                                f"{m.compress_size:,} (a zip bomb?)")
    if total > max_uncompressed:
        raise WorkbookError("xlsx.too-large", f"archive inflates to {total:,} bytes, over the "
                            f"{max_uncompressed:,} byte limit")
