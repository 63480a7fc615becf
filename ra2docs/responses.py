"""Vendor responses: the answer vocabulary, and writing `responses/<vendor>.yaml`.

Reading the files back is the loader's job (`kind: responses`); this module only writes them, one file
per vendor, atomically, and says what changed against the answers stored before.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import yaml

from ra2docs import model
from ra2docs.fileio import schema_modeline, write_text_atomic
from ra2docs.schema import COMPLIANCE
from ra2docs.text_safety import escape_controls

RESPONSES_DIR = "responses"


@dataclass(frozen=True)
class AnswerTerm:
    id: str
    label: str
    meaning: str
    credit: float  # share of a requirement's weight the answer earns in the comparison score
    scored: bool = True  # False: the requirement leaves the score's scope (neither earned nor possible)


ANSWERS: tuple[AnswerTerm, ...] = (
    AnswerTerm("fully-compliant", "Fully compliant", "The offer meets the requirement as written, with "
               "the evidence referenced.", 1.0),
    AnswerTerm("partially-compliant", "Partially compliant", "The offer meets part of the requirement; "
               "the comment says which part is missing.", 0.5),
    AnswerTerm("not-compliant", "Not compliant", "The offer does not meet the requirement and no delivery "
               "is planned.", 0.0),
    AnswerTerm("roadmap", "Roadmap", "Not met today; the comment gives the planned release and date.", 0.25),
    AnswerTerm("not-applicable", "Not applicable", "The requirement does not apply to this offer; the comment "
               "says why. Left out of the score.", 0.0, scored=False),
    AnswerTerm("clarification-needed", "Clarification needed", "The requirement cannot be answered as "
               "written; the comment asks the question. Scores as not met until answered.", 0.0),
)
assert tuple(a.id for a in ANSWERS) == COMPLIANCE
ANSWER_BY_ID = {a.id: a for a in ANSWERS}
UNANSWERED = "unanswered"  # a requirement a vendor's response leaves without an answer
# fill of each answer, in workbooks and on the site (here, not in ra2docs.xlsx: a site build imports no openpyxl)
ANSWER_COLOURS = {"fully-compliant": "C6EFCE", "partially-compliant": "FFEB9C", "not-compliant": "FFC7CE",
                  "roadmap": "DDEBF7", "not-applicable": "E7E6E6", "clarification-needed": "E4DFEC"}


def parse_answer(text: str) -> str | None:
    """The answer ID for a label or ID as typed in a workbook (case and spacing ignored), else None."""
    key = re.sub(r"[\s_-]+", " ", text.strip().lower())
    for term in ANSWERS:
        if key in (term.label.lower(), term.id.replace("-", " ")):
            return term.id
    return None


MAX_SLUG = 100  # characters; file systems allow 255 bytes, and a CJK character takes 3


def vendor_slug(vendor: str) -> str:
    """A file-name-safe form of the vendor name: `ACME Cloud, Inc.` -> `acme-cloud-inc`, `日本` -> `日本`.

    Letters and digits of any script are kept (lower-cased; accents dropped, so `Müller` -> `muller`,
    and compatibility forms folded, so fullwidth `ＡＣＭＥ` -> `acme`); every run of other characters
    becomes one `-`."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFKD", vendor):
        if unicodedata.category(ch) == "Mn":  # a combining accent
            continue
        out.append(ch.lower() if ch.isalnum() else "-")
    slug = unicodedata.normalize("NFC", re.sub(r"-+", "-", "".join(out)).strip("-"))
    return slug[:MAX_SLUG].rstrip("-")


def responses_path(root: Path, vendor: str) -> Path:
    return root / RESPONSES_DIR / f"{vendor_slug(vendor)}.yaml"


LOCK_NAME = ".ra2docs-import.lock"
LOCK_TIMEOUT = 120.0  # seconds an import waits for another one into the same tree


class LockBusy(Exception):
    """Another import holds the responses folder's lock for longer than LOCK_TIMEOUT."""


@contextmanager
def locked(root: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the lock of `root/responses/` (created when missing): imports into one tree run one at a time,
    so each one reads the stored answers the one before it wrote."""
    from filelock import FileLock, Timeout  # only an import takes the lock: `check` need not import it

    folder = root / RESPONSES_DIR
    folder.mkdir(exist_ok=True)
    lock = FileLock(folder / LOCK_NAME, timeout=timeout)
    try:
        lock.acquire()
    except Timeout:
        raise LockBusy(f"another `ra2docs import` into {folder} has held its lock ({folder / LOCK_NAME}) for "
                       f"{timeout:.0f} s; try again when it has finished") from None
    try:
        yield
    finally:
        lock.release()



def render(response: model.VendorResponse, target: Path) -> str:
    doc: dict[str, object] = {"kind": "responses", "vendor": response.vendor}
    if response.details:
        doc["vendor_details"] = dict(response.details)
    for key in ("imported_from", "imported_at", "checksum"):
        if getattr(response, key):
            doc[key] = getattr(response, key)
    if response.spec_versions:
        doc["spec_versions"] = dict(sorted(response.spec_versions.items()))
    if response.asked:
        doc["asked"] = list(response.asked)
    answers = []
    for a in response.answers:
        item = {"id": a.id, "compliance": a.compliance}
        if a.comment:
            item["comment"] = a.comment
        if a.evidence:
            item["evidence"] = a.evidence
        answers.append(item)
    doc["answers"] = answers
    header = (schema_modeline("responses", target) +
              "# Written by `ra2docs import`; re-importing the vendor's workbook replaces this file.\n")
    return header + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)


def write(root: Path, response: model.VendorResponse) -> Path:
    target = responses_path(root, response.vendor)
    write_text_atomic(target, render(response, target))
    return target


@dataclass(frozen=True)
class Change:
    id: str
    kind: str  # added | changed | removed
    before: str = ""
    after: str = ""

    def __str__(self) -> str:
        if self.kind == "added":
            text = f"  + {self.id}: {self.after}"
        elif self.kind == "removed":
            text = f"  - {self.id}: {self.before}"
        else:
            text = f"  ~ {self.id}: {self.before} -> {self.after}"
        return escape_controls(text)  # comments come from the vendor's workbook: one line each, no escapes


def _summary(a: model.Answer) -> str:
    text = a.compliance
    if a.comment:
        text += f" ({a.comment[:60]}{'…' if len(a.comment) > 60 else ''})"
    return text


def diff(old: tuple[model.Answer, ...], new: tuple[model.Answer, ...]) -> list[Change]:
    """What re-importing changes: answers added, changed (any field) and removed, in answer order."""
    before = {a.id: a for a in old}
    after = {a.id: a for a in new}
    out = []
    for a in new:
        prev = before.get(a.id)
        if prev is None:
            out.append(Change(a.id, "added", after=_summary(a)))
        elif (prev.compliance, prev.comment, prev.evidence) != (a.compliance, a.comment, a.evidence):
            out.append(Change(a.id, "changed", _summary(prev), _summary(a)))
    out.extend(Change(a.id, "removed", before=_summary(a)) for a in old if a.id not in after)
    return out
