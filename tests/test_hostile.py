"""The hostile-input corpus (tests/hostile/cases.txt) against the real command line and a real Sphinx build.

Every case runs in a subprocess under a time limit, so a hang fails the case instead of blocking the run;
none may print a traceback or an "Exception ignored" message. The cases that need a folder that cannot
be listed drop, when the tests run as root, the capabilities that let root read any folder.
Besides the table, the tests below prove what one command line cannot show: two imports at the same
moment, file modes kept, temporary files removed after a kill, reproducible workbooks and HTML.
"""

from __future__ import annotations

import ctypes
import os
import resource
import shutil
import signal
import stat
import subprocess
import sys
import time
import zipfile
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


# ---- what one command line cannot show ------------------------------------------------------------


def _cli(case: Case, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "ra2docs", *args], cwd=case.tree, text=True,
                            env=dict(os.environ, PYTHONPATH=str(REPO), **(env or {})),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _answered(case_dir: Path) -> Case:
    case = _prepare(case_dir, "workbook answers.xlsx")
    return case


def test_two_vendor_names_for_one_file_at_the_same_moment(case_dir: Path) -> None:
    """The issue's lost answers: `ACME` and `Acme!` imported at once. One wins, the other is refused."""
    case = _answered(case_dir)
    procs = [_cli(case, "import", "answers.xlsx", "--vendor", v) for v in ("ACME", "Acme!")]
    results = [(p.wait(TIME_LIMIT), *p.communicate()) for p in procs]
    codes = sorted(code for code, _, _ in results)
    assert codes == [0, 2], results
    refused = next(err for code, _, err in results if code == 2)
    assert "gives the same file name" in refused and "nothing was written" in refused
    stored = [p for p in (case.tree / "responses").iterdir() if p.suffix == ".yaml"]
    assert [p.name for p in stored] == ["acme.yaml"]
    winner = "ACME" if results[0][0] == 0 else "Acme!"
    assert f"vendor: {winner}" in stored[0].read_text(encoding="utf-8").replace("'", "")


def test_the_same_vendor_twice_at_the_same_moment_counts_each_answer_once(case_dir: Path) -> None:
    case = _answered(case_dir)
    procs = [_cli(case, "import", "answers.xlsx", "--vendor", "ACME") for _ in range(2)]
    outs = [(p.wait(TIME_LIMIT), p.communicate()[0]) for p in procs]
    assert [code for code, _ in outs] == [0, 0], outs
    added = sorted(int(out.rsplit(" added", 1)[0].rsplit("(", 1)[1]) for _, out in outs)
    stored = int(outs[0][1].rsplit("stored ", 1)[1].split(" ", 1)[0])
    assert stored > 0 and added == [0, stored], outs  # the second one re-read, under the lock, what the first stored


def test_reimport_keeps_the_file_mode_and_new_files_follow_the_umask(case_dir: Path) -> None:
    case = _answered(case_dir)
    old = os.umask(0o027)
    try:
        assert run_case(case, _command("ra2docs import answers.xlsx --vendor ACME")).returncode == 0
        target = case.tree / "responses" / "acme.yaml"
        assert stat.S_IMODE(target.stat().st_mode) == 0o640
        target.chmod(0o600)
        assert run_case(case, _command("ra2docs import answers.xlsx --vendor ACME --date 2027-01-01")).returncode == 0
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
    finally:
        os.umask(old)


def test_a_killed_export_leaves_no_temporary_file(case_dir: Path) -> None:
    """SIGTERM while the workbook is being written: the target folder and the system temp folder stay clean."""
    tree = case_dir / "big"
    tree.mkdir()
    for sub in ("requirements", "mappings"):
        shutil.copytree(REPO / sub, tree / sub)
    out, tmp = case_dir / "out", case_dir / "tmp"
    out.mkdir()
    tmp.mkdir()
    case = Case(tree)
    for _ in range(3):  # the export must still be running when the signal comes
        proc = _cli(case, "export", "xlsx", "-o", str(out / "rfp.xlsx"), env={"TMPDIR": str(tmp)})
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any(out.iterdir()) and proc.poll() is None:
            time.sleep(0.01)
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(TIME_LIMIT)
        _, err = proc.communicate()
        assert "Traceback" not in err and "Exception ignored" not in err, err
        if code != 0:
            break
    assert code == 128 + signal.SIGTERM or code == -signal.SIGTERM, (code, err)
    assert list(out.iterdir()) == [] and list(tmp.iterdir()) == []


def test_export_xlsx_is_byte_reproducible_with_source_date_epoch(case_dir: Path) -> None:
    case = _prepare(case_dir, "-")
    books = []
    for name in ("a.xlsx", "b.xlsx"):
        dated = Case(case.tree, env={"SOURCE_DATE_EPOCH": "1700000000"})
        run = run_case(dated, _command(f"ra2docs export xlsx -o {name}"))
        assert run.returncode == 0, run.stderr
        books.append((case.tree / name).read_bytes())
        time.sleep(1.1)  # zip dates have a 2 s grain; the clock must move on
    assert books[0] == books[1]
    with zipfile.ZipFile(case.tree / "a.xlsx") as z:
        assert {i.date_time for i in z.infolist()} == {(2023, 11, 14, 0, 0, 0)}
        assert b"2023-11-14T00:00:00Z</dcterms:modified>" in z.read("docProps/core.xml")


def _html(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.suffix in (".html", ".svg", ".css", ".js") and "_sources" not in p.parts}


def test_html_is_the_same_for_any_hash_seed_and_in_parallel(case_dir: Path) -> None:
    case = _prepare(case_dir, "-")
    builds = {}
    for label, seed, jobs in (("seed1", "1", "1"), ("seed2", "2", "1"), ("parallel", "3", "2")):
        env = dict(os.environ, PYTHONPATH=str(REPO), PYTHONHASHSEED=seed)
        proc = subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-q", "-E", "-j", jobs, ".",
                               f"_build/{label}"], cwd=case.tree, env=env, capture_output=True, text=True,
                              timeout=TIME_LIMIT * 3)
        assert proc.returncode == 0, proc.stderr
        builds[label] = _html(case.tree / "_build" / label)
    assert any(k.endswith(".svg") for k in builds["seed1"]), "no diagram was drawn"
    for label in ("seed2", "parallel"):
        differ = sorted(k for k in builds["seed1"].keys() | builds[label].keys()
                        if builds["seed1"].get(k) != builds[label].get(k))
        assert not differ, f"{label} differs from seed1 in {differ}"
