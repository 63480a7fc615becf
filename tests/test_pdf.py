"""`make pdf`'s builder (sphinx-simplepdf, WeasyPrint: no TeX) on the sample site: a PDF whose matrix keeps
its level colours and words and whose generated links are anchors of the one document. Skipped unless the optional
`pdf` dependencies are installed (`make pdf` installs them)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import require_tool
from tests.sphinx_helpers import copy_root


def test_the_sample_site_as_one_pdf(tmp_path: Path) -> None:
    pytest.importorskip("sphinx_simplepdf")
    pdftotext = require_tool("pdftotext")
    root = copy_root("sample", tmp_path / "src")
    out = tmp_path / "pdf"
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    proc = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "simplepdf",
                           str(root), str(out)], capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (pdf,) = out.glob("*.pdf")
    text = subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "✔ Supported" in text and "Multus" in text and "DANM" in text
    css = (out / "_static" / "ra2docs-levels.css").read_text()
    assert "ra2-level-supported" in css  # the colours were there when WeasyPrint read the HTML
    html = next(out.glob("*.html")).read_text()
    table = html[html.index("ra2-traceability"):]
    table = table[:table.index("</table>")]
    assert 'href="#ra2-req-' in table and not re.search(r'href="#document-[^"#]*#', table)
