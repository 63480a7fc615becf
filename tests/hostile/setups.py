"""The setup steps of the hostile-input corpus (tests/hostile/cases.txt), one function per step name.

Each step gets the case's `Case` (the tree, the command's environment and limits) and its words.
Large inputs (bombs, deep JSON, files over a limit) are generated here, at test time.
"""

from __future__ import annotations

import os
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl

from tests.conftest import run_cli

SAMPLE = Path(__file__).resolve().parent.parent / "roots" / "sample"


@dataclass
class Case:
    tree: Path
    env: dict[str, str] = field(default_factory=dict)
    file_size_limit: int | None = None  # RLIMIT_FSIZE for the command: a disk that fills up
    unprivileged: bool = False  # run as nobody (root reads every folder whatever its mode)


def decode(text: str) -> str:
    """The table's escapes: \\n newline, \\e ESC, \\\\ backslash."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text) and text[i + 1] in "ne\\":
            out.append({"n": "\n", "e": "\x1b", "\\": "\\"}[text[i + 1]])
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


STEPS: dict[str, Callable[..., None]] = {}


def step(fn: Callable[..., None]) -> Callable[..., None]:
    STEPS[fn.__name__.rstrip("_").replace("_", "-")] = fn
    return fn


@step
def link(case: Case, path: str, target: str) -> None:
    (case.tree / path).parent.mkdir(parents=True, exist_ok=True)
    os.symlink(target, case.tree / path)


@step
def fifo(case: Case, path: str) -> None:
    os.mkfifo(case.tree / path)


@step
def mkdir(case: Case, path: str) -> None:
    (case.tree / path).mkdir(parents=True, exist_ok=True)


@step
def remove(case: Case, path: str) -> None:
    target = case.tree / path
    if target.is_dir() and not target.is_symlink():
        shutil.rmtree(target)
    else:
        target.unlink()


@step
def copy(case: Case, src: str, dst: str) -> None:
    shutil.copy(case.tree / src, case.tree / dst)


@step
def write(case: Case, path: str, *words: str) -> None:
    (case.tree / path).write_text(decode(" ".join(words)), encoding="utf-8")


@step
def lock(case: Case, path: str) -> None:
    (case.tree / path).chmod(0)
    case.unprivileged = True


@step
def env(case: Case, assignment: str) -> None:
    name, _, value = assignment.partition("=")
    case.env[name] = value


@step
def fsize(case: Case, limit: str) -> None:
    case.file_size_limit = int(limit)


@step
def sparse(case: Case, path: str, size: str) -> None:
    """A file of NUL bytes of `size` (sparse: costs no disk), to cross a size limit."""
    with open(case.tree / path, "wb") as fh:
        fh.truncate(int(size))


@step
def deep_json(case: Case, path: str, depth: str) -> None:
    n = int(depth)
    (case.tree / path).write_text('{"versions": ' + "[" * n + "]" * n + "}", encoding="utf-8")


@step
def cli(case: Case, *args: str) -> None:
    run_cli(*args, cwd=case.tree, check=True)


@step
def workbook(case: Case, path: str) -> None:
    """An exported workbook with every row answered, as a vendor sends it back."""
    target = case.tree / path
    run_cli("export", "xlsx", "-o", str(target), str(case.tree), "--date", "2026-01-02", check=True)
    wb = openpyxl.load_workbook(target)
    ws = wb["Requirements"]
    cols = {c.value: c.column for c in ws[1]}
    for row in range(2, ws.max_row + 1):
        if ws.cell(row, cols["ID"]).value:
            ws.cell(row, cols["Compliance"]).value = "Fully compliant"
    wb.save(target)


@step
def spoil(case: Case, path: str) -> None:
    """One answer outside the vocabulary: the import has an error, the other rows are fine."""
    target = case.tree / path
    wb = openpyxl.load_workbook(target)
    ws = wb["Requirements"]
    cols = {c.value: c.column for c in ws[1]}
    ws.cell(2, cols["Compliance"]).value = "Maybe"
    wb.save(target)


def _rewrite_member(src: Path, dst: Path, member: str, replace: Callable[[bytes], bytes],
                    compression: int = zipfile.ZIP_DEFLATED) -> None:
    with zipfile.ZipFile(src) as zin:
        items = [(info, zin.read(info)) for info in zin.infolist()]
    with zipfile.ZipFile(dst, "w", compression) as zout:
        for info, data in items:
            zout.writestr(info.filename, replace(data) if info.filename == member else data)


def _requirements_member(book: Path) -> str:
    with zipfile.ZipFile(book) as z:
        names = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
        for name in names:
            if b">ID<" in z.read(name)[:20000]:
                return name
    raise AssertionError("no requirements sheet")


@step
def bomb(case: Case, path: str) -> None:
    """The issue's workbook bomb: a sheet inflating far more than any real sheet (here ~1000:1)."""
    workbook(case, path)
    target = case.tree / path
    member = _requirements_member(target)
    filler = b"<row><c><v>1</v></c></row>" * (6 * 1024 * 1024)  # 150 MiB of rows
    _rewrite_member(target, target, member, lambda data: data.replace(b"</sheetData>", filler + b"</sheetData>"))


@step
def big_sheet(case: Case, path: str, mib: str) -> None:
    """A sheet of `mib` MiB that compresses like real text (under the bomb ratio, over the read limit)."""
    workbook(case, path)
    target = case.tree / path
    member = _requirements_member(target)
    rows, size, n = [], 0, 100_000
    while size < int(mib) * 1024 * 1024:
        row = f'<row r="{n}"><c r="Z{n}" t="inlineStr"><is><t>filler {n * 7919 % 1000003}</t></is></c></row>'
        rows.append(row)
        size += len(row)
        n += 1
    filler = "".join(rows).encode()
    _rewrite_member(target, target, member, lambda data: data.replace(b"</sheetData>", filler + b"</sheetData>"))


@step
def dtd_workbook(case: Case, path: str) -> None:
    """A sheet that declares entities (the billion-laughs shape)."""
    workbook(case, path)
    target = case.tree / path
    member = _requirements_member(target)
    dtd = (b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
           b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>')

    def add(data: bytes) -> bytes:
        start = data.index(b"<worksheet")
        return data[:start] + dtd + data[start:]
    _rewrite_member(target, target, member, add)


@step
def long_cell(case: Case, path: str, chars: str) -> None:
    """A comment longer than any cell Excel can hold (openpyxl would cut it: written into the XML)."""
    workbook(case, path)
    target = case.tree / path
    wb = openpyxl.load_workbook(target)
    ws = wb["Requirements"]
    cols = {c.value: c.column for c in ws[1]}
    ws.cell(2, cols["Comment"]).value = "LONG-COMMENT"
    wb.save(target)
    member = _requirements_member(target)
    _rewrite_member(target, target, member, lambda data: data.replace(b"LONG-COMMENT", b"x" * int(chars)))


@step
def edit_metadata(case: Case, path: str, key: str, value: str) -> None:
    """Change one value of the hidden metadata sheet, as a curious vendor could."""
    target = case.tree / path
    wb = openpyxl.load_workbook(target)
    ws = wb["_ra2docs"]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == key:
            row[1].value = value
    wb.save(target)


@step
def long_text(case: Case, path: str, chars: str) -> None:
    """A requirements file whose one requirement has a description longer than a worksheet cell holds."""
    text = "x" * int(chars)
    (case.tree / path).write_text(f"kind: requirements\nspec: RA\ncategory: ntw\nrequirements:\n"
                                  f"  - {{id: ra.ntw.009, title: Long, description: {text}}}\n", encoding="utf-8")
