"""Saving a workbook byte for byte the same from the same inputs (reproducible builds).

openpyxl stamps the save time into the workbook twice: the `modified` core property and every zip
member's date. Here the archive is written with every member dated at the workbook's `created` property
(which `ra2docs export xlsx` sets from --date, else SOURCE_DATE_EPOCH, else today), and `modified` is
left as the exporter set it, so two exports with the same inputs and the same date are the same bytes.
"""

from __future__ import annotations

import shutil
import zipfile
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip member can carry


class _DatedZipFile(zipfile.ZipFile):
    """A zip archive whose members all carry one fixed date, whatever the clock or the files say."""

    def __init__(self, file: IO[bytes], date_time: tuple[int, int, int, int, int, int]) -> None:
        super().__init__(file, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        self.date_time = max(date_time, _ZIP_EPOCH)

    def _dated(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=self.date_time)
        info.compress_type = self.compression
        info.external_attr = 0o600 << 16
        return info

    def writestr(self, zinfo_or_arcname: Any, data: Any, compress_type: int | None = None,
                 compresslevel: int | None = None) -> None:
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zinfo_or_arcname = self._dated(zinfo_or_arcname)
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename: Any, arcname: Any = None, compress_type: int | None = None,
              compresslevel: int | None = None) -> None:
        info = self._dated(arcname or str(filename))
        with open(filename, "rb") as src, self.open(info, "w") as dest:
            shutil.copyfileobj(src, dest, 1024 * 1024)


def save(wb: Workbook, fh: IO[bytes]) -> None:
    """What `wb.save(fh)` does, without the save time."""
    created = wb.properties.created
    if wb.properties.modified is None:
        wb.properties.modified = created
    stamp = created.timetuple()[:6] if created is not None else _ZIP_EPOCH
    archive = _DatedZipFile(fh, stamp)
    ExcelWriter(wb, archive).save()
