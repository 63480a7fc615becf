"""`ra2docs init` writes a tree that checks clean and builds with zero warnings; the pre-commit hook runs it.

The hook test is a real `pre-commit run` in a fresh git repository: pre-commit installs ra2docs from a
git repository holding this checkout's package and `.pre-commit-hooks.yaml` into an environment of its own.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ra2docs.commands.init import scaffold_files
from tests.conftest import REPO, run_cli

GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org"}


def test_init_writes_a_tree_that_checks_clean_and_builds_without_warnings(tmp_path: Path) -> None:
    target = tmp_path / "ops"
    proc = run_cli("init", str(target), check=True)
    assert f"wrote a new spec tree in {target}" in proc.stdout
    for rel in ("conf.py", "Makefile", "source/index.rst", "mappings/policy.yaml", "mappings/matrix.yaml",
                "mappings/components.yaml", "requirements/ops-spec.yaml", "requirements/ops-ntw.yaml"):
        assert (target / rel).is_file(), rel
    check = run_cli("check", cwd=target)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "1 spec, 1 requirement, 1 component, 1 matrix, 1 cell" in check.stdout
    assert "0 errors, 0 warnings, 0 infos, 0 waived" in check.stdout
    env = dict(os.environ, PYTHONPATH=str(REPO))
    make = subprocess.run(["make", "html", f"PYTHON={sys.executable}"], cwd=target, env=env, capture_output=True,
                          text=True, timeout=600)
    assert make.returncode == 0, make.stdout + make.stderr  # the Makefile builds with -W: no warning
    assert "WARNING" not in make.stderr
    index = (target / "build" / "html" / "index.html").read_text(encoding="utf-8")
    assert "ops.ntw.001" in index and "Calico" in index
    assert list((target / "build" / "html" / "_images").glob("*.svg")), "the diagram was not drawn"


def _env_without_the_venv() -> dict[str, str]:
    """This environment as a shell where the virtualenv running the tests is not activated."""
    venv_bin = Path(sys.executable).parent
    path = [d for d in os.environ.get("PATH", "").split(os.pathsep) if d and not _same_dir(Path(d), venv_bin)]
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return dict(env, PATH=os.pathsep.join(path))


def _same_dir(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False


def test_init_prints_next_steps_that_work_where_the_venv_is_not_activated(tmp_path: Path) -> None:
    """`.venv/bin/ra2docs init DIR` from a shell whose PATH has no .venv: its printed commands, run as printed,
    check the tree and build the site."""
    script = Path(sys.executable).parent / "ra2docs"
    if not script.is_file():
        pytest.fail("`make install` installs the ra2docs script beside the venv's python")
    env = _env_without_the_venv()
    init = subprocess.run([str(script), "init", "newspec"], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=300)
    assert init.returncode == 0, init.stdout + init.stderr
    steps = [line.split("#", 1)[0].strip() for line in init.stdout.split("next:\n", 1)[1].splitlines()]
    assert steps[0] == "cd newspec" and steps[1].endswith(" check") and steps[2].startswith("make html")
    shell = subprocess.run(["sh", "-c", " && ".join(steps)], cwd=tmp_path, env=env, capture_output=True, text=True,
                           timeout=600)
    assert shell.returncode == 0, (steps, shell.stdout, shell.stderr)
    assert "0 errors, 0 warnings" in shell.stdout
    assert "ops.ntw.001" in (tmp_path / "newspec" / "build" / "html" / "index.html").read_text(encoding="utf-8")
    for name in scaffold_files():  # the committed files name no path of this machine
        assert str(Path(sys.executable).parent.parent) not in (tmp_path / "newspec" / name).read_text()


def test_scaffold_makefile_says_what_to_do_when_its_python_has_no_ra2docs(tmp_path: Path) -> None:
    bare = tmp_path / "bare"  # a Python without ra2docs and Sphinx
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(bare)], check=True, timeout=300)
    tree = tmp_path / "ops"
    run_cli("init", str(tree), check=True)
    for target in ("html", "check"):
        make = subprocess.run(["make", target, f"PYTHON={bare / 'bin' / 'python'}"], cwd=tree,
                              env=_env_without_the_venv(), capture_output=True, text=True, timeout=300)
        assert make.returncode != 0
        assert "cannot import ra2docs and Sphinx" in make.stderr and f"make {target} PYTHON=" in make.stderr
        assert "No module named" not in make.stderr and "Traceback" not in make.stderr
    assert not (tree / "build").exists()
    assert "make html PYTHON=" in (tree / "Makefile").read_text()  # documented where it is read


def test_init_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / "conf.py").write_text("# mine\n")
    proc = run_cli("init", str(tmp_path))
    assert proc.returncode == 2
    assert "conf.py exists already; nothing written" in proc.stderr
    assert (tmp_path / "conf.py").read_text() == "# mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["conf.py"]
    file = tmp_path / "file"
    file.write_text("x")
    assert run_cli("init", str(file)).returncode == 2


def test_init_in_the_current_folder(tmp_path: Path) -> None:
    proc = run_cli("init", cwd=tmp_path, check=True)
    assert "wrote a new spec tree in .: " in proc.stdout
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()) == \
        sorted(str(p) for p in scaffold_files())
    assert oct((tmp_path / "conf.py").stat().st_mode & 0o777) == "0o644"


def _git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, env=dict(os.environ, **GIT_ENV), capture_output=True, text=True,
                          check=True, timeout=120).stdout.strip()


def _hook_repository(path: Path) -> str:
    """A git repository holding this checkout's package and hooks file, as a user's `repo:` would; its rev."""
    path.mkdir()
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy2(REPO / name, path / name)
    shutil.copytree(REPO / "ra2docs", path / "ra2docs", ignore=shutil.ignore_patterns("__pycache__"))
    _git("init", "-q", cwd=path)
    _git("add", "-A", cwd=path)
    _git("commit", "-q", "-m", "hooks", cwd=path)
    return _git("rev-parse", "HEAD", cwd=path)


def test_pre_commit_runs_ra2docs_check(tmp_path: Path) -> None:
    pre_commit = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or shutil.which("pre-commit")
    if pre_commit is None:
        pytest.fail("pre-commit is in the test extras: `make install` installs it")
    rev = _hook_repository(tmp_path / "hooks")
    tree = tmp_path / "tree"
    run_cli("init", str(tree), check=True)
    (tree / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {tmp_path / 'hooks'}\n    rev: {rev}\n    hooks:\n      - id: ra2docs-check\n")
    _git("init", "-q", cwd=tree)
    _git("add", "-A", cwd=tree)
    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"), **GIT_ENV)
    env.pop("PYTHONPATH", None)  # the hook runs the ra2docs pre-commit installed, not this checkout
    run = subprocess.run([pre_commit, "run", "--all-files"], cwd=tree, env=env, capture_output=True, text=True,
                         timeout=900)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "ra2docs check" in run.stdout and "Passed" in run.stdout
    # a typo in a matrix row: the hook fails and shows the finding where it is
    matrix = tree / "mappings" / "matrix.yaml"
    matrix.write_text(matrix.read_text().replace("requirement: ops.ntw.001", "requirement: ops.ntw.01"))
    _git("add", "-A", cwd=tree)
    run = subprocess.run([pre_commit, "run", "--all-files"], cwd=tree, env=env, capture_output=True, text=True,
                         timeout=900)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "Failed" in run.stdout
    assert "mappings/matrix.yaml:" in run.stdout and "ops.ntw.01" in run.stdout


def _readme_yaml_blocks() -> list[object]:
    import re

    import yaml

    text = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = []
    for block in re.findall(r"```yaml\n(.*?)```", text, re.S):
        try:
            blocks.append(yaml.safe_load(block))
        except yaml.YAMLError:
            continue  # a fragment shown for its fields, not a whole document
    return blocks


def test_the_documented_workflow_runs_its_commands(tmp_path: Path) -> None:
    import shlex

    [workflow] = [b for b in _readme_yaml_blocks() if isinstance(b, dict) and "jobs" in b]
    steps = workflow["jobs"]["check"]["steps"]  # type: ignore[index]
    runs = [s["run"] for s in steps if "run" in s and s["run"].startswith("ra2docs ")]
    assert any("--format github" in r for r in runs)
    junit = next(r for r in runs if "--format junit" in r)
    uploads = [s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact")]
    assert uploads and uploads[0]["with"]["path"] in junit
    tree = tmp_path / "tree"
    run_cli("init", str(tree), check=True)
    for command in runs:
        args = shlex.split(command.split("#", 1)[0])[1:]
        proc = run_cli(*args, cwd=tree)
        assert proc.returncode == 0, (command, proc.stdout, proc.stderr)
    assert "<testsuites" in (tree / "findings.xml").read_text(encoding="utf-8")
    [hooks] = [b for b in _readme_yaml_blocks() if isinstance(b, dict) and "repos" in b]
    ids = {h["id"] for r in hooks["repos"] for h in r["hooks"]}  # type: ignore[index]
    import yaml

    assert ids <= {h["id"] for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
