"""A site build imports only what it uses: openpyxl (the workbooks' library, 50 ms of every build's start) only
when a page shows vendors' answers, not for the answer and verification colours every build writes as CSS."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.sphinx_helpers import copy_root

REPO = Path(__file__).resolve().parent.parent
BUILD_AND_LIST = """
import sys
from sphinx.cmd.build import build_main
status = build_main(["-q", "-b", "html", sys.argv[1], sys.argv[2]])
print(status, sorted(m for m in sys.modules if m == "openpyxl" or m.startswith("ra2docs.xlsx")))
"""


def test_a_site_without_a_vendors_page_builds_without_importing_openpyxl(tmp_path: Path) -> None:
    root = copy_root("sample", tmp_path)
    out = subprocess.run([sys.executable, "-c", BUILD_AND_LIST, str(root), str(tmp_path / "html")],
                         capture_output=True, text=True, check=True, env=dict(os.environ, PYTHONPATH=str(REPO)))
    assert out.stdout.strip().splitlines()[-1] == "0 []", out.stderr[-2000:]
    css = (tmp_path / "html" / "_static" / "ra2docs-vendors.css").read_text(encoding="utf-8")
    assert ".ra2-answer-fully-compliant { background-color: #C6EFCE; color: #000000; }" in css
