"""`ra2docs diff` between two revisions of a sample tree, in a real temporary git repository."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from ra2docs.diff import diff_trees, render_text
from tests.conftest import run_cli
from tests.exchange import BASIC, HOSTILE, load


def edit(path: Path, *pairs: tuple[str, str], append: str = "") -> None:
    text = path.read_text(encoding="utf-8")
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new)
    path.write_text(text + append, encoding="utf-8")


def make_release_two(tree: Path) -> None:
    """Rename, reword, remove and add requirements; drop links; change, add cells (one gains coverage)."""
    edit(tree / "requirements" / "ra2.yaml",
         ("ra2.ntw.002", "ra2.ntw.009"),
         ("A CNI conformant plugin connects pods.", "A CNI plugin connects all pods."),
         ("    depends: [ra2.ntw.001]\n", ""),
         append="  - id: ra2.ntw.003\n    title: Network policies\n    traces: [req.inf.ntw.01]\n")
    edit(tree / "mappings" / "networking.matrix.yaml", ("{calico: no, multus: yes}", "{calico: partial, multus: yes}"))
    edit(tree / "mappings" / "storage.matrix.yaml", ("{ceph-csi: yes}", "{ceph-csi: no}"),
         append="  - requirement: ra2.ntw.001\n    cells: {ceph-csi: yes}\n")
    link = "  - {from: ra2.stg.001, to: req.gen.rsl.01, type: traces, note: stated apart}\n"
    edit(tree / "mappings" / "links.yaml", (link, ""))
    edit(tree / "requirements" / "rm.yaml", ("  - id: req.gen.rsl.01\n    title: Resilience of the control plane\n"
                                             "    description: The control plane survives the loss of one node.\n",
                                             ""))


def git(repo: Path, *args: str) -> str:
    proc = subprocess.run(["git", "-c", "user.email=t@example.org", "-c", "user.name=t", *args], cwd=repo,
                          capture_output=True, text=True, check=True)
    return proc.stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path / "repo"
    shutil.copytree(BASIC, root / "specs")
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "release one")
    git(root, "tag", "v1")
    make_release_two(root / "specs")
    git(root, "commit", "-qam", "release two")
    return root


def check_release_diff(doc: dict) -> None:
    assert [a["id"] for a in doc["added"]] == ["ra2.ntw.003"]
    assert [r["id"] for r in doc["removed"]] == ["req.gen.rsl.01"]
    assert doc["renamed"] == [{"old": "ra2.ntw.002", "new": "ra2.ntw.009"}]
    changed = {c["id"]: [f["field"] for f in c["fields"]] for c in doc["changed"]}
    assert changed == {"ra2.ntw.001": ["description"], "ra2.stg.001": ["depends"]}
    assert {"from": "ra2.ntw.003", "to": "req.inf.ntw.01", "type": "traces"} in doc["links_gained"]
    lost = {(lk["from"], lk["to"], lk["type"]) for lk in doc["links_lost"]}
    assert lost == {("ra2.stg.001", "ra2.ntw.001", "depends"), ("ra2.stg.001", "req.gen.rsl.01", "traces")}
    assert doc["coverage_lost"] == [{"requirement": "ra2.stg.001", "rule": "ra2-supported", "profile": ""}]
    assert doc["coverage_gained"] == [{"requirement": "ra2.ntw.001", "rule": "ra2-supported", "profile": ""}]
    cells = {(c["matrix"], c["row"], c["column"]): (c["old_level"], c["new_level"]) for c in doc["cells_changed"]}
    assert cells == {("networking", "req.inf.ntw.02", "calico"): ("no", "partial"),
                     ("storage", "ra2.stg.001", "ceph-csi"): ("yes", "no"),
                     ("storage", "ra2.ntw.001", "ceph-csi"): ("", "yes")}


def test_two_git_revisions(repo: Path) -> None:
    head = git(repo, "rev-parse", "HEAD")
    status = git(repo, "status", "--porcelain")
    proc = run_cli("diff", "HEAD~1", "HEAD", "--format", "json", cwd=repo / "specs", check=True)
    check_release_diff(json.loads(proc.stdout))
    proc = run_cli("diff", "v1:specs", "HEAD:specs", "--format", "json", cwd=repo, check=True)
    check_release_diff(json.loads(proc.stdout))
    assert git(repo, "rev-parse", "HEAD") == head and git(repo, "status", "--porcelain") == status


def test_revision_against_working_folder_text(repo: Path) -> None:
    proc = run_cli("diff", "v1", cwd=repo / "specs")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "~ ra2.ntw.002 -> ra2.ntw.009" in out
    assert "+ ra2.ntw.003  Network policies" in out
    assert "networking: req.inf.ntw.02 / calico: no -> partial" in out
    assert "description: 'A CNI conformant plugin connects pods.' -> 'A CNI plugin connects all pods.'" in out
    assert out.rstrip().endswith("coverage gained: 1, coverage lost: 1, cells changed: 3")


def test_folders_exit_code_and_no_change(tmp_path: Path) -> None:
    new = tmp_path / "new"
    shutil.copytree(BASIC, new)
    proc = run_cli("diff", str(BASIC), str(new), "--exit-code")
    assert proc.returncode == 0 and "no changes" in proc.stdout
    make_release_two(new)
    assert run_cli("diff", str(BASIC), str(new), "--exit-code").returncode == 1
    out = tmp_path / "d.json"
    run_cli("diff", str(BASIC), str(new), "--format", "json", "-o", str(out), check=True)
    check_release_diff(json.loads(out.read_text(encoding="utf-8")))


def test_bad_sides(repo: Path, tmp_path: Path) -> None:
    for args, message in ((("nope",), "neither a folder nor a git revision"),
                          (("HEAD:missing", "specs"), "git archive failed"),
                          (("HEAD~1",), "no spec tree")):
        proc = run_cli("diff", *args, cwd=repo)
        assert proc.returncode == 2 and message in proc.stderr, proc.stderr
        assert "Traceback" not in proc.stderr
    proc = run_cli("diff", "HEAD", cwd=tmp_path)
    assert proc.returncode == 2 and "no such folder" in proc.stderr


def test_hostile_tree_against_itself_and_coverage_gain() -> None:
    tree = load(HOSTILE).tree
    assert diff_trees(tree, tree).empty
    old, new = load(BASIC), load(BASIC)
    result = diff_trees(new.tree, old.tree)
    assert result.empty and "no changes" in render_text(result)


def test_an_id_that_names_another_requirement_is_reported(tmp_path: Path) -> None:
    """The same ID reused for something else (RA1's and RA2's gen.cnt.02 are such a pair) is called out."""
    new = tmp_path / "new"
    shutil.copytree(BASIC, new)
    edit(new / "requirements" / "ra2.yaml",
         ("    title: CSI driver for volumes\n    description: Storage is provided through a CSI driver.\n",
          "    title: Immutable infrastructure\n    description: Nodes are replaced, never changed in place.\n"),
         ("    title: CNI plugin for pod networking\n", "    title: CNI plugins for pod networking\n"))
    d = diff_trees(load(BASIC).tree, load(new).tree)
    assert d.meaning_changed == [("ra2.stg.001", "CSI driver for volumes", "Immutable infrastructure")]
    assert "ra2.ntw.001" in d.changed and all(i != "ra2.ntw.001" for i, _, _ in d.meaning_changed)  # reworded only
    assert "IDs whose meaning changed" in render_text(d) and "meaning changed: 1" in render_text(d)
