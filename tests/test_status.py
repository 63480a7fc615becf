"""One coverage status (ra2docs.status): the site shows what `check --format json` says, for every requirement.

The site is built for real from the shipped pages; the JSON comes from the real CLI in a subprocess.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from ra2docs import status
from ra2docs.project import Project
from tests.conftest import REPO, TREES, run_cli
from tests.sphinx_helpers import build

_TABLE = re.compile(r'<table class="[^"]*ra2-traceability[^"]*".*?</table>', re.S)
_ROW = re.compile(r'<tr[^>]*>\s*<td><p>(?:<a [^>]*>)?<code [^>]*>(.*?)</code>.*?'
                  r'class="ra2-status ra2-status-([a-z-]+)"', re.S)
_DIRECTIVE = re.compile(r"^\.\. ra2:traceability::\s*\n((?:[ \t]+:[^\n]*\n)*)", re.M)


def json_statuses(root: Path) -> dict[tuple[str, str], str]:
    """(spec, ref) -> status, as `check --format json` gives it (ref: the ID, or SPEC:id when two specs have it)."""
    proc = run_cli("check", "--format", "json", "--fail-on", "never", str(root))
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    return {(s["spec"], s["ref"]): s["status"] for s in doc["statuses"]}


def shown_statuses(srcdir: Path, outdir: Path, page: str) -> dict[tuple[str, str], str]:
    """(spec, ID) -> status class of every row of every traceability table of a built page.

    The tables appear in the order of the directives in the page's source, which name their spec."""
    specs = [re.search(r":spec:\s*(\S+)", m.group(1)).group(1)  # type: ignore[union-attr]
             for m in _DIRECTIVE.finditer((srcdir / f"{page}.rst").read_text(encoding="utf-8"))]
    html = (outdir / "html" / f"{page}.html").read_text(encoding="utf-8")
    tables = _TABLE.findall(html)
    assert len(tables) == len(specs) > 0
    shown: dict[tuple[str, str], str] = {}
    for spec, table in zip(specs, tables, strict=True):
        for req_id, value in _ROW.findall(table):
            shown[(spec, re.sub(r"<[^>]+>", "", req_id))] = value
    return shown


def test_shipped_site_shows_the_status_check_gives(tmp_path: Path) -> None:
    expected = json_statuses(REPO)
    assert set(expected.values()) <= set(status.VALUES)
    site = build(REPO / "source", outdir=tmp_path / "site", confdir=REPO)
    assert "ra2docs" not in site.warnings  # no finding of ours surfaced as a warning
    shown = shown_statuses(REPO / "source", tmp_path / "site", "traceability")
    assert shown == expected  # every requirement is on the page, with the status check gives
    # the bug this replaces: RM requirements below the rule's levels were shown covered
    rm_ref = {ref.removeprefix("RM:"): ref for spec, ref in expected if spec == "RM"}  # RA1 restates some IDs
    assert expected[("RM", rm_ref["e.cap.008"])] == expected[("RM", rm_ref["e.cap.017"])] == "no-rule"
    assert {"covered", "waived", "no-rule"} <= set(expected.values())


def test_status_follows_the_rule_levels_and_profiles() -> None:
    project = Project.load(REPO)
    by_key = status.statuses(project)
    rules = [r for r in project.tree.policy.rules if r.covered_by != "tests"]
    for req in project.graph.requirements.values():  # a duplicated ID: its first definition, as everywhere
        st = by_key[f"{req.spec}:{req.id}"]
        applying = tuple(rule.id for rule in rules if req.spec == rule.spec
                         and (not rule.categories or req.category in rule.categories)
                         and any(req.applies_to(p) and rule.takes_level(req.level_in(p))
                                 for p in rule.profiles or (None,)))
        assert (st.value not in ("no-rule", "unstated")) == bool(applying), req.id
        if not applying:
            assert st.value == ("unstated" if not req.level else "no-rule"), req.id
        if st.value == "covered":
            assert st.rules == applying and st.covered_by and not st.gaps
            rule_specs = {rule.from_spec for rule in rules if rule.id in st.rules}
            assert all(c.how == "traces" and project.graph.spec_of(c.by) in rule_specs for c in st.covered_by)
        if st.value == "waived":
            assert st.gaps and all(g.waived_by for g in st.gaps) and st.waivers


@pytest.mark.parametrize("tree", sorted(p.name for p in TREES.iterdir() if p.is_dir()))
def test_gaps_are_exactly_the_uncovered_findings(tree: str) -> None:
    project = Project.load(TREES / tree)
    findings = {(f.scope["spec"], f.subject, f.scope.get("rule", ""), profile, f.waived_by)
                for f in project.result.findings if f.code == "ra2.uncovered"
                for profile in f.scope.get("profile", "").split(",")}  # one finding over several profiles
    gaps = {(st.spec, st.id, g.rule, g.profile, g.waived_by)
            for st in status.statuses(project).values() for g in st.gaps}
    assert gaps == findings
    for st in status.statuses(project).values():
        open_gaps = [g for g in st.gaps if not g.waived_by]
        assert (st.value == "uncovered") == bool(open_gaps)
        assert (st.value == "waived") == (bool(st.gaps) and not open_gaps)


def test_an_open_gap_is_uncovered_and_a_waiver_makes_it_waived(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(TREES / "uncovered", tree)
    before = {k: v.value for k, v in status.statuses(Project.load(tree)).items()}
    assert "uncovered" in before.values()
    gap = next(k for k, v in before.items() if v == "uncovered")
    (tree / "mappings").mkdir(exist_ok=True)
    (tree / "mappings" / "extra-waivers.yaml").write_text(
        "kind: waivers\nwaivers:\n"
        f"  - code: ra2.uncovered\n    target: {gap.split(':', 1)[1]}\n    reason: accepted for the test\n",
        encoding="utf-8")
    after = status.statuses(Project.load(tree))
    assert after[gap].value == "waived" and after[gap].waivers == ("accepted for the test",)
    assert json_statuses(tree)[tuple(gap.split(":", 1))] == "waived"  # type: ignore[index]


def test_a_registered_part_joins_every_status_without_changing_coverage() -> None:
    project = Project.load(TREES / "uncovered")
    plain = {k: v.value for k, v in status.compute_all(project).items()}
    registered = status._PARTS.get("verification")  # ra2docs.verification's own part: put back afterwards
    status.register_part("verification", lambda _project, req: "unverified" if req.spec else None)
    try:
        extended = status.compute_all(project)
    finally:
        status._PARTS.pop("verification")
        if registered is not None:
            status.register_part("verification", registered)
    assert {k: v.value for k, v in extended.items()} == plain
    assert all(v.part("verification") == "unverified" for v in extended.values())
    assert all(v.as_dict()["verification"] == "unverified" for v in extended.values())


TWO_RA = TREES / "two-ra"


def test_two_ra_site_shows_the_status_check_gives(tmp_path: Path) -> None:
    """RA1 and RA2 both define gen.cnt.02 and gen.scl.01, with other meanings and levels, over one RM."""
    expected = json_statuses(TWO_RA)
    root = REPO / "tests" / "roots" / "two-ra"
    site = build(root, outdir=tmp_path / "site")
    assert "WARNING" not in site.warnings, site.warnings
    shown = shown_statuses(root, tmp_path / "site", "trace")
    assert shown == expected
    assert expected[("RA2", "RA2:gen.cnt.02")] == "covered"  # by ra2.ch.017, which RA2 resolves to its own
    assert expected[("RA1", "RA1:gen.cnt.02")] == "waived"  # RA1's: nothing of RA1 delivers it
    assert expected[("RM", "sec.gen.005")] == "waived"  # RA2 delivers it through its section 5.3; RA1 not
    index = (tmp_path / "site" / "html" / "index.html").read_text(encoding="utf-8")
    assert 'href="ra2.html#ra2-req-ra2-gen-cnt-02"' in index and 'href="ra1.html#ra2-req-ra1-gen-cnt-02"' in index


def test_two_ra_graph_resolves_through_declared_bases() -> None:
    project = Project.load(TWO_RA)
    graph = project.graph
    assert graph.traced_by("RA2:gen.cnt.02") == ["ra2.ch.017"]
    assert graph.traced_by("RA1:gen.cnt.02") == []
    assert graph.linked_sections("sec.gen.005", "traces", incoming=True) == ["section:RA2:5.3"]
    st = status.statuses(project)["RM:sec.gen.005"]
    assert [c.by for c in st.covered_by] == ["section:RA2:5.3"] and {(g.rule, g.profile) for g in st.gaps} == {
        ("rm-by-ra1", "basic"), ("rm-by-ra1", "high-performance")}
    e_cap = project.graph.requirements["e.cap.001"]
    assert str(e_cap.value_in("basic")) == "At least 16" and e_cap.value_in("basic").quantity == 16  # type: ignore[union-attr]


@pytest.mark.parametrize("fmt", ["json", "csv", "needs-json", "reqif"])
def test_two_ra_exports_keep_both_definitions_and_their_links(fmt: str, tmp_path: Path) -> None:
    out = tmp_path / f"export.{fmt}"
    proc = run_cli("export", fmt, str(TWO_RA), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "defined more than once" not in proc.stderr
    text = out.read_text(encoding="utf-8")
    assert "Services built as separately scalable microservices" in text and "Immutable infrastructure" in text
    if fmt == "csv":
        rows = {line.split(",")[0]: line for line in text.splitlines()[1:]}
        assert "RA2:gen.cnt.02" in rows and "RA1:gen.cnt.02" in rows
        assert "ra2.ch.017" in rows["RA2:gen.cnt.02"] and "ra2.ch.017" not in rows["RA1:gen.cnt.02"]


def test_an_ambiguous_role_is_a_warning_naming_both(tmp_path: Path) -> None:
    root = tmp_path / "two-ra"
    shutil.copytree(REPO / "tests" / "roots" / "two-ra", root)
    index = root / "index.rst"
    index.write_text(index.read_text(encoding="utf-8") + "\nSee :ra2:req:`gen.cnt.02` and :ra2:req:`e.cap.001`.\n",
                     encoding="utf-8")
    site = build(root, outdir=tmp_path / "site", ra2docs_root=str(TWO_RA))
    assert "'gen.cnt.02' could mean RA1:gen.cnt.02 or RA2:gen.cnt.02" in site.warnings
    assert "e.cap.001" not in site.warnings  # unique: resolves unqualified
