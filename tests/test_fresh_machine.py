"""The shipped site builds where no Graphviz is installed, and draws the same diagram bytes every time.

Each build runs `sphinx-build` in a subprocess whose PATH holds no `dot`: the diagrams must come from the
`graphviz-pure` program pip installed with ra2docs, as on a machine with nothing but Python.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ra2docs.sphinx import dot

REPO = Path(__file__).resolve().parent.parent


def _path_without_dot() -> str:
    return os.pathsep.join(d for d in os.environ.get("PATH", "").split(os.pathsep)
                           if d and not (Path(d) / "dot").exists())


def _build_site(out: Path, hash_seed: str, root: Path = REPO) -> subprocess.CompletedProcess[str]:
    path = _path_without_dot()
    assert shutil.which("dot", path=path) is None
    env = dict(os.environ, PATH=path, PYTHONHASHSEED=hash_seed, PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
                           "-c", str(root), str(root / "source"), str(out)],
                          env=env, capture_output=True, text=True, timeout=600)


def _svgs(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((out / "_images").glob("*.svg"))}


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("fresh")
    # the second build is of a copy elsewhere, under another hash seed: file names and bytes must not move
    copy = base / "copy"
    for name in ("conf.py", "source", "requirements", "mappings"):
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            copy.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, copy / name)
    outs = (base / "one", base / "two")
    for out, seed, root in zip(outs, ("1", "4242"), (REPO, copy), strict=True):
        proc = _build_site(out, seed, root)
        assert proc.returncode == 0, f"sphinx-build failed without dot:\n{proc.stdout}\n{proc.stderr}"
        assert proc.stderr == "", proc.stderr  # -q: any output on stderr is a warning
    return outs


def test_bundled_renderer_is_installed() -> None:
    program = dot.bundled_program()
    assert program is not None, "graphviz-pure is a dependency of ra2docs: `make install` installs it"
    proc = subprocess.run([str(program), "-Tsvg"], input="digraph { a -> b }", capture_output=True, text=True,
                          timeout=60, check=True)
    assert "graphviz-pure" in proc.stdout and "<svg" in proc.stdout


def test_site_draws_its_diagram_without_a_system_graphviz(sites: tuple[Path, Path]) -> None:
    one, _ = sites
    svgs = _svgs(one)
    assert svgs, "no diagram rendered"
    page = (one / "ra2" / "networking.html").read_text(encoding="utf-8")
    svg = b"".join(s for n, s in svgs.items() if n in page)  # the chapter's diagram and one requirement's
    assert b"ra2.ntw.008" in svg and b"networking.html#ra2-req-ra2-ntw-008" in svg
    assert b'font-family="Verdana"' in svg


def test_diagrams_are_the_same_bytes_in_another_checkout_and_hash_seed(sites: tuple[Path, Path]) -> None:
    one, two = sites
    assert _svgs(one) == _svgs(two)
    page = "ra2/networking.html"
    assert (one / page).read_bytes() == (two / page).read_bytes()


_DOT_CODES = """
import hashlib, pathlib, sys
from ra2docs.sphinx.data import load
from ra2docs.sphinx.diagram import dot_code
from ra2docs.sphinx.diagram_scope import kind_scope, kinds, requirement_scope
loaded = load(pathlib.Path(sys.argv[1]), ".")
digest = hashlib.sha256()
for req_id in sorted(loaded.project.graph.requirements):
    digest.update(dot_code(loaded, requirement_scope(loaded, req_id, 2, True), {}).encode())
for kind in kinds(loaded):
    digest.update(dot_code(loaded, kind_scope(loaded, kind), {}).encode())
print(len(loaded.project.graph.requirements), digest.hexdigest())
"""


def test_diagram_code_does_not_follow_the_hash_seed() -> None:
    outputs = set()
    for seed in ("1", "977"):
        proc = subprocess.run([sys.executable, "-c", _DOT_CODES, str(REPO)], capture_output=True, text=True,
                              env=dict(os.environ, PYTHONHASHSEED=seed, PYTHONPATH=str(REPO)), timeout=300,
                              check=True)
        outputs.add(proc.stdout)
    [output] = outputs
    assert int(output.split()[0]) > 100


def test_a_system_graphviz_only_when_configured(tmp_path: Path) -> None:
    """`graphviz_dot = "dot"` (here as -D) names the system Graphviz: without one, the build says so."""
    root = REPO / "tests" / "roots" / "sample"
    args = [sys.executable, "-m", "sphinx", "-q", "-b", "html", "-D", "graphviz_dot=dot", "-D", "html_theme=basic",
            str(root), str(tmp_path / "out")]
    env = dict(os.environ, PATH=_path_without_dot(), PYTHONPATH=str(REPO))
    proc = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)
    assert "dot command 'dot' cannot be run" in proc.stderr
    assert not list((tmp_path / "out" / "_images").glob("*.svg"))
    system_dot = shutil.which("dot")
    if system_dot is not None:
        proc = subprocess.run([*args[:-1], str(tmp_path / "system")], env=dict(env, PATH=os.environ["PATH"]),
                              capture_output=True, text=True, timeout=300, check=True)
        [svg] = list((tmp_path / "system" / "_images").glob("*.svg"))
        assert "req.inf.ntw.01" in svg.read_text()
