"""README.md tells what the command line does: its first commands, its synopses and options are --help's."""

from __future__ import annotations

import re

import pytest

from tests.conftest import REPO, run_cli

README = (REPO / "README.md").read_text(encoding="utf-8")
_OPTION = re.compile(r"(?<![\w-])(--[a-z][a-z-]*|-[a-zA-Z])\b")


def _options(text: str) -> set[str]:
    return set(_OPTION.findall(text)) - {"-h", "--help"}


def _usage(*command: str) -> str:
    """The usage lines of `ra2docs COMMAND --help`."""
    proc = run_cli(*command, "--help", check=True)
    return proc.stdout.split("\n\n", 1)[0]


def test_the_first_commands_are_the_two_promised() -> None:
    first_block = re.search(r"```sh\n(.*?)```", README, re.S)
    assert first_block is not None
    commands = [line.split("#", 1)[0].strip() for line in first_block[1].splitlines()]
    assert commands == ["make html", "make test"]


def test_the_check_synopsis_is_that_of_check_help() -> None:
    [synopsis] = re.findall(r"```sh\n(\.venv/bin/ra2docs check .*?)```", README, re.S)
    assert _options(synopsis) == _options(_usage("check"))


def _table_commands() -> list[tuple[list[str], str]]:
    """(command words, the code span) of every `ra2docs ...` span in the first cell of the commands table."""
    found = []
    for row in re.findall(r"^\| (`ra2docs .*?) \|", README, re.M):
        for span in re.findall(r"`(ra2docs [^`]*)`", row):
            words = span.split()
            command = words[1:3] if words[1] == "export" else words[1:2]
            found.append((command, span))
    return found


@pytest.mark.parametrize(("command", "span"), _table_commands(), ids=lambda v: v if isinstance(v, str) else None)
def test_every_option_the_commands_table_shows_is_in_its_help(command: list[str], span: str) -> None:
    help_text = run_cli(*command, "--help", check=True).stdout
    assert _options(span) <= _options(help_text), span
