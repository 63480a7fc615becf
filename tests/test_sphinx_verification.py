"""The verification pages in a real Sphinx build: test cases with link targets, each requirement's status
on a stack from imported JUnit results, both verification matrices, and an incremental rebuild when a
stack's results are imported again."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from tests.conftest import run_cli
from tests.sphinx_helpers import ROOTS, build

HERE = Path(__file__).parent


def _site(tmp_path: Path) -> Path:
    src = tmp_path / "site"
    shutil.copytree(HERE / "verify_tree", src)
    for page in (ROOTS / "verify").iterdir():
        if page.suffix in (".py", ".rst"):
            shutil.copy(page, src / page.name)
    return src


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_verification_pages_show_status_from_imported_results(tmp_path: Path) -> None:
    src = _site(tmp_path)
    run_cli("import-results", str(HERE / "junit" / "pytest-failing.xml"), str(src), "--stack", "acme-k8s",
            check=True)
    first = build(src, warningiserror=True)
    assert first.warnings == "", first.warnings
    acme = _text(first.html("acme"))
    assert "4 requirements" not in acme and "2 requirements on stack acme-k8s" in acme
    assert ("ra.ntw.001 A CNI plugin provides the cluster network must yes tc.ntw.pods , tc.ntw.services "
            "tc.ntw.pods: FAILED , tc.ntw.services: not run Failed") in acme, acme
    assert "2 requirements: 2 verified" in acme  # the overall section
    assert "ra2-vstate-failed" in first.html("acme")
    tests = first.html("tests")
    assert 'id="ra2-test-tc-ntw-pods"' in tests  # the link target of :ra2:test:
    assert 'href="tests.html#ra2-test-tc-ntw-pods"' in first.html("index")
    block = _text(first.html("requirements"))
    assert ("Verification : Verified by tc.ntw.pods , tc.ntw.services ; acme-k8s: failed" in block), block
    trace = _text(first.html("trace"))
    assert "acme-k8s: failed" in trace and 'href="tests.html#ra2-test-tc-ntw-dual"' in first.html("trace")
    matrix = _text(tests)
    assert "Test case acme-k8s" in matrix and "tc.ntw.dual A pod gets an IPv4 and an IPv6 address ERROR" in matrix
    assert "Verifies : ra.ntw.002 JUnit names" in matrix
    # importing the stack's next run rebuilds the pages that show its results, and only those
    run_cli("import-results", str(HERE / "junit" / "pytest-passing.xml"), str(src), "--stack", "acme-k8s",
            check=True)
    second = build(src, warningiserror=True)
    assert {"acme", "tests", "requirements", "trace"} <= set(second.read) and "index" not in second.read
    acme = _text(second.html("acme"))
    assert "tc.ntw.pods: passed" in acme and "FAILED" not in acme
    trace = _text(second.html("trace"))
    assert "Coverage Verification" in trace  # the column, beside coverage
    assert "Verified by tc.ntw.pods , tc.ntw.services ; acme-k8s: verified, not passed" in trace


def test_vendors_page_flags_the_claim_the_stack_results_contradict(tmp_path: Path) -> None:
    src = _site(tmp_path)
    (src / "responses").mkdir()
    (src / "responses" / "acme.yaml").write_text(
        "kind: responses\nvendor: ACME\nanswers:\n  - {id: ra.ntw.001, compliance: fully-compliant}\n"
        "  - {id: ra.ntw.002, compliance: partially-compliant}\n", encoding="utf-8")
    run_cli("import-results", str(HERE / "junit" / "pytest-failing.xml"), str(src), "--stack", "acme-k8s",
            check=True)
    result = build(src)
    page = _text(result.html("vendors"))
    assert ("Claims the test evidence contradicts: ACME answers fully compliant for ra.ntw.001 , but tc.ntw.pods , "
            "tc.ntw.services failed on its stack acme-k8s.") not in page  # services never ran: not a failure
    assert "ACME answers fully compliant for ra.ntw.001 , but tc.ntw.pods failed on its stack acme-k8s." in page
    assert "ra.ntw.002 , but" not in page  # a partial answer claims nothing
    assert "[ra2docs.ra2.claim-contradicted]" in result.warnings  # and the check finding is a build warning


def test_an_unknown_stack_is_a_warning_at_the_directive(tmp_path: Path) -> None:
    src = _site(tmp_path)
    (src / "acme.rst").write_text("ACME\n====\n\n.. ra2:verification::\n   :stack: acme-k9s\n", encoding="utf-8")
    result = build(src)
    assert "acme.rst:4: WARNING: ra2:verification: unknown stack 'acme-k9s'" in result.warnings
