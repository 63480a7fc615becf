"""What the command line does differently in a terminal: severities in colour, a progress bar for long work.

Colour: on when the stream is a terminal (and TERM is not `dumb`); `NO_COLOR` (any non-empty value,
no-color.org) turns it off, `FORCE_COLOR` (any non-empty value) turns it on even when piped; NO_COLOR wins.
Progress: a bar on stderr, only when stderr is a terminal and the output is for people; it appears once
the work has taken `RA2DOCS_PROGRESS_DELAY` seconds (default 2), so quick runs print nothing extra.
tqdm is imported only when a bar may be shown.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

TYPE_CHECKING = False  # `typing` is not imported at run time (start-up; see ra2docs.cli)
if TYPE_CHECKING:
    from typing import Any, TextIO

SEVERITY_SGR = {"error": "1;31", "warning": "33", "info": "36"}  # bold red, yellow, cyan
_FINDING = re.compile(r"^(?P<where>.*?:\d+:\d+: )(?P<severity>error|warning|info)(?=: )", re.MULTILINE)
_SGR = re.compile(rb"\x1b\[[0-9;]*m")
_COUNT = re.compile(r"(?<=[:,] )(?P<n>[1-9]\d*) (?P<severity>error|warning|info)s?\b")


def colour_enabled(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"


def strip_sgr(data: bytes) -> bytes:
    """`data` without its colour and style codes (ESC [ ... m), for output another program coloured regardless."""
    return _SGR.sub(b"", data)


def paint(text: str, severity: str) -> str:
    return f"\x1b[{SEVERITY_SGR[severity]}m{text}\x1b[0m"


def colour_findings(text: str) -> str:
    """`file:line:col: severity: ...` lines with the severity painted, and the summary's non-zero counts."""
    body, sep, last = text.rstrip("\n").rpartition("\n")
    body = _FINDING.sub(lambda m: m["where"] + paint(m["severity"], m["severity"]), body)
    last = _COUNT.sub(lambda m: paint(m[0], m["severity"]), last)  # the summary line
    return body + sep + last + text[len(text.rstrip("\n")):]


class Progress:
    """What the work reports: steps done, how many there are, and the phase it is in. This one shows nothing."""

    def update(self, n: int = 1) -> None:
        pass

    def set_total(self, total: int) -> None:
        pass

    def phase(self, description: str) -> None:
        pass


class _Bar(Progress):
    """A tqdm bar that also shows a long last phase in which nothing is counted (checking after loading)."""

    def __init__(self, bar: Any, delay: float) -> None:
        self.bar, self.delay = bar, delay
        self.timer: threading.Timer | None = None

    def update(self, n: int = 1) -> None:
        self.bar.update(n)

    def set_total(self, total: int) -> None:
        self.bar.total = total

    def phase(self, description: str) -> None:
        self.bar.set_description_str(description, refresh=False)
        remaining = self.bar.start_t + self.delay - time.time()
        if remaining <= 0:
            self.bar.refresh()
        else:  # no update will come to draw it: draw it once the delay is over
            self.timer = threading.Timer(remaining, self.bar.refresh)
            self.timer.daemon = True
            self.timer.start()

    def close(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
        self.bar.close()


def progress_enabled(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"


def _delay() -> float:
    try:
        return max(0.0, float(os.environ.get("RA2DOCS_PROGRESS_DELAY", "2")))
    except ValueError:
        return 2.0


@contextmanager
def progress(total: int | None, description: str, stream: TextIO, for_people: bool = True,
             unit: str = "file") -> Iterator[Progress]:
    """A bar counting `total` steps (of `unit`) on `stream` when it is a terminal and the output is for people.

    `total` may be None and set later (`Progress.set_total`), when the work learns it first."""
    if not for_people or not progress_enabled(stream):
        yield Progress()
        return
    from tqdm import tqdm

    delay = _delay()
    bar = _Bar(tqdm(total=total, desc=description, file=stream, delay=delay, leave=False, unit=unit,
                    dynamic_ncols=True), delay)
    try:
        yield bar
    finally:
        bar.close()
