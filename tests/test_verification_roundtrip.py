"""Round trip with real files and the real command line: export the RFP workbook, answer it as a vendor
would, import the answers, import the vendor's stack's JUnit results, and compare: the "fully compliant"
claim its own failed test contradicts is flagged, and scored as nothing with --evidence."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl

from tests.conftest import run_cli
from tests.xlsx.helpers import fill

HERE = Path(__file__).parent


def test_export_answer_import_results_compare_flags_the_contradicted_claim(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(HERE / "verify_tree", tree)
    book = tmp_path / "rfp.xlsx"
    run_cli("export", "xlsx", "-o", str(book), str(tree), "--date", "2026-01-02", check=True)
    fill(book, {"ra.ntw.001": ("Fully compliant", "Multus ships with it", ""),
                "ra.ntw.002": ("Partially compliant", "IPv6 next release", ""),
                "req.inf.ntw.01": ("Fully compliant", "", "")})
    run_cli("import", str(book), str(tree), "--vendor", "ACME", "--date", "2026-01-03T10:00:00", check=True)
    before = json.loads(run_cli("compare", str(tree), "--format", "json", check=True).stdout)
    # no results yet: the stack never ran the verifying test, which the claim needs (the partial answer is no claim)
    assert [(c["id"], c["problem"]) for c in before["contradicted_claims"]] == [("ra.ntw.001", "not-run")]
    run_cli("import-results", str(HERE / "junit" / "pytest-failing.xml"), str(tree), "--stack", "acme-k8s",
            check=True)
    proc = run_cli("compare", str(tree), check=True)
    assert ("vendor 'ACME' answers 'fully-compliant' for 'ra.ntw.001', but tc.ntw.pods failed on its stack "
            "'acme-k8s'") in proc.stdout
    assert "'ra.ntw.002'" not in proc.stdout.split("Claims the test evidence contradicts")[1]  # partial: no claim
    plain = json.loads(run_cli("compare", str(tree), "--format", "json", check=True).stdout)
    scored = json.loads(run_cli("compare", str(tree), "--format", "json", "--evidence", check=True).stdout)
    assert plain["contradicted_claims"] == [{"vendor": "ACME", "id": "ra.ntw.001", "stack": "acme-k8s",
                                             "problem": "failed", "tests": ["tc.ntw.pods"]}]
    assert scored["evidence"] is True and plain["evidence"] is False
    assert scored["scores"][0]["earned"] == plain["scores"][0]["earned"] - 3  # a must: weight 3, credit 1 -> 0
    out = tmp_path / "compare.xlsx"
    run_cli("compare", str(tree), "-o", str(out), check=True)
    rows = list(openpyxl.load_workbook(out)["Claims vs evidence"].iter_rows(values_only=True))
    assert rows == [("Vendor", "ID", "Stack", "Evidence", "Tests"), ("ACME", "ra.ntw.001", "acme-k8s", "failed",
                                                                      "tc.ntw.pods")]
    check = run_cli("check", str(tree))
    assert "[ra2.claim-contradicted]" in check.stdout and check.returncode == 0  # a warning: CI decides


def test_rfp_workbook_carries_the_stacks_evidence_read_only_and_still_imports(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(HERE / "verify_tree", tree)
    run_cli("import-results", str(HERE / "junit" / "pytest-failing.xml"), str(tree), "--stack", "acme-k8s",
            check=True)
    book = tmp_path / "rfp.xlsx"
    run_cli("export", "xlsx", "-o", str(book), str(tree), "--date", "2026-01-02", "--stack", "acme-k8s", check=True)
    wb = openpyxl.load_workbook(book)
    ws = wb["Test evidence"]
    assert ws.protection.sheet  # read-only, as the specification columns
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0].startswith("Test evidence on stack acme-k8s (ACME's proposed platform): results imported "
                                 "from pytest-failing.xml, run at 2026-06-02T08:30:00+00:00")
    by_id = {r[0]: r for r in rows[3:]}
    assert by_id["ra.ntw.001"][2:] == ("tc.ntw.pods, tc.ntw.services", "tc.ntw.pods: failed, tc.ntw.services: not-run",
                                       "failed")
    asked = [r[0] for r in wb["Requirements"].iter_rows(min_row=2, values_only=True)]
    assert list(by_id) == asked  # one row per requirement of the Requirements sheet, in its order
    fill(book, {"ra.ntw.001": ("Fully compliant", "", "")})
    proc = run_cli("import", str(book), str(tree), "--vendor", "ACME", "--date", "2026-01-03T10:00:00")
    assert proc.returncode == 0, proc.stdout + proc.stderr  # the evidence sheet does not disturb the import
    out = tmp_path / "compare.xlsx"
    run_cli("compare", str(tree), "-o", str(out), check=True)
    sheet = list(openpyxl.load_workbook(out)["Comparison"].iter_rows(values_only=True))
    assert sheet[0][3:6] == ("ACME", "ACME: comment", "ACME: test evidence")
    row = next(r for r in sheet if r[0] == "ra.ntw.001")
    assert row[5] == "acme-k8s: failed (tc.ntw.pods failed)"
    assert run_cli("export", "xlsx", "-o", str(tmp_path / "x.xlsx"), str(tree), "--stack", "nope").returncode == 2
