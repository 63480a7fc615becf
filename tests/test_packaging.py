"""The package builds as `make install` builds it, without a deprecation warning from the build backend.

A real wheel build (pip, build isolation: the setuptools pyproject.toml asks for) of this checkout's package.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import REPO


def test_the_wheel_builds_without_deprecation_and_states_its_license(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, project / name)
    shutil.copytree(REPO / "ra2docs", project / "ra2docs", ignore=shutil.ignore_patterns("__pycache__"))
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "-v", "--no-deps", "-w", str(tmp_path / "out"),
                           str(project)], capture_output=True, text=True, timeout=600)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    # -v shows the backend's warnings; pip's own notices about pip itself ("DEPRECATION: ...") are not the backend's
    backend = [line for line in output.splitlines() if not line.lstrip().startswith("DEPRECATION:")]
    assert not [line for line in backend if "deprecat" in line.lower()], output
    [wheel] = (tmp_path / "out").glob("ra2docs-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        [metadata] = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        headers = archive.read(metadata).decode().split("\n\n", 1)[0].splitlines()
    assert "License-Expression: Apache-2.0" in headers  # PEP 639
    assert not [h for h in headers if h.startswith("Classifier: License ::")]  # forbidden beside an expression
