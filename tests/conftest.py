from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
TREES = Path(__file__).resolve().parent / "trees"


def run_cli(*args: str, cwd: Path | str | None = None, check: bool = False) -> subprocess.CompletedProcess[str]:
    """Run the real `ra2docs` command line in a subprocess."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.run([sys.executable, "-m", "ra2docs", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)
    if check and proc.returncode != 0:
        raise AssertionError(f"ra2docs {' '.join(args)} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}")
    return proc


def require_tool(name: str) -> str:
    """The path of an external tool; skip without it, unless CI demands every tool (RA2DOCS_REQUIRE_TOOLS=1)."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("RA2DOCS_REQUIRE_TOOLS") == "1":
            pytest.fail(f"{name} is required (RA2DOCS_REQUIRE_TOOLS=1) but not installed")
        pytest.skip(f"{name} is not installed")
    return path


@pytest.fixture
def sample_tree(tmp_path: Path) -> Path:
    """A writable copy of the clean sample tree."""
    target = tmp_path / "tree"
    shutil.copytree(TREES / "clean", target, ignore=shutil.ignore_patterns("expected.txt"))
    return target
