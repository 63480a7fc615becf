"""The loader names the everyday YAML mistakes in plain words, at the right line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from ra2docs.errors import Severity
from ra2docs.load import load_tree


@pytest.mark.parametrize(("content", "where", "words"), [
    (b"kind: links\nlinks:\n\t- from: a\n", (3, 1), "a tab indents this line; YAML indents with spaces only"),
    (b"kind: links\nlinks: []\n---\nkind: links\n", (3, 1), "a second YAML document starts here ('---')"),
    (b"kind: links\n# caf\xe9\nlinks: []\n", (2, 6), "not UTF-8 text: byte 0xe9 cannot be decoded"),
])
def test_plain_words_at_the_position(tmp_path: Path, content: bytes, where: tuple[int, int], words: str) -> None:
    (tmp_path / "mappings").mkdir()
    (tmp_path / "mappings" / "f.yaml").write_bytes(content)
    [finding] = [f for f in load_tree(tmp_path, display_root=".").findings if f.code != "ra2.no-spec-files"]
    assert (finding.location.line, finding.location.column) == where
    assert words in finding.message
    assert finding.effective_severity is Severity.ERROR


def test_an_empty_file_is_a_warning_not_silence(tmp_path: Path) -> None:
    (tmp_path / "mappings").mkdir()
    (tmp_path / "mappings" / "new.yaml").write_text("# started, nothing yet\n", encoding="utf-8")
    [finding] = [f for f in load_tree(tmp_path, display_root=".").findings if f.code != "ra2.no-spec-files"]
    assert finding.location.file == "mappings/new.yaml" and "the file is empty" in finding.message
    assert finding.effective_severity is Severity.WARNING


def test_an_invalid_id_pattern_is_reported_on_its_line(tmp_path: Path) -> None:
    from ra2docs.project import Project

    (tmp_path / "requirements").mkdir()
    (tmp_path / "requirements" / "spec.yaml").write_text(
        "kind: spec\nid: RM\ntitle: Model\nid_pattern: '^rm\\.(('\n", encoding="utf-8")
    findings = [f for f in Project.load(tmp_path, display_root=".").result.findings if f.code == "ra2.bad-value"]
    assert [(f.location.file, f.location.line) for f in findings] == [("requirements/spec.yaml", 4)]
