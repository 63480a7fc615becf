"""`ra2docs export needs-json`, read by the real sphinx-needs through `.. needimport::`."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import docutils.core
import docutils.nodes
import pytest

from ra2docs.exports.needs_json import NEED_ID_RE, field_text, need_ids, rst_text
from tests.conftest import run_cli
from tests.exchange import BASIC, HOSTILE, REPO, load, tree_params

CONF = """\
from ra2docs.exports.needs_json import sphinx_needs_config
extensions = ["sphinx_needs"]
project = "importer"
globals().update(sphinx_needs_config())
needs_build_json = True
needs_reproducible_json = True
"""


def build_importer(root: Path, tmp_path: Path) -> tuple[dict[str, dict], str]:
    """Export `root` into a Sphinx project that imports it; the project's own needs.json and its HTML."""
    src = tmp_path / "importer"
    (src / "exported").mkdir(parents=True)  # -o does not create folders
    run_cli("export", "needs-json", str(root), "-o", str(src / "exported" / "needs.json"), check=True)
    (src / "conf.py").write_text(CONF, encoding="utf-8")
    (src / "index.rst").write_text("Imported\n========\n\n.. needimport:: exported/needs.json\n", encoding="utf-8")
    out = tmp_path / "html"
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", str(src),
                           str(out)], env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    built = json.loads((out / "needs.json").read_text(encoding="utf-8"))
    needs = built["versions"][built["current_version"]]["needs"]
    return needs, (out / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("root", tree_params())
def test_needimport_reads_every_requirement_and_link(root: Path, tmp_path: Path) -> None:
    needs, html = build_importer(root, tmp_path)
    project = load(root)
    tree = project.tree
    reqs = tree.requirement_index()
    ids = need_ids(reqs)
    assert len([n for n in needs.values() if n["type"] == "req"]) == len(reqs)  # test cases: test_verification_exchange
    expected_links: dict[tuple[str, str], set[str]] = {}
    for link in project.graph.links:  # resolved: an unqualified reference means the key its spec sees
        if link.source_id in reqs and link.target_id in reqs:
            expected_links.setdefault((link.source_id, link.type), set()).add(ids[link.target_id])
    for original, req in reqs.items():
        need = needs[ids[original]]
        assert need["ra2docs_id"] == original
        assert need["title"] == field_text(req.title)  # as written: no dynamic function ran
        assert need["type"] == "req"
        assert need["status"] == (field_text(req.status) or None)
        assert need["tags"] == [field_text(t) for t in req.tags]
        assert need["section"] == field_text(req.section)
        assert need["spec"] == req.spec and need["level"] == req.level
        for link_type in ("traces", "refines", "depends"):
            assert set(need[link_type]) == expected_links.get((original, link_type), set())
        for target in need["traces"]:
            assert ids[original] in needs[target]["traces_back"]  # sphinx-needs resolved the link
        assert f'id="{ids[original]}"' in html
    for (_, link_type), targets in expected_links.items():
        for target in targets:
            assert f'href="#{target}"' in html, (link_type, target)


def test_hostile_markup_stays_text(tmp_path: Path) -> None:
    _, html = build_importer(HOSTILE, tmp_path)
    assert "<iframe" not in html and "<script>alert" not in html
    assert "&lt;iframe src=&quot;x&quot;&gt;" in html  # shown as text
    assert 'href="http://evil.example"' not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html or "&lt;script&gt;alert('x')" in html
    assert 'copy("id")]] and {{ jinja }} stay text' in html.replace("&quot;", '"')


def test_need_ids_are_valid_unique_and_stable() -> None:
    tree = load(HOSTILE).tree
    ids = need_ids(r.id for r in tree.requirements)
    assert len(set(ids.values())) == len(ids)
    assert all(NEED_ID_RE.match(v) for v in ids.values())
    assert ids == need_ids(reversed([r.id for r in tree.requirements]))
    assert need_ids(["REQ_ALREADY_OK"]) == {"REQ_ALREADY_OK": "REQ_ALREADY_OK"}
    assert need_ids(["req.inf.ntw.01"]) == {"req.inf.ntw.01": "REQ_INF_NTW_01"}
    both = need_ids(["a.bcdef", "A_BCDEF"])
    assert both["A_BCDEF"] == "A_BCDEF" and re.match(r"^A_BCDEF_[0-9A-F]{8}$", both["a.bcdef"])
    assert "." not in "".join(need_ids(r.id for r in load(BASIC).tree.requirements).values())


@pytest.mark.parametrize("text", [
    ".. raw:: html\n\n   <b>x</b>", "*a* **b** `c`_ :ref:`d` |sub| [1]_ __ http://x.example/y",
    "Title\n=====\n\n- item\n1. item\n\n>>> code\n\n| line", "back\\slash \\*", "a  ::\n\n   literal",
])
def test_rst_text_renders_as_the_same_plain_text(text: str) -> None:
    doc = docutils.core.publish_doctree(rst_text(text), settings_overrides={"report_level": 5})
    kinds = {type(n).__name__ for n in doc.findall(docutils.nodes.Element)}
    assert kinds <= {"document", "paragraph", "block_quote"}, kinds
    words = "".join(doc.astext().split())
    assert words == "".join(text.split())


def test_an_id_defined_twice_is_exported_once_with_a_warning(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(BASIC, tree)
    (tree / "requirements" / "zz-again.yaml").write_text(
        "kind: requirements\nspec: RA2\nrequirements:\n  - id: ra2.ntw.001\n    title: Second definition\n",
        encoding="utf-8")
    for fmt in ("needs-json", "reqif"):
        out = tmp_path / f"out.{fmt}"
        proc = run_cli("export", fmt, str(tree), "-o", str(out))
        assert proc.returncode == 0
        assert f"ra2docs export {fmt}: warning: 1 ID is defined more than once (1 extra definition; " \
            "ra2.duplicate-id, see `ra2docs check`); the first definition of each is exported" in proc.stderr
        assert f"ra2docs export {fmt}: warning: " in proc.stderr and "open error" in proc.stderr
        text = out.read_text(encoding="utf-8")
        assert "Second definition" not in text and "CNI plugin for pod networking" in text
