"""The hostile-input corpus (tests/hostile/cases.txt) against the real command line and a real Sphinx build.

Every case runs in a subprocess under a time limit, so a hang fails the case instead of blocking the run;
none may print a traceback or an "Exception ignored" message. The cases that need a folder that cannot
be listed drop, when the tests run as root, the capabilities that let root read any folder.
Besides the table, the tests below prove what one command line cannot show: two imports at the same
moment, file modes kept, temporary files removed after a kill, reproducible workbooks.
"""

from __future__ import annotations

import ctypes
import os
import resource
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.hostile.setups import SAMPLE, STEPS, Case, decode

CASES_FILE = Path(__file__).resolve().parent / "hostile" / "cases.txt"
TIME_LIMIT = 90  # seconds per case: far above what any case needs, far below a hang
PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 24, 1, 2


def cases() -> list[tuple[str, str, str, int, str]]:
    out = []
    for number, text in enumerate(CASES_FILE.read_text(encoding="utf-8").splitlines(), 1):
        if not text.strip() or text.startswith("#"):
            continue
        parts = [p.strip() for p in text.split(" | ")]
        assert len(parts) == 5, f"{CASES_FILE.name}:{number}: expected 5 columns separated by ' | '"
        name, setup, command, code, expect = parts
        out.append((name, setup, command, int(code), expect))
    return out


@pytest.fixture
def case_dir(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path
    for folder, dirs, _ in os.walk(tmp_path):  # locked folders opened again, so they can be removed
        for d in dirs:
            os.chmod(os.path.join(folder, d), 0o755)


def _prepare(case_dir: Path, setup: str) -> Case:
    tree = case_dir / "tree"
    shutil.copytree(SAMPLE, tree)
    case = Case(tree)
    if setup != "-":
        for text in setup.split(" ; "):
            name, *words = text.split(" ")
            STEPS[name](case, *words)
    return case


def _command(command: str) -> list[str]:
    if command == "sphinx":
        return [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-W", "--keep-going", "-E", ".", "_build/html"]
    words = command.split(" ")
    assert words[0] == "ra2docs", command
    return [sys.executable, "-m", "ra2docs", *words[1:]]


def run_case(case: Case, argv: list[str]) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO), PYTHONDONTWRITEBYTECODE="1", **case.env)

    def limits() -> None:
        if case.file_size_limit is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (case.file_size_limit, case.file_size_limit))
        if case.unprivileged and os.geteuid() == 0:  # root without the capabilities that bypass file modes
            libc = ctypes.CDLL(None, use_errno=True)
            for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
                if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
                    raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")

    try:
        return subprocess.run(argv, cwd=case.tree, env=env, capture_output=True, text=True, timeout=TIME_LIMIT,
                              preexec_fn=limits)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{' '.join(argv)} did not end within {TIME_LIMIT} s (a hang)")


@pytest.mark.parametrize(("name", "setup", "command", "code", "expect"), cases(), ids=lambda v: v if isinstance(
    v, str) and " " not in v and "|" not in v else None)
def test_hostile_case(case_dir: Path, name: str, setup: str, command: str, code: int, expect: str) -> None:
    case = _prepare(case_dir, setup)
    proc = run_case(case, _command(command))
    out = proc.stdout + proc.stderr
    assert "Traceback" not in out and "Exception ignored" not in out, out
    assert proc.returncode == code, f"{name}: exit {proc.returncode}, expected {code}:\n{out}"
    for fragment in expect.split(" && "):
        wanted = decode(fragment)
        if wanted.startswith("!"):
            assert wanted[1:] not in out, f"{name}: {wanted[1:]!r} must not appear:\n{out}"
        else:
            assert wanted in out, f"{name}: {wanted!r} not found:\n{out}"


def test_the_table_names_are_unique() -> None:
    names = [c[0] for c in cases()]
    assert len(names) == len(set(names)) and len(names) >= 40
