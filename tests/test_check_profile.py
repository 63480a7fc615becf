"""`ra2docs check --profile`: where the time goes, per stage, on stderr, without touching the report."""

from __future__ import annotations

import json
import re

from tests.conftest import TREES, run_cli

STAGES = ("load", "graph", "checks", "report")
PROFILE = re.compile(r"^profile \(CPU seconds\): (.+)$", re.MULTILINE)


def test_profile_names_every_stage_on_stderr() -> None:
    proc = run_cli("check", "--profile", str(TREES / "uncovered"))
    assert proc.returncode == 1, proc.stderr
    match = PROFILE.search(proc.stderr)
    assert match, proc.stderr
    parts = dict(re.findall(r"(\w+) (\d+\.\d\d) \(\d+%\)", match.group(1)))
    assert tuple(parts) == STAGES
    assert all(float(seconds) >= 0 for seconds in parts.values())
    assert not PROFILE.search(proc.stdout)


def test_profile_leaves_machine_output_parseable() -> None:
    plain = run_cli("check", "--format", "json", str(TREES / "uncovered"))
    profiled = run_cli("check", "--format", "json", "--profile", str(TREES / "uncovered"))
    assert json.loads(profiled.stdout) == json.loads(plain.stdout)
    assert PROFILE.search(profiled.stderr)
