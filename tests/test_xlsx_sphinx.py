"""The `ra2docs-vendors` directive in a real Sphinx build of a tiny project."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ra2docs import model, responses
from tests.xlsx.helpers import copy_tree

CONF = ('extensions = ["ra2docs.sphinx"]\nra2docs_root = "tree"\nexclude_patterns = ["tree", "_build"]\n'
        # the sample tree has deliberate spec findings (a placeholder cell, untraced requirements)
        'suppress_warnings = ["ra2docs.ra2.placeholder", "ra2docs.ra2.ra-no-trace"]\n')
INDEX = """Vendors
=======

.. ra2:vendors::

Basic profile, Globex first
---------------------------

.. ra2:vendors::
   :profile: basic
   :vendors: Globex, ACME
"""


def answer(rid: str, compliance: str, comment: str = "") -> model.Answer:
    return model.Answer(rid, compliance, comment)


def project(tmp_path: Path, index: str = INDEX) -> Path:
    tree = copy_tree(tmp_path)
    responses.write(tree, model.VendorResponse("ACME", (
        answer("ra2.ntw.001", "fully-compliant", "<script>alert(1)</script> `literal` *emph*"),
        answer("ra2.ntw.002", "roadmap", ".. raw:: html"),
        answer("ra2.os.002", "not-compliant"))))
    responses.write(tree, model.VendorResponse("Globex", (
        answer("ra2.ntw.001", "fully-compliant"), answer("ra2.ntw.002", "fully-compliant"))))
    (tmp_path / "conf.py").write_text(CONF)
    (tmp_path / "index.rst").write_text(index)
    return tmp_path


def build(src: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-q", *extra, str(src),
                           str(src / "_build")], capture_output=True, text=True, timeout=300)


def test_scores_table_and_gaps_are_rendered_and_comments_escaped(tmp_path: Path) -> None:
    src = project(tmp_path)
    proc = build(src, "-W")
    assert proc.returncode == 0, proc.stderr
    html = (src / "_build" / "index.html").read_text()
    # all profiles: ntw.001 must, ntw.002 must, os.002 may -> 7 points; ACME 3 + 0.75 + 0
    assert "53.6%" in html and "85.7%" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; `literal` *emph*" in html
    assert "<script>alert(1)" not in html and "<em>emph</em>" not in html
    assert ".. raw:: html" in html
    assert "ACME does not fully meet 1 mandatory requirement" in html
    assert "ra2-answer-roadmap" in html
    css = (src / "_build" / "_static" / "ra2docs-vendors.css").read_text()
    assert ".ra2-answer-fully-compliant { background-color: #C6EFCE" in css
    assert 'href="_static/ra2docs-vendors.css' in html
    second = html.split("Basic profile, Globex first", 1)[1]
    assert second.index("Globex") < second.index("ACME")
    assert "ra2-answer-unanswered" in second  # Globex did not answer ra2.os.002


def test_an_unknown_vendor_is_a_located_warning(tmp_path: Path) -> None:
    src = project(tmp_path, ".. ra2:vendors::\n   :vendors: Initech\n")
    proc = build(src)
    assert proc.returncode == 0
    assert "index.rst:1" in proc.stderr and "no stored answers of vendor 'Initech'" in proc.stderr


def test_a_changed_responses_file_rebuilds_the_page(tmp_path: Path) -> None:
    src = project(tmp_path)
    assert build(src, "-W").returncode == 0
    responses.write(src / "tree", model.VendorResponse("Globex", (answer("ra2.ntw.001", "not-compliant"),)))
    assert build(src, "-W").returncode == 0
    html = (src / "_build" / "index.html").read_text()
    assert "85.7%" not in html and "Globex does not fully meet 2 mandatory requirements" in html


def test_a_new_vendor_file_re_reads_a_page_that_never_used_it(tmp_path: Path) -> None:
    src = project(tmp_path)
    assert build(src, "-W").returncode == 0
    responses.write(src / "tree", model.VendorResponse("Initech", (answer("ra2.os.001", "roadmap"),)))
    assert build(src, "-W").returncode == 0
    html = (src / "_build" / "index.html").read_text()
    assert "Initech" in html
