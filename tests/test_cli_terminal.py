"""The command line as people use it: help, "did you mean", pipes, colour, progress and start-up imports.

Terminals are real pseudo-terminals (`pty`), pipes are real pipes: each case runs the real `ra2docs`.
"""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
import threading
from pathlib import Path

import pytest

from ra2docs.cli import COMMAND_MODULES, constants
from tests.conftest import REPO, TREES, run_cli

ESC = "\x1b["


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "RA2DOCS_PROGRESS_DELAY")}
    return dict(env, PYTHONPATH=str(REPO), TERM="xterm", **extra)


def _in_terminal(args: list[str], stream: str, **env: str) -> tuple[int, str, str]:
    """Run ra2docs with `stream` (stdout or stderr) on a 100-column terminal: exit code, terminal, the other."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    chunks: list[bytes] = []

    def pump() -> None:
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=pump)
    reader.start()
    streams = {"stdout": slave, "stderr": subprocess.PIPE} if stream == "stdout" else \
        {"stdout": subprocess.PIPE, "stderr": slave}
    proc = subprocess.Popen([sys.executable, "-m", "ra2docs", *args], env=_env(**env), **streams)
    other = (proc.stderr if stream == "stdout" else proc.stdout)
    assert other is not None
    piped = other.read().decode()
    proc.wait(timeout=300)
    os.close(slave)
    reader.join(timeout=10)
    os.close(master)
    return proc.returncode, b"".join(chunks).decode(errors="replace"), piped


def test_ra2docs_alone_prints_the_help() -> None:
    proc = run_cli()
    assert proc.returncode == 0 and proc.stderr == ""
    assert proc.stdout.startswith("usage: ra2docs") and "check" in proc.stdout and "exit codes:" in proc.stdout
    export = run_cli("export")
    assert export.returncode == 0 and "xlsx" in export.stdout and "needs-json" in export.stdout


@pytest.mark.parametrize(("args", "suggestion"), [
    (["chek"], "did you mean 'check'?"),
    (["export", "jsno"], "did you mean 'json'?"),
    (["check", "--format", "juint"], "did you mean 'junit'?"),
    (["check", "--fial-on", "warning"], "--fial-on: did you mean --fail-on?"),
    (["--verison"], "--verison: did you mean --version?"),  # a top-level option, no command after it
    (["--verison", "check"], "--verison: did you mean --version?"),
])
def test_a_typo_gets_did_you_mean(args: list[str], suggestion: str) -> None:
    proc = run_cli(*args, cwd=TREES / "clean")
    assert proc.returncode == 2
    assert suggestion in proc.stderr
    assert "Traceback" not in proc.stderr


def test_nothing_close_gets_no_guess() -> None:
    proc = run_cli("zzzz")
    assert proc.returncode == 2 and "did you mean" not in proc.stderr and "invalid choice: 'zzzz'" in proc.stderr


@pytest.mark.parametrize("args", [["codes"], ["export", "json", str(REPO)], ["--help"]])
def test_a_reader_that_stops_early_ends_quietly(args: list[str]) -> None:
    """`ra2docs codes | head -1`: the reader leaves, ra2docs stops with no Broken pipe message."""
    proc = subprocess.Popen([sys.executable, "-m", "ra2docs", *args], env=_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline()
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=300) == 0
    assert stderr == ""


def test_severities_in_colour_in_a_terminal_only() -> None:
    code, terminal, _ = _in_terminal(["check", str(TREES / "uncovered")], "stdout")
    assert code == 1
    assert f"{ESC}1;31merror{ESC}0m" in terminal
    piped = run_cli("check", str(TREES / "uncovered"))
    assert "error" in piped.stdout and ESC not in piped.stdout


def test_no_color_and_force_color() -> None:
    _, terminal, _ = _in_terminal(["check", str(TREES / "uncovered")], "stdout", NO_COLOR="1")
    assert "error" in terminal and ESC not in terminal
    forced = subprocess.run([sys.executable, "-m", "ra2docs", "check", str(TREES / "uncovered")],
                            env=_env(FORCE_COLOR="1"), capture_output=True, text=True, timeout=300)
    assert f"{ESC}1;31merror{ESC}0m" in forced.stdout
    both = subprocess.run([sys.executable, "-m", "ra2docs", "check", str(TREES / "uncovered")],
                          env=_env(FORCE_COLOR="1", NO_COLOR="1"), capture_output=True, text=True, timeout=300)
    assert ESC not in both.stdout
    machine = subprocess.run([sys.executable, "-m", "ra2docs", "check", "--format", "json", str(TREES / "uncovered")],
                             env=_env(FORCE_COLOR="1"), capture_output=True, text=True, timeout=300)
    assert ESC not in machine.stdout


def test_progress_bar_on_a_terminal_for_people_only() -> None:
    tree = str(TREES / "clean")
    code, terminal, stdout = _in_terminal(["check", tree], "stderr", RA2DOCS_PROGRESS_DELAY="0")
    assert code == 0 and "checked 8 files" in stdout
    assert "loading" in terminal or "checking" in terminal
    assert "file/s" in terminal and ESC not in stdout
    for fmt in ("json", "junit", "github"):
        _, terminal, _ = _in_terminal(["check", "--format", fmt, tree], "stderr", RA2DOCS_PROGRESS_DELAY="0")
        assert terminal == "", fmt
    piped = subprocess.run([sys.executable, "-m", "ra2docs", "check", tree], env=_env(RA2DOCS_PROGRESS_DELAY="0"),
                           capture_output=True, text=True, timeout=300)
    assert piped.stderr == ""
    # the default waits 2 s before drawing: a quick check shows no bar
    _, terminal, _ = _in_terminal(["check", tree], "stderr")
    assert terminal == ""


def test_export_xlsx_shows_its_rows_being_written_on_a_terminal_only(tmp_path: Path) -> None:
    tree = str(TREES / "clean")
    out = tmp_path / "rfp.xlsx"
    code, terminal, stdout = _in_terminal(["export", "xlsx", tree, "-o", str(out)], "stderr",
                                          RA2DOCS_PROGRESS_DELAY="0")
    assert code == 0 and out.stat().st_size > 0 and "wrote" in stdout
    assert "writing" in terminal and "row/s" in terminal and ESC not in stdout
    piped = subprocess.run([sys.executable, "-m", "ra2docs", "export", "xlsx", tree, "-o", str(out), "--force"],
                           env=_env(RA2DOCS_PROGRESS_DELAY="0"), capture_output=True, text=True, timeout=300)
    assert piped.returncode == 0 and "writing" not in piped.stderr and "\r" not in piped.stderr


def _subcommand_paths() -> list[str]:
    paths = list(COMMAND_MODULES)
    for path in COMMAND_MODULES:
        paths += constants(path).get("SUBCOMMANDS", ())
    return paths


@pytest.mark.parametrize("path", _subcommand_paths())
def test_help_texts_are_read_without_importing_the_command(path: str) -> None:
    import importlib

    read = constants(path)
    assert "__file__" not in read, f"{path}: NAME/HELP are not literals, so `ra2docs --help` imports it"
    module = importlib.import_module(path)
    assert read["HELP"] == module.HELP
    assert read.get("NAME") == getattr(module, "NAME", None) and read.get("FORMAT") == getattr(module, "FORMAT", None)
    assert read.get("SUBCOMMANDS") == getattr(module, "SUBCOMMANDS", None)


_IMPORTED = """
import sys
from ra2docs.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
heavy = ("ra2docs.", "networkx", "yaml", "sphinx", "openpyxl", "jinja2", "typing")
print("imported:", *sorted(m for m in sys.modules if m.startswith(heavy) and m != "ra2docs.cli"), file=sys.stderr)
"""


@pytest.mark.parametrize("args", [["--version"], ["--help"], [], ["export", "--help"]])
def test_help_and_version_import_no_command(args: list[str], tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-c", _IMPORTED, *args], env=_env(), capture_output=True, text=True,
                          timeout=60, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    [line] = [x for x in proc.stderr.splitlines() if x.startswith("imported:")]
    assert set(line.split()[1:]) <= {"ra2docs.commands", "ra2docs.exports"}, line  # two docstring-only packages
