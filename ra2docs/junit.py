"""Read a JUnit XML report safely, one test case at a time.

Accepts the flavours runners write: pytest (`<testsuites><testsuite><testcase>`, or a bare `<testsuite>`),
Ginkgo / Kubernetes e2e as run by Functest xtesting and Sonobuoy (`status=` attributes, `[It]` prefixes
kept as written), and nested suites. A case's outcome is `failure` -> failed, `error` -> error,
`skipped` -> skipped, else its `status` attribute when it says so, else passed.

Hostile input is refused before or while reading, never half-used: the file must be a regular file under
the size limit (checked again while streaming), a DTD is refused outright (so no entity expansion, no
external entity, no billion laughs: defusedxml's parser), and anything that is not well-formed XML, or
whose root is no testsuite(s), is a `JUnitError` naming the line and column. Memory stays bounded: each
test case element is dropped once read.
"""

from __future__ import annotations

import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

MAX_BYTES = 32 * 1024 * 1024
_MESSAGE_CHARS = 300


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MiB" if limit >= 1024 * 1024 else f"{limit} byte"


class JUnitError(Exception):
    """The file cannot be used as a JUnit report; the message says why and where."""


@dataclass(frozen=True, slots=True)
class JUnitCase:
    name: str
    classname: str
    outcome: str  # passed | failed | skipped | error
    seconds: float
    message: str = ""
    line: int = 0

    @property
    def keys(self) -> tuple[str, ...]:
        """The forms a test case's `junit:` names are matched against."""
        if not self.classname:
            return (self.name,)
        return (self.name, f"{self.classname}.{self.name}", f"{self.classname}::{self.name}")

    @property
    def full_name(self) -> str:
        return f"{self.classname}::{self.name}" if self.classname else self.name


@dataclass
class Report:
    """What was read besides the cases: filled in while `cases()` streams."""

    timestamp: str = ""
    suites: int = 0
    cases: int = 0
    tool: str = ""
    warnings: list[str] = field(default_factory=list)


class _Limited:
    """A binary reader that refuses to deliver more than `limit` bytes (a file that grows, a FIFO)."""

    def __init__(self, fh: BinaryIO, limit: int) -> None:
        self.fh, self.limit, self.seen = fh, limit, 0

    def read(self, size: int = -1) -> bytes:
        data = self.fh.read(size if size and size > 0 else 65536)
        self.seen += len(data)
        if self.seen > self.limit:
            raise JUnitError(f"the file is larger than the {_size(self.limit)} limit "
                             "(raise it with --max-size if the report is genuine)")
        return data


def open_report(path: Path, max_bytes: int = MAX_BYTES) -> BinaryIO:
    """Open a report for reading after checking it is a regular file under the limit."""
    try:
        info = path.stat()
    except OSError as exc:
        raise JUnitError(f"cannot read the file: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise JUnitError("is a folder, not a JUnit XML file")
    if not stat.S_ISREG(info.st_mode):
        raise JUnitError("is not a regular file (a device, pipe or socket); give a JUnit XML file")
    if info.st_size > max_bytes:
        raise JUnitError(f"the file is {info.st_size} bytes, over the {_size(max_bytes)} limit "
                         "(raise it with --max-size if the report is genuine)")
    if info.st_size == 0:
        raise JUnitError("the file is empty: not a JUnit XML report")
    try:
        return path.open("rb")
    except OSError as exc:
        raise JUnitError(f"cannot read the file: {exc.strerror or exc}") from None


def _outcome(case: Element) -> tuple[str, str]:
    for child in case:
        tag = _local(child.tag)
        if tag in ("failure", "error", "skipped"):
            text = child.get("message") or (child.text or "").strip()
            word = {"failure": "failed", "error": "error", "skipped": "skipped"}[tag]
            return word, " ".join(text.split())[:_MESSAGE_CHARS]
    status = (case.get("status") or case.get("result") or "").lower()
    if status in ("failed", "failure", "fail"):
        return "failed", ""
    if status in ("error", "errored"):
        return "error", ""
    if status in ("skipped", "skip", "disabled", "pending", "notrun"):
        return "skipped", ""
    return "passed", ""


def _local(tag: object) -> str:
    text = str(tag)
    return text.rsplit("}", 1)[-1]


def _seconds(text: str | None) -> float:
    try:
        value = float(text) if text else 0.0
    except ValueError:
        return 0.0
    return value if value >= 0 and value == value and value != float("inf") else 0.0


def cases(fh: BinaryIO, report: Report, max_bytes: int = MAX_BYTES) -> Iterator[JUnitCase]:
    """Every test case of the report, in file order; `report` gets the run's timestamp and counts.

    Only end events are asked for (start events cost half as much again): a test case is complete at
    its end, a suite's attributes are read at its end, and the root is the last element to end."""
    source = _Limited(fh, max_bytes)
    last = ""
    try:
        for _event, elem in iterparse(source, events=("end",), forbid_dtd=True):
            tag = last = _local(elem.tag)
            if tag == "testcase":
                outcome, message = _outcome(elem)
                report.cases += 1
                yield JUnitCase(elem.get("name", ""), elem.get("classname", ""), outcome,
                                _seconds(elem.get("time")), message)
                elem.clear()  # keeps memory flat: what is left of a case is an empty element
            elif tag == "testsuite":
                report.suites += 1
                report.timestamp = report.timestamp or elem.get("timestamp", "")
                elem.clear()  # its cases, read already
            elif tag == "testsuites":
                report.timestamp = report.timestamp or elem.get("timestamp", "")
    except DefusedXmlException as exc:
        raise JUnitError(f"refused: the file declares a DTD or entities ({type(exc).__name__}); a JUnit "
                         "report needs neither, and expanding them is how XML bombs and file disclosure work") from None
    except ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        raise JUnitError(f"not well-formed XML at line {line}, column {column + 1}: "
                         f"{str(exc).split(':')[0]}") from None
    except UnicodeDecodeError as exc:
        raise JUnitError(f"not XML text: {exc.reason}") from None
    if last not in ("testsuites", "testsuite"):
        raise JUnitError(f"the root element is <{last}>, not <testsuites> or <testsuite>: not a JUnit report")
    if report.suites == 0:
        raise JUnitError("the report holds no <testsuite>: not a JUnit report")
