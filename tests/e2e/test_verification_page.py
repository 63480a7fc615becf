"""The verification page of a stack in headless Chromium: a sample site whose stack has imported JUnit
results (real CLI), built with the real theme; the failed requirement reads "Failed" on a coloured cell
with enough contrast, and its test case link lands on the test case. Skipped without Chromium unless
RA2DOCS_REQUIRE_TOOLS=1."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO, require_tool, run_cli
from tests.e2e.cdp import Browser
from tests.sphinx_helpers import ROOTS, build

HERE = Path(__file__).resolve().parent.parent
SHOTS = REPO / "build" / "e2e"

STATE_JS = r"""
(() => {
  const lum = c => { const p = c.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number).map(v => { v /= 255;
      return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * p[0] + 0.7152 * p[1] + 0.0722 * p[2]; };
  const rows = [];
  for (const tr of document.querySelectorAll('table.ra2-verification-table tbody tr')) {
    const cells = tr.querySelectorAll('td, th');
    const state = tr.querySelector('.ra2-vstate');
    const s = getComputedStyle(state);
    const a = lum(s.color), b = lum(s.backgroundColor);
    rows.push({id: cells[0].innerText.split(' ')[0], state: state.innerText, visible: state.offsetParent !== null,
               contrast: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05), bg: s.backgroundColor});
  }
  return rows;
})()
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_tool("chromium")
    src = tmp_path_factory.mktemp("verify") / "site"
    shutil.copytree(HERE / "verify_tree", src)
    for page in (ROOTS / "verify").iterdir():
        if page.suffix in (".py", ".rst"):
            shutil.copy(page, src / page.name)
    run_cli("import-results", str(HERE / "junit" / "pytest-failing.xml"), str(src), "--stack", "acme-k8s",
            check=True)
    result = build(src, html_theme="furo")
    assert result.warnings == "", result.warnings
    return Path(result.app.outdir)


@pytest.fixture(scope="module")
def browser(site: Path) -> Iterator[Browser]:
    with Browser(require_tool("chromium")) as chrome:
        yield chrome


def test_the_stacks_failed_requirement_reads_failed_with_contrast(site: Path, browser: Browser) -> None:
    browser.open(site / "acme.html")
    rows = browser.js(STATE_JS)
    first = [r for r in rows if r["id"] == "ra.ntw.001"]
    assert first and first[0]["state"] == "Failed" and first[0]["visible"], rows
    assert first[0]["bg"] != "rgba(0, 0, 0, 0)"  # the generated stylesheet coloured it
    assert all(r["contrast"] >= 4.5 for r in rows), rows
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.screenshot(SHOTS / "verification-acme.png")


def test_a_test_case_link_lands_on_the_test_case(site: Path, browser: Browser) -> None:
    browser.open(site / "acme.html")
    href = browser.js("document.querySelector('table.ra2-verification-table a[href*=\"ra2-test-tc-ntw-pods\"]')"
                      ".getAttribute('href')")
    page, _, fragment = href.partition("#")
    browser.open(site / page, fragment)
    found = browser.js(f"(() => {{ const el = document.getElementById('{fragment}'); "
                       "return el ? el.innerText.split('\\n')[0] : null; })()")
    assert found is not None and found.startswith("tc.ntw.pods Pods exchange packets"), found
