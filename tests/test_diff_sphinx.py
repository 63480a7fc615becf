"""The `ra2:changelog` directive in a real Sphinx build, over two git revisions and two folders."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.exchange import BASIC, HOSTILE, REPO
from tests.test_diff import git, make_release_two

CONF = 'extensions = ["ra2docs.sphinx"]\nproject = "changes"\nra2docs_root = "specs"\n'


def build(src: Path, body: str) -> tuple[str, str]:
    (src / "conf.py").write_text(CONF, encoding="utf-8")
    (src / "index.rst").write_text(f"Changes\n=======\n\n{body}\n", encoding="utf-8")
    out = src / "_build"
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.run([sys.executable, "-m", "sphinx", "-q", "-b", "html", str(src), str(out)], env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return (out / "index.html").read_text(encoding="utf-8"), proc.stderr


@pytest.fixture
def project(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path / "docs"
    shutil.copytree(BASIC, root / "specs")
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "one")
    git(root, "tag", "v1")
    make_release_two(root / "specs")
    git(root, "commit", "-qam", "two")
    return root


def test_changelog_from_a_revision_to_the_current_tree(project: Path) -> None:
    html, stderr = build(project, ".. ra2:changelog::\n   :old: v1:specs\n")
    assert "ra2:changelog" not in stderr
    assert "Requirements renamed (1)" in html
    assert '<code class="docutils literal notranslate"><span class="pre">ra2.ntw.002</span></code> is now' in html
    assert "Requirements added (1)" in html and "Network policies" in html
    assert "Requirements removed (1)" in html
    assert "<strong>description</strong>: A CNI conformant plugin connects pods. → A CNI plugin connects all pods." \
        in html
    assert "Coverage gained (1)" in html and "Coverage lost (1)" in html
    assert "networking: req.inf.ntw.02 / calico: no -&gt; partial" in html
    assert "Changes from v1:specs to the current tree" in html
    assert git(project, "status", "--porcelain", "--untracked-files=no") == ""


def test_changelog_between_folders_keeps_markup_as_text(tmp_path: Path) -> None:
    src = tmp_path / "docs"
    shutil.copytree(BASIC, src / "specs")
    shutil.copytree(HOSTILE, src / "hostile")
    html, stderr = build(src, ".. ra2:changelog::\n   :old: specs\n   :new: hostile\n")
    assert "ra2:changelog" not in stderr
    assert "&lt;script&gt;alert" in html and "<script>alert" not in html
    assert "Requirements removed (7)" in html and "Requirements added (6)" in html


def test_bad_option_is_a_warning_not_a_crash(tmp_path: Path) -> None:
    src = tmp_path / "docs"
    shutil.copytree(BASIC, src / "specs")
    _, stderr = build(src, ".. ra2:changelog::\n   :old: no-such-thing\n\n.. ra2:changelog::\n")
    assert "index.rst:4: WARNING: ra2:changelog: no-such-thing: no such folder" in stderr
    assert "needs an :old: tree" in stderr
    assert "Traceback" not in stderr
