"""`ra2docs import-needs`: needs.json files (ours and ones sphinx-needs wrote itself) back to YAML."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ra2docs.load import load_files
from ra2docs.project import Project
from tests.conftest import run_cli
from tests.exchange import BASIC, HOSTILE, REPO, load, tree_params


def spec_only_tree(source: Path, target: Path) -> Path:
    """A tree with the spec files of `source` and nothing else."""
    (target / "requirements").mkdir(parents=True)
    for spec in load(source).tree.specs:
        (target / spec.location.file).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source / spec.location.file, target / spec.location.file)
    return target


def exported(root: Path, tmp_path: Path) -> Path:
    out = tmp_path / "needs.json"
    run_cli("export", "needs-json", str(root), "-o", str(out), check=True)
    return out


@pytest.mark.parametrize("root", tree_params())
def test_round_trip_through_needs_json(root: Path, tmp_path: Path) -> None:
    needs = exported(root, tmp_path)
    original = load(root).tree
    target = spec_only_tree(root, tmp_path / "target")
    # the links as the graph resolved them (keys: `RM:x` where another spec defines x too), either end stating
    links: dict[tuple[str, str], set[str]] = {}
    for lk in Project.load(root).graph.links:
        if lk.target_id in original.requirement_index():
            links.setdefault((lk.source_id, lk.type), set()).add(lk.target_id)
    # An ID that breaks its spec's pattern (the shipped tree keeps upstream's `infra.hw.pci.cfg. 001`)
    # cannot be written back as valid YAML: the import must name it, not drop it silently.
    patterns = {spec.id: re.compile(spec.id_pattern) for spec in original.specs}
    malformed = {rid for rid, req in original.requirement_index().items() if not patterns[req.spec].match(rid)}
    for spec in original.specs:
        proc = run_cli("import-needs", str(needs), str(target), "--spec", spec.id)
        assert proc.returncode == 0, proc.stderr
        for rid in malformed:
            if original.requirement_index()[rid].spec == spec.id:
                assert f"ID {rid!r} does not match the spec's id_pattern" in proc.stderr
    result = load(target)
    assert [f for f in result.loaded.findings] == []  # the loader takes the files as they are
    got = result.tree.requirement_index()
    registered = {rid for rid, req in original.requirement_index().items() if req.registered}  # no text to export
    assert set(got) == set(original.requirement_index()) - malformed - registered
    for rid, req in original.requirement_index().items():
        if rid in malformed or rid in registered:
            continue
        new = got[rid]
        assert (new.spec, new.title, new.level, new.status, new.tags, new.section, new.category) == (
            req.spec, req.title, req.level, req.status, req.tags, req.section, req.category)
        assert [line.rstrip() for line in new.description.strip("\n").splitlines()] == \
            [line.rstrip() for line in req.description.strip("\n").splitlines()]
        assert new.profiles == req.profiles
        for link_type in ("traces", "refines", "depends"):
            assert set(getattr(new, link_type)) == links.get((rid, link_type), set()), (rid, link_type)


def test_never_overwrites_silently(tmp_path: Path) -> None:
    needs = exported(BASIC, tmp_path)
    target = spec_only_tree(BASIC, tmp_path / "target")
    out = target / "requirements" / "ra2-imported.yaml"
    first = run_cli("import-needs", str(needs), str(target), "--spec", "RA2")
    assert first.returncode == 0 and "wrote 3 requirements of RA2" in first.stderr
    assert "belongs to spec 'RM'" in first.stderr  # the RM needs are reported, not silently dropped
    again = run_cli("import-needs", str(needs), str(target), "--spec", "RA2")
    assert again.returncode == 0 and "up to date" in again.stderr
    out.write_text(out.read_text(encoding="utf-8") + "# my edit\n", encoding="utf-8")
    edited = out.read_bytes()
    refused = run_cli("import-needs", str(needs), str(target), "--spec", "RA2")
    assert refused.returncode == 2 and "content differs" in refused.stderr and "--force" in refused.stderr
    assert out.read_bytes() == edited
    forced = run_cli("import-needs", str(needs), str(target), "--spec", "RA2", "--force")
    assert forced.returncode == 0 and "replacing" in forced.stderr
    assert b"# my edit" not in out.read_bytes()
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")]  # no temporary files left


def test_ids_already_in_the_tree_are_reported(tmp_path: Path) -> None:
    needs = exported(BASIC, tmp_path)
    target = tmp_path / "tree"
    shutil.copytree(BASIC, target)
    out = tmp_path / "elsewhere.yaml"
    proc = run_cli("import-needs", str(needs), str(target), "--spec", "RA2", "-o", str(out))
    assert proc.returncode == 1  # nothing to import: nothing is written
    assert "ID 'ra2.ntw.001' is already defined in the tree" in proc.stderr
    assert "nothing to import into RA2" in proc.stderr and not out.exists()


def test_bad_inputs(tmp_path: Path) -> None:
    target = spec_only_tree(BASIC, tmp_path / "target")
    broken = tmp_path / "broken.json"
    broken.write_text('{"versions": {', encoding="utf-8")
    cases = [((str(broken), str(target), "--spec", "RA2"), "not valid JSON"),
             ((str(tmp_path / "missing.json"), str(target), "--spec", "RA2"), "cannot read"),
             ((str(exported(BASIC, tmp_path)), str(target), "--spec", "NOPE"), "no spec 'NOPE'"),
             ((str(exported(BASIC, tmp_path)), str(target), "--spec", "RA2", "--needs-version", "9"),
              "no version '9'")]
    for args, message in cases:
        proc = run_cli("import-needs", *args)
        assert proc.returncode == 2 and message in proc.stderr, proc.stderr
        assert "Traceback" not in proc.stderr


NATIVE = """\
Native
======

.. req:: Encrypt traffic between nodes
   :id: REQ_001
   :status: open
   :tags: security, network

   All traffic between nodes **must** be encrypted.

.. req:: Rotate keys
   :id: REQ_002
   :links: REQ_001
   :traces: REQ_001
   :owner: ops team

   Keys rotate every 90 days.

.. spec:: Implementation detail
   :id: SPEC_001
"""


def test_a_needs_json_written_by_sphinx_needs_itself(tmp_path: Path) -> None:
    src = tmp_path / "native"
    src.mkdir()
    (src / "conf.py").write_text(
        'extensions = ["sphinx_needs"]\nproject = "native"\nversion = "2.0"\nneeds_build_json = True\n'
        'needs_links = {"traces": {"outgoing": "traces", "incoming": "traced by"}}\n'
        'needs_fields = {"owner": {"description": "who", "nullable": True}}\n', encoding="utf-8")
    (src / "index.rst").write_text(NATIVE, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.run([sys.executable, "-m", "sphinx", "-q", "-b", "html", str(src), str(src / "_build")],
                          env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    target = tmp_path / "tree"
    (target / "requirements").mkdir(parents=True)
    (target / "requirements" / "spec.yaml").write_text(
        "kind: spec\nid: SEC\ntitle: Security\nid_pattern: '^REQ_\\d{3}$'\n", encoding="utf-8")
    out = target / "requirements" / "sec.yaml"
    proc = run_cli("import-needs", str(src / "_build" / "needs.json"), str(target), "--spec", "SEC", "--type",
                   "req", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "skipped need SPEC_001: type 'spec' is not imported" in proc.stderr
    assert "not mapped: link type 'links' (1 link)" in proc.stderr
    assert "not mapped: field 'owner' (set on 1 need)" in proc.stderr
    loaded = load_files([out])
    assert loaded.findings == []
    reqs = {r.id: r for r in loaded.tree.requirements}
    assert reqs["REQ_001"].title == "Encrypt traffic between nodes"
    assert reqs["REQ_001"].tags == ("security", "network") and reqs["REQ_001"].status == "open"
    assert reqs["REQ_001"].description == "All traffic between nodes **must** be encrypted."
    assert reqs["REQ_002"].traces == ("REQ_001",)


def test_hostile_file_written_is_valid_yaml(tmp_path: Path) -> None:
    needs = exported(HOSTILE, tmp_path)
    target = spec_only_tree(HOSTILE, tmp_path / "target")
    run_cli("import-needs", str(needs), str(target), "--spec", "H", check=True)
    out = target / "requirements" / "h-imported.yaml"
    assert load_files([out]).findings == []
    assert "R&D<2>\"quoted\"" in {r.id for r in load_files([out]).tree.requirements}
