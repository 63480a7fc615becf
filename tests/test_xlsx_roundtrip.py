"""Round trip: export, answer as a vendor would (hostile answers included), import, re-import, compare."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import openpyxl
import pytest

from ra2docs.errors import IMPORT_CODES
from tests.conftest import run_cli
from tests.xlsx.helpers import IMPORT_DATE, check_expected, copy_tree, export, fill, header_columns

ACME = {
    "ra2.ntw.001": ("Fully compliant", "Multus and Calico ship with the platform", "Admin guide §3.1"),
    "ra2.ntw.002": ("partially compliant", "=cmd|'/C calc'!A0", "+SUM(1,2)"),
    "ra2.ntw.003": ("Roadmap", "<script>alert(1)</script> planned for 2027", ""),
    "ra2.os.001": ("Not compliant", "", "@evidence"),
    "req.inf.ntw.01": ("FULLY COMPLIANT", "", ""),
}
GLOBEX = {
    "ra2.ntw.001": ("Fully compliant", "", ""),
    "ra2.ntw.002": ("Fully compliant", "", ""),
    "ra2.ntw.003": ("Not compliant", "", ""),
    "ra2.os.001": ("Fully compliant", "", ""),
    "ra2.os.002": ("Partially compliant", "", ""),
}


def import_(tree: Path, book: Path, vendor: str, *extra: str):
    return run_cli("import", book.name, "--vendor", vendor, "tree", "--date", IMPORT_DATE, *extra,
                   cwd=tree.parent)


def stored(tree: Path, slug: str) -> str:
    """The responses file without its first line (the schema modeline names a machine-specific path)."""
    text = (tree / "responses" / f"{slug}.yaml").read_text(encoding="utf-8")
    modeline, rest = text.split("\n", 1)
    schema = modeline.split("$schema=", 1)[1]
    assert (tree / "responses" / schema).resolve().is_file(), modeline
    return rest


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return copy_tree(tmp_path)


@pytest.fixture
def book(tree: Path) -> Path:
    return export(tree, tree.parent / "rfp.xlsx")


def test_import_stores_the_answers_as_yaml(tree: Path, book: Path) -> None:
    fill(book, ACME)
    proc = import_(tree, book, "ACME Cloud, Inc.")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    check_expected("import-acme.txt", proc.stdout)
    assert sorted(p.name for p in (tree / "responses").iterdir()) == [".ra2docs-import.lock", "acme-cloud-inc.yaml"]
    check_expected("acme-cloud-inc.yaml", stored(tree, "acme-cloud-inc"))
    check = run_cli("check", "tree", cwd=tree.parent)  # the loader accepts what import wrote
    assert "[ra2.response" not in check.stdout and "1 response)" in check.stdout, check.stdout


def test_reimport_replaces_and_lists_the_changes(tree: Path, book: Path) -> None:
    fill(book, ACME)
    assert import_(tree, book, "ACME").returncode == 0
    changed = dict(ACME)
    changed["ra2.ntw.003"] = ("Fully compliant", "delivered early", "Release notes 2.0")
    del changed["req.inf.ntw.01"]
    changed["ra2.os.002"] = ("Not compliant", "", "")
    fresh = export(tree, tree.parent / "second.xlsx")
    fill(fresh, changed)
    proc = import_(tree, fresh, "ACME")
    assert proc.returncode == 0, proc.stdout
    check_expected("reimport-acme.txt", proc.stdout)
    assert "  + ra2.os.002: not-compliant" in proc.stdout
    assert "  - req.inf.ntw.01: fully-compliant" in proc.stdout
    assert "  ~ ra2.ntw.003: roadmap" in proc.stdout


def hostile_book(book: Path) -> Path:
    """Every mistake a vendor (or an attacker) can make on the requirements sheet."""
    fill(book, {
        "ra2.ntw.001": ("Yes", "", ""),  # outside the vocabulary
        "ra2.ntw.002": ("Fully compliant", "fine", ""),  # good row
        "ra2.ntw.003": ("", "a comment but no answer", ""),
        "ra2.os.001": ("Fully compliant", "", ""),
        "req.inf.ntw.02": ("Fully compliant", "good too", ""),
        "ra2.os.002": ("Roadmap", "the one good row", "R-7"),
    })
    wb = openpyxl.load_workbook(book)
    ws = wb["Requirements"]
    cols = header_columns(ws)
    ws[f"{cols['ID']}5"] = "ra2.os.01"  # altered ID (was ra2.os.001): unknown + lost
    ws[f"{cols['Title']}3"] = "An easier requirement"  # edited spec text: a warning
    ws[f"{cols['Compliance']}8"] = "=IF(1,\"Fully compliant\")"  # a formula as the answer (req.inf.ntw.02)
    ws.append(["ra2.new.001", "RA2", "Added by the vendor", "", "", "", "", "", "", "Fully compliant"])
    ws.append(["ra2.ntw.002", "RA2", "duplicate", "", "", "", "", "", "", "Not compliant"])
    ws.delete_rows(7)  # loses req.inf.ntw.01
    wb.save(book)
    return book


def test_hostile_answers_are_reported_by_cell_and_nothing_is_written(tree: Path, book: Path) -> None:
    proc = import_(tree, hostile_book(book), "ACME")
    assert proc.returncode == 1
    check_expected("import-hostile.txt", proc.stdout)
    assert "rfp.xlsx:Requirements!J2: error: 'Yes' is not an answer" in proc.stdout
    assert not (tree / "responses").exists()


def test_partial_import_keeps_only_the_good_rows(tree: Path, book: Path) -> None:
    proc = import_(tree, hostile_book(book), "ACME", "--partial")
    assert proc.returncode == 1
    text = stored(tree, "acme")
    assert "id: ra2.os.01\n" not in text and "ra2.new.001" not in text
    ids = [line.split("id: ")[1] for line in text.splitlines() if line.startswith("- id: ")]
    assert ids == ["ra2.os.002"]


@pytest.mark.parametrize(("tamper", "code"), [
    ("checksum", "xlsx.spec-changed"),
    ("format", "xlsx.bad-metadata"),
    ("selection", "xlsx.bad-metadata"),
    ("delete", "xlsx.no-metadata"),
    ("spec", "xlsx.wrong-spec"),
])
def test_tampered_metadata_blocks_even_a_partial_import(tree: Path, book: Path, tamper: str, code: str) -> None:
    fill(book, ACME)
    wb = openpyxl.load_workbook(book)
    meta = wb["_ra2docs"]
    keys = {meta[f"A{r}"].value: r for r in range(2, meta.max_row + 1)}
    if tamper == "delete":
        wb.remove(meta)
    elif tamper == "spec":
        meta[f"B{keys['spec_versions']}"] = json.dumps({"RA1": "1.0"})
    elif tamper == "selection":
        meta[f"B{keys['selection']}"] = "{not json"
    else:
        meta[f"B{keys[tamper]}"] = "sha256:" + "0" * 64 if tamper == "checksum" else "something-else/9"
    wb.save(book)
    proc = import_(tree, book, "ACME", "--partial")
    assert proc.returncode == 1
    assert f"[{code}]" in proc.stdout and "nothing was written" in proc.stdout
    assert not (tree / "responses").exists()


def test_a_spec_changed_since_export_is_an_error_unless_allowed(tree: Path, book: Path) -> None:
    fill(book, ACME)
    reqs = tree / "requirements" / "ra2-reqs.yaml"
    reqs.write_text(reqs.read_text().replace("Implement the CNI specification", "Implement CNI 1.1"))
    proc = import_(tree, book, "ACME")
    assert proc.returncode == 1 and "_ra2docs!B8: error:" in proc.stdout and "[xlsx.spec-changed]" in proc.stdout
    assert not (tree / "responses").exists()
    proc = import_(tree, book, "ACME", "--allow-changed-spec")
    assert proc.returncode == 0 and ": warning:" in proc.stdout
    assert (tree / "responses" / "acme.yaml").exists()


def _bomb(path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (64 * 1024 * 1024))


def _macro(path: Path, book: Path) -> None:
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item))
        dst.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 macro")


@pytest.mark.parametrize(("kind", "code"), [
    ("text", "xlsx.not-xlsx"), ("truncated", "xlsx.not-xlsx"), ("xlsm", "xlsx.macro"), ("vba", "xlsx.macro"),
    ("bomb", "xlsx.too-large"), ("huge", "xlsx.too-large"), ("docx", "xlsx.not-xlsx"), ("garbled", "xlsx.malformed"),
    ("missing", "xlsx.unreadable"),
])
def test_unreadable_files_change_nothing(tree: Path, book: Path, kind: str, code: str) -> None:
    fill(book, ACME)
    assert import_(tree, book, "ACME").returncode == 0
    before = (tree / "responses" / "acme.yaml").read_bytes()
    bad = tree.parent / ("bad.xlsm" if kind == "xlsm" else "bad.xlsx")
    data = book.read_bytes()
    if kind == "text":
        bad.write_text("ID,Compliance\nra2.ntw.001,Fully compliant\n")
    elif kind == "truncated":
        bad.write_bytes(data[: len(data) // 2])
    elif kind == "xlsm":
        bad.write_bytes(data)
    elif kind == "vba":
        _macro(bad, book)
    elif kind == "bomb":
        _bomb(bad)
    elif kind == "huge":
        bad.write_bytes(data + b"\0" * (2 * 1024 * 1024))
    elif kind == "docx":
        with zipfile.ZipFile(bad, "w") as z:
            z.writestr("[Content_Types].xml", "<Types/>")
            z.writestr("word/document.xml", "<document/>")
    elif kind == "garbled":
        with zipfile.ZipFile(book) as src, zipfile.ZipFile(bad, "w") as dst:
            for item in src.infolist():
                dst.writestr(item, b"<not xml" if item.filename == "xl/workbook.xml" else src.read(item))
    extra = ("--max-size", "1") if kind == "huge" else ()
    proc = import_(tree, bad, "ACME", *extra)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert f"[{code}]" in proc.stderr and "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"{bad.name}: error:")
    assert (tree / "responses" / "acme.yaml").read_bytes() == before
    assert sorted(p.name for p in (tree / "responses").iterdir()) == [".ra2docs-import.lock", "acme.yaml"]


def test_a_workbook_without_answers_does_not_erase_stored_ones(tree: Path, book: Path) -> None:
    answered = fill(book, ACME, tree.parent / "answered.xlsx")
    assert import_(tree, answered, "ACME").returncode == 0
    proc = import_(tree, book, "ACME")
    assert proc.returncode == 1 and "[xlsx.no-answers]" in proc.stdout
    assert "ra2.ntw.001" in stored(tree, "acme")


def test_a_vendor_name_clash_is_refused(tree: Path, book: Path) -> None:
    fill(book, ACME)
    assert import_(tree, book, "Acme").returncode == 0
    proc = import_(tree, book, "ACME")
    assert proc.returncode == 2 and "holds the answers of vendor 'Acme'" in proc.stderr


def test_compare_two_vendors(tree: Path, book: Path) -> None:
    acme = fill(book, ACME, tree.parent / "acme.xlsx")
    globex = fill(book, GLOBEX, tree.parent / "globex.xlsx")
    assert import_(tree, acme, "ACME").returncode == 0
    assert import_(tree, globex, "Globex").returncode == 0
    text = run_cli("compare", "tree", cwd=tree.parent, check=True).stdout
    check_expected("compare.txt", text)
    doc = json.loads(run_cli("compare", "tree", "--format", "json", cwd=tree.parent, check=True).stdout)
    scores = {s["vendor"]: s for s in doc["scores"]}
    # scope: the 8 requirements the workbook asked about, answered or not (a vendor cannot raise its score
    # by leaving rows blank): the 6 anyone answered (must 3 x4, should 2, may 1 -> 15 points) plus
    # req.inf.ntw.02 (should, 2) and req.inf.ntw.03 (may, 1) that nobody answered -> 18 points
    assert scores["ACME"]["possible"] == scores["Globex"]["possible"] == 18
    assert scores["ACME"]["earned"] == 3 + 3 * 0.5 + 2 * 0.25 + 0 + 3  # os.002 unanswered
    assert scores["ACME"]["score"] == round(100 * 8 / 18, 1)
    assert scores["ACME"]["counts"]["unanswered"] == 3
    assert scores["Globex"]["earned"] == 3 + 3 + 0 + 3 + 0.5
    assert [g["id"] for g in scores["ACME"]["mandatory_gaps"]] == ["ra2.ntw.002", "ra2.os.001"]
    assert [g["id"] for g in scores["Globex"]["mandatory_gaps"]] == ["req.inf.ntw.01"]
    out = tree.parent / "cmp.xlsx"
    run_cli("compare", "tree", "-o", str(out), cwd=tree.parent, check=True)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Comparison", "Scores", "Mandatory gaps"]
    rows = list(wb["Scores"].iter_rows(min_row=2, max_row=3, values_only=True))
    assert [(r[0], r[1]) for r in rows] == [("ACME", round(100 * 8 / 18, 1)), ("Globex", round(100 * 9.5 / 18, 1))]
    comment = wb["Comparison"]["E3"]
    assert comment.value == "=cmd|'/C calc'!A0" and comment.data_type == "s"


def test_dry_run_and_json_report_write_nothing(tree: Path, book: Path) -> None:
    fill(book, ACME)
    proc = import_(tree, book, "ACME", "--dry-run", "--format", "json")
    assert proc.returncode == 0
    doc = json.loads(proc.stdout)
    assert doc["stored"] is False and doc["answers"] == 5 and doc["findings"] == []
    assert [c["change"] for c in doc["changes"]] == ["added"] * 5
    assert not (tree / "responses").exists()


def test_import_problems_are_catalogue_findings_in_every_format(tree: Path, book: Path) -> None:
    """The import reports Findings of the one catalogue, formatted as `check` formats its findings."""
    fill(book, {**ACME, "ra2.ntw.001": ("Yes", "", "")})
    doc = json.loads(import_(tree, book, "ACME", "--dry-run", "--format", "json").stdout)
    [bad] = [f for f in doc["findings"] if f["code"] == "xlsx.bad-answer"]
    assert (bad["file"], bad["part"], bad["severity"], bad["subject"]) == ("rfp.xlsx", "Requirements!J2", "error",
                                                                         "ra2.ntw.001")
    assert bad["hint"] == "Pick an answer from the cell's drop-down list."  # the catalogue's what-to-do
    junit = ET.fromstring(import_(tree, book, "ACME", "--dry-run", "--format", "junit").stdout)
    cases = {c.get("name"): c for c in junit.iter("testcase")}
    assert set(cases) == set(IMPORT_CODES)
    failure = cases["xlsx.bad-answer"].find("failure")
    assert failure is not None and failure.text.startswith("rfp.xlsx:Requirements!J2: error: 'Yes' is not an answer")
    assert cases["xlsx.macro"].find("failure") is None
    proc = import_(tree, book, "ACME", "--dry-run", "--format", "github")
    assert proc.returncode == 1
    first, *_, last = proc.stdout.splitlines()
    assert first.startswith("::error file=rfp.xlsx,title=xlsx.bad-answer::Requirements!J2: 'Yes' is not an answer")
    assert last.startswith("dry run: nothing would be written") and last.endswith("1 error, 0 warnings")
    codes = json.loads(run_cli("codes", "--format", "json", check=True).stdout)
    assert {c["code"] for c in codes if c["section"] == "import"} == set(IMPORT_CODES)


def test_renamed_header_missing_id_and_formula_comment(tree: Path, book: Path) -> None:
    fill(book, ACME)
    wb = openpyxl.load_workbook(book)
    ws = wb["Requirements"]
    cols = header_columns(ws)
    ws[f"{cols['Comment']}2"] = "=1+1"  # a real formula in a comment: stored as typed, with a warning
    ws.append([None, None, None, None, None, None, None, None, None, "Roadmap", "an answer without an ID"])
    wb.save(book)
    proc = import_(tree, book, "ACME")
    assert proc.returncode == 1
    assert "rfp.xlsx:Requirements!K2: warning: the Comment of 'ra2.ntw.001' is a formula" in proc.stdout
    assert "rfp.xlsx:Requirements!A10: error: this row has an answer but no requirement ID [xlsx.missing-id]" \
        in proc.stdout
    ws[f"{cols['Compliance']}1"] = "Answer"
    wb.save(book)
    proc = import_(tree, book, "ACME", "--partial")
    assert proc.returncode == 1 and "the header row lacks 'Compliance'" in proc.stdout
    assert "[xlsx.bad-header]" in proc.stdout and not (tree / "responses").exists()


def test_an_unreadable_stored_responses_file_is_never_overwritten(tree: Path, book: Path) -> None:
    fill(book, ACME)
    target = tree / "responses" / "acme.yaml"
    target.parent.mkdir()
    target.write_text("kind: responses\nvendor: ACME\nanswers: [\n")
    proc = import_(tree, book, "ACME")
    assert proc.returncode == 2 and "cannot be read" in proc.stderr and "nothing was written" in proc.stderr
    assert target.read_text() == "kind: responses\nvendor: ACME\nanswers: [\n"


def test_every_import_code_is_exercised() -> None:
    here = Path(__file__).read_text() + "".join(p.read_text() for p in (Path(__file__).parent / "xlsx" /
                                                                          "expected").glob("*.txt"))
    missing = [code for code in IMPORT_CODES if code not in here]
    assert not missing, f"no test triggers {missing}"


def test_a_flood_of_bad_rows_stops_at_a_limit(tree: Path, book: Path) -> None:
    fill(book, ACME)
    wb = openpyxl.load_workbook(book)
    ws = wb["Requirements"]
    for n in range(600):
        ws.append([f"ra2.fake.{n:03d}", "", "", "", "", "", "", "", "", "Fully compliant"])
    wb.save(book)
    proc = import_(tree, book, "ACME", "--partial")
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert len(lines) == 502 and "[xlsx.too-many-problems]" in lines[-2]
    assert not (tree / "responses").exists()
