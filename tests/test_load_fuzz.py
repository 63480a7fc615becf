"""Property-based tests: whatever the bytes, the loader returns findings with positions, never raises."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ra2docs.load import read_file
from ra2docs.schema import KINDS

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

YAML_PIECES = st.sampled_from([
    "kind: requirements\n", "kind: matrix\n", "kind: spec\n", "spec: RM\n", "requirements:\n", "  - id: x\n",
    "    title: t\n", "    traces: [a, b\n", "  - {id: y, title: z}\n", "rows:\n", "  - requirement: r\n",
    "    cells: {a: b, a: c}\n", "\t", ":", "- ", "[", "]", "{", "}", "&a ", "*a ", "!!python/object:os.system ",
    "'", '"', "|\n", ">\n", "---\n", "...\n", "%YAML 1.1\n", "? ", "# c\n", "\x00", "\ufeff", "é", "  ", "\n",
    "id: req.inf ntw.01\n", "level: shall\n", "profiles: {basic: must}\n", "expires: 2020-13-45\n",
])


def _check(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "sample.yaml"
    path.write_bytes(data)
    findings: list = []
    result = read_file(path, "sample.yaml", findings)
    for f in findings:
        assert f.location.file == "sample.yaml"
        assert f.message
        if f.code not in ("ra2.file-unreadable",):
            assert f.location.line >= 1, f
    if result is None:  # nothing loaded is always said, even for a blank file
        assert findings


@SETTINGS
@given(st.binary(max_size=400))
def test_random_bytes_never_raise(tmp_path: Path, data: bytes) -> None:
    _check(tmp_path, data)


@SETTINGS
@given(st.lists(YAML_PIECES, max_size=40).map("".join))
def test_yaml_like_text_never_raises(tmp_path: Path, text: str) -> None:
    _check(tmp_path, text.encode("utf-8", "surrogatepass"))


SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20),
                    st.dates())
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                      max_leaves=12)


@SETTINGS
@given(st.sampled_from(sorted(KINDS)), st.dictionaries(st.sampled_from(
    ["id", "title", "spec", "requirements", "rows", "columns", "levels", "components", "links", "waivers",
     "answers", "vendor", "vocabulary", "id_pattern", "rules", "stacks", "bogus"]), VALUES, max_size=6))
def test_wrongly_typed_documents_give_located_findings(tmp_path: Path, kind: str, doc: dict) -> None:
    text = yaml.safe_dump({"kind": kind, **doc}, allow_unicode=True)
    _check(tmp_path, text.encode("utf-8"))


def test_python_tags_are_never_executed(tmp_path: Path) -> None:
    path = tmp_path / "evil.yaml"
    marker = tmp_path / "pwned"
    path.write_text(f"kind: links\nlinks: !!python/object/apply:os.system ['touch {marker}']\n")
    findings: list = []
    read_file(path, "evil.yaml", findings)
    assert not marker.exists()
    assert [f.code for f in findings] == ["ra2.wrong-type"]


def test_alias_bomb_is_cheap(tmp_path: Path) -> None:
    lines = ["kind: links", "a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join(f'*a{i - 1}' for _ in range(9))}]" for i in range(1, 9)]
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n")
    findings: list = []
    assert read_file(path, "bomb.yaml", findings) is None
    assert {f.code for f in findings} == {"ra2.unknown-field", "ra2.missing-field"}
