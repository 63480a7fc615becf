"""The command line with bad input: one clear line on stderr and exit 2, never a traceback or lost data."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, run_cli


def clean(stderr: str) -> None:
    assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    """A writable copy of the shipped tree (requirements/ and mappings/)."""
    root = tmp_path / "X"
    root.mkdir()
    for sub in ("requirements", "mappings"):
        shutil.copytree(REPO / sub, root / sub)
    return root


# 1. -o handling, the same for every command that writes a file

WRITERS = [
    ("check",), ("export", "json"), ("export", "csv"), ("export", "needs-json"), ("export", "reqif"),
    ("export", "xlsx"), ("compare",), ("diff", "."),
]


@pytest.mark.parametrize("command", WRITERS, ids=" ".join)
def test_output_is_a_folder(command: tuple[str, ...], sample_tree: Path, tmp_path: Path) -> None:
    proc = run_cli(*command, "-o", str(tmp_path), cwd=sample_tree)
    assert proc.returncode == 2, proc.stderr
    assert f"{tmp_path}: is a folder; give a file path" in proc.stderr
    clean(proc.stderr)


@pytest.mark.parametrize("command", WRITERS, ids=" ".join)
def test_output_folder_missing_is_not_created(command: tuple[str, ...], sample_tree: Path, tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "out.xlsx"
    proc = run_cli(*command, "-o", str(target), cwd=sample_tree)
    assert proc.returncode == 2, proc.stderr
    assert "does not exist; create it first" in proc.stderr
    assert not (tmp_path / "no").exists()
    clean(proc.stderr)


@pytest.mark.parametrize("command", [("export", "json"), ("export", "xlsx"), ("compare",), ("check",)], ids=" ".join)
def test_output_unwritable(command: tuple[str, ...], sample_tree: Path) -> None:
    proc = run_cli(*command, "-o", "/proc/ra2docs-out.xlsx", cwd=sample_tree)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "cannot write in /proc" in proc.stderr, proc.stderr
    clean(proc.stderr)


def test_output_never_replaces_a_source_file_without_force(shipped: Path) -> None:
    policy = shipped / "mappings" / "policy.yaml"
    before = policy.read_bytes()
    proc = run_cli("export", "json", "-o", "mappings/policy.yaml", cwd=shipped)
    assert proc.returncode == 2
    assert "mappings/policy.yaml: is a YAML source file of a spec tree" in proc.stderr and "--force" in proc.stderr
    assert policy.read_bytes() == before
    other = shipped.parent / "spec.yaml"
    other.write_text("kind: spec\nid: X\n", encoding="utf-8")
    assert run_cli("check", "-o", str(other), cwd=shipped).returncode == 2
    assert other.read_text(encoding="utf-8") == "kind: spec\nid: X\n"
    forced = run_cli("export", "json", "-o", "mappings/policy.yaml", "--force", cwd=shipped)
    assert forced.returncode == 0, forced.stderr
    assert policy.read_bytes().startswith(b"{")


# 2. exports refuse a tree with a file that cannot be read


def break_yaml(path: Path) -> None:
    with path.open("a", encoding="utf-8") as fh:
        fh.write("broken: [\n")


@pytest.mark.parametrize("fmt", ["xlsx", "json", "csv", "needs-json", "reqif"])
def test_export_refuses_unreadable_file(fmt: str, shipped: Path, tmp_path: Path) -> None:
    broken = sorted((shipped / "requirements").rglob("*.yaml"))[0]
    break_yaml(broken)
    out = tmp_path / f"out.{fmt}"
    proc = run_cli("export", fmt, "-o", str(out), cwd=shipped)
    assert proc.returncode == 2, proc.stderr
    rel = broken.relative_to(shipped).as_posix()
    assert f"{rel}:" in proc.stderr and "[ra2.yaml-syntax]" in proc.stderr
    assert "fix it, or pass --allow-errors to export what could be read" in proc.stderr
    assert not out.exists()
    clean(proc.stderr)
    allowed = run_cli("export", fmt, "-o", str(out), "--allow-errors", cwd=shipped)
    assert allowed.returncode == 0, allowed.stderr
    assert out.exists()


# 3. compare: a broken responses file stops it; answers it cannot score are warned about

TREES = REPO / "tests" / "trees"


def test_compare_refuses_broken_responses_file(tmp_path: Path) -> None:
    root = tmp_path / "t"
    shutil.copytree(TREES / "response-bad-answer", root, ignore=shutil.ignore_patterns("expected.txt"))
    break_yaml(root / "responses" / "acme.yaml")
    proc = run_cli("compare", cwd=root)
    assert proc.returncode == 2
    assert "responses/acme.yaml:" in proc.stderr and "[ra2.yaml-syntax]" in proc.stderr
    assert "1 responses file could not be read" in proc.stderr
    clean(proc.stderr)


def test_compare_warns_about_answers_it_cannot_score() -> None:
    proc = run_cli("compare", str(TREES / "response-bad-answer"))
    assert proc.returncode == 0
    assert "ra2docs compare: warning: " in proc.stderr and "[ra2.response-bad-answer]" in proc.stderr
    proc = run_cli("compare", str(TREES / "response-unknown-id"))
    assert "[ra2.response-unknown-id]" in proc.stderr


# 4. diff reports the files it cannot read on either side


def test_diff_refuses_unreadable_files_on_either_side(sample_tree: Path, tmp_path: Path) -> None:
    old = tmp_path / "old"
    shutil.copytree(sample_tree, old)
    old_file = sorted((old / "requirements").rglob("*.yaml"))[0]
    new_file = sorted((sample_tree / "mappings").rglob("*.yaml"))[0]
    break_yaml(old_file)
    break_yaml(new_file)
    proc = run_cli("diff", str(old), str(sample_tree))
    assert proc.returncode == 2
    assert f"{old_file}:" in proc.stderr and f"{new_file}:" in proc.stderr
    assert "2 files of OLD" in proc.stderr and "--allow-errors" in proc.stderr
    assert proc.stdout == ""
    clean(proc.stderr)
    assert run_cli("diff", str(old), str(sample_tree), "--allow-errors").returncode == 0


# 5. import-needs writes nothing and exits 1 when nothing would be imported


def test_import_needs_with_nothing_to_import_writes_nothing(shipped: Path, tmp_path: Path) -> None:
    needs = tmp_path / "needs.json"
    run_cli("export", "needs-json", "-o", str(needs), cwd=shipped, check=True)
    proc = run_cli("import-needs", str(needs), "--spec", "RA2", cwd=shipped)
    assert proc.returncode == 1, proc.stderr
    assert "nothing to import into RA2" in proc.stderr and "nothing was written" in proc.stderr
    assert not list((shipped / "requirements").glob("*-imported.yaml"))
    clean(proc.stderr)


def test_import_needs_counts_entries_that_are_not_objects(sample_tree: Path, tmp_path: Path) -> None:
    needs = tmp_path / "needs.json"
    needs.write_text('{"versions": {"1": {"needs": {"X": 5}}}}', encoding="utf-8")
    proc = run_cli("import-needs", str(needs), "--spec", "RA", "-o", str(tmp_path / "out.yaml"), cwd=sample_tree)
    assert "skipped need X: it is not a JSON object" in proc.stderr
    assert proc.returncode == 1 and "1 of 1 needs skipped" in proc.stderr
    assert not (tmp_path / "out.yaml").exists()


# 6. options and positionals in any order, for every command


def test_import_vendor_before_file_and_root(sample_tree: Path, tmp_path: Path) -> None:
    workbook = tmp_path / "rfp.xlsx"
    run_cli("export", "xlsx", "-o", str(workbook), str(sample_tree), check=True)
    proc = run_cli("import", "--vendor", "ACME", str(workbook), str(sample_tree), "--dry-run")
    assert proc.returncode in (0, 1), proc.stderr
    assert "dry run" in proc.stdout and proc.stderr == ""
    help_text = run_cli("import", "--help").stdout
    assert "--vendor NAME" in help_text and "[ROOT ...]" not in help_text


def test_options_between_positionals(sample_tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "m.json"
    run_cli("export", "json", "-o", str(out), str(sample_tree), "--findings", check=True)
    assert out.exists()
    proc = run_cli("diff", "--format", "json", str(sample_tree), "--exit-code", str(sample_tree))
    assert proc.returncode == 0, proc.stderr



# 7. error texts about ROOT and FILE; the tree is found in a parent folder


def test_root_that_is_a_file(sample_tree: Path) -> None:
    proc = run_cli("check", str(sample_tree / "requirements" / "ra-ntw.yaml"))
    assert proc.returncode == 2
    assert "is a file, not a spec tree folder" in proc.stderr


def test_import_file_that_is_a_folder(sample_tree: Path, tmp_path: Path) -> None:
    folder = tmp_path / "d.xlsx"
    folder.mkdir()
    proc = run_cli("import", str(folder), "--vendor", "X", str(sample_tree))
    assert proc.returncode == 2
    assert "is a folder, not a workbook" in proc.stderr and "no such file" not in proc.stderr


def test_tree_found_in_a_parent_folder(sample_tree: Path, tmp_path: Path) -> None:
    inside = sample_tree / "requirements"
    proc = run_cli("check", cwd=inside)
    assert proc.returncode == 0, proc.stderr
    assert "0 errors" in proc.stdout
    workbook = tmp_path / "rfp.xlsx"
    run_cli("export", "xlsx", "-o", str(workbook), cwd=inside, check=True)
    assert workbook.exists()
    outside = tmp_path / "empty"
    outside.mkdir()
    proc = run_cli("check", cwd=outside)
    assert proc.returncode == 2
    assert "no spec tree here or in any parent folder" in proc.stderr and "pass ROOT" in proc.stderr


# 10. duplicate IDs: one line, the same in every format keyed by ID


@pytest.mark.parametrize("fmt", ["needs-json", "reqif"])
def test_duplicate_ids_are_one_warning_line(fmt: str, tmp_path: Path) -> None:
    proc = run_cli("export", fmt, "-o", str(tmp_path / "out"), str(REPO), check=True)
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith(f"ra2docs export {fmt}: warning: ")
    assert "defined more than once" in lines[0] and "the first definition of each is exported" in lines[0]


# 8. help texts: exit codes everywhere, user text only

HELPS = [("check",), ("codes",), ("schema",), ("compare",), ("import-needs",), ("diff",), ("import",),
         ("export",), ("export", "xlsx"), ("export", "json"), ("export", "csv"), ("export", "needs-json"),
         ("export", "reqif"), ()]


@pytest.mark.parametrize("command", HELPS, ids=" ".join)
def test_help_has_exit_codes_and_no_developer_notes(command: tuple[str, ...]) -> None:
    proc = run_cli(*command, "--help")
    assert proc.returncode == 0
    assert "exit codes:\n  0  " in proc.stdout
    for internal in ("FORMAT_MODULES", "add_arguments", "FORMAT_VERSION", "DYNAMIC_ESCAPE", "SUBCOMMANDS"):
        assert internal not in proc.stdout


@pytest.mark.parametrize("command", ["codes", "diff", "compare"])
def test_format_option_has_help(command: str) -> None:
    text = run_cli(command, "--help").stdout
    assert "json for machines" in text


def test_export_errors_and_warnings_name_the_format(tmp_path: Path) -> None:
    proc = run_cli("export", "csv", "--table", "matrix", str(REPO))
    assert proc.returncode == 2 and proc.stderr.startswith("ra2docs export csv: error: ")


# 9. codes lists the import problem codes; schema prints the export document's schema


def test_codes_lists_import_problems() -> None:
    text = run_cli("codes", check=True).stdout
    assert "ra2.duplicate-id" in text and "xlsx.macro" in text and "problems of `ra2docs import`" in text
    doc = json.loads(run_cli("codes", "--format", "json", check=True).stdout)
    assert {"xlsx.macro", "ra2.duplicate-id"} <= {c["code"] for c in doc}


def test_schema_model_export() -> None:
    proc = run_cli("schema", "model-export", check=True)
    assert json.loads(proc.stdout)["title"] == "ra2docs model export"
    assert "model-export" in run_cli("schema", "--list", check=True).stdout


# 11. small things


@pytest.mark.parametrize("value", ["-1", "0", "x"])
def test_max_size_must_be_positive(value: str, sample_tree: Path) -> None:
    proc = run_cli("import", "none.xlsx", "--vendor", "X", "--max-size", value, str(sample_tree))
    assert proc.returncode == 2
    assert "argument --max-size:" in proc.stderr
    clean(proc.stderr)


def test_check_to_a_file_prints_the_summary(sample_tree: Path, tmp_path: Path) -> None:
    report = tmp_path / "report.txt"
    proc = run_cli("check", "-o", str(report), str(sample_tree))
    assert proc.returncode == 0 and proc.stdout == ""
    assert proc.stderr.startswith("checked ") and f"report written to {report}" in proc.stderr
    assert report.read_text(encoding="utf-8").startswith("checked ")


def test_failed_workbook_save_prints_nothing_more() -> None:
    """The library's xlsx writers, when the file cannot be written, leave no half-open sheet streams behind."""
    script = (
        "from ra2docs.project import Project\n"
        "from ra2docs.xlsx.export import write_rfp\n"
        "try:\n"
        "    write_rfp(Project.load('tests/trees/clean'), '/proc/ra2docs-x.xlsx')\n"
        "except OSError:\n"
        "    print('refused')\n"
        "import gc; gc.collect()\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.stdout == "refused\n"
    assert proc.stderr == ""
