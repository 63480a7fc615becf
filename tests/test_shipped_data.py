"""The shipped RA2/RM data: its counts match DATA.md, it checks clean, and its known upstream problems
are reported and waived one by one.

When an ID disappears, a table loses a row or a waiver stops matching, one of these tests fails.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
import yaml

from ra2docs.model import Requirement
from ra2docs.project import Project
from ra2docs.refs import walk_sections
from ra2docs.schema import KINDS
from tests.conftest import REPO, run_cli

DATA_MD = REPO / "DATA.md"
IDS_FILE = Path(__file__).parent / "shipped_ids.txt"
YAML_DIRS = ("requirements", "mappings")


@cache
def project() -> Project:
    return Project.load(REPO, display_root="")


@cache
def cli_report() -> dict[str, object]:
    proc = run_cli("check", "--format", "json", str(REPO))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads(proc.stdout)


def documented_counts() -> dict[str, int]:
    """The table under '## Counts' in DATA.md, as {what: count}."""
    text = DATA_MD.read_text(encoding="utf-8")
    section = text.split("\n## Counts\n", 1)[1].split("\n## ", 1)[0]
    counts: dict[str, int] = {}
    for line in section.splitlines():
        match = re.fullmatch(r"\| (.+?) \| (\d+) \|", line.strip())
        if match:
            assert match.group(1) not in counts, f"DATA.md counts '{match.group(1)}' twice"
            counts[match.group(1)] = int(match.group(2))
    return counts


def actual_counts() -> dict[str, int]:
    proj = project()
    tree = proj.tree
    stated = [r for r in tree.requirements if not r.registered]  # registry entries with no text are counted apart
    out: dict[str, int] = {"requirements": len(stated),
                           "distinct requirement IDs": len({(r.spec, r.id) for r in stated})}
    for spec in tree.specs:
        reqs = [r for r in stated if r.spec == spec.id]
        out[f"sections in {spec.id}"] = len(walk_sections(spec.sections))
        entries = [e for e in tree.registry if e.spec == spec.id]
        if entries:
            out[f"registry entries of {spec.id}"] = len(entries)
            out[f"registry entries of {spec.id} stating a level"] = sum(1 for e in entries if e.level)
            out[f"registry entries of {spec.id} no requirement restates"] = sum(
                1 for r in tree.requirements if r.registered and r.spec == spec.id)
        out[f"requirements in {spec.id}"] = len(reqs)
        for category, n in Counter(r.category for r in reqs).items():
            out[f"requirements in {spec.id}, category {category}"] = n
    links = [link for link in tree.all_links() if link.type == "traces"]
    out["trace links stated with traces"] = sum(1 for link in links if link.stated_at == "from")
    out["trace links stated with traced_by"] = sum(1 for link in links if link.stated_at == "to")
    for link_type, n in Counter(link.type for link in tree.links).items():
        out[f"links in links files of type {link_type}"] = n
    out["matrices"] = len(tree.matrices)
    out["matrix cells"] = sum(len(row.cells) for m in tree.matrices for row in m.rows)
    for matrix in tree.matrices:
        out[f"matrix cells in {matrix.id}"] = sum(len(row.cells) for row in matrix.rows)
    out["components"] = len(tree.components)
    kinds = Counter(c.kind for c in tree.components)
    for kind in tree.component_kinds:
        out[f"components of kind {kind.id}"] = kinds[kind.id]
    out["test cases"] = len(tree.testcases)
    for suite, n in Counter(tc.suite for tc in tree.testcases).items():
        out[f"test cases in suite {suite}"] = n
    out["test cases stating verifies"] = sum(1 for tc in tree.testcases if tc.verifies)
    out["stacks"] = len(tree.stacks)
    out["waivers"] = len(tree.waivers)
    for code, n in Counter(w.code for w in tree.waivers).items():
        out[f"waivers for {code}"] = n
    out["findings waived"] = len(proj.result.waived)
    for code, n in Counter(f.code for f in proj.result.waived).items():
        out[f"findings waived for {code}"] = n
    return out


def test_data_md_counts_match_the_yaml() -> None:
    documented, actual = documented_counts(), actual_counts()
    assert documented["requirements"] > 500  # the table was found and parsed
    assert documented == actual


def test_every_requirement_id_is_still_there() -> None:
    expected = IDS_FILE.read_text(encoding="utf-8").splitlines()
    actual = sorted(f"{r.spec} {r.id}" for r in project().tree.requirements)
    assert actual == expected, "update tests/shipped_ids.txt only when an upstream change removes or adds an ID"


def test_shipped_tree_checks_clean_with_the_real_cli() -> None:
    proc = run_cli("check", str(REPO))
    assert proc.returncode == 0, proc.stdout
    assert proc.stdout.rstrip().splitlines()[-1].endswith(
        f"0 errors, 0 warnings, 0 infos, {len(project().result.waived)} waived")


def test_no_open_findings_and_no_stale_waivers() -> None:
    report = cli_report()
    findings = report["findings"]
    assert isinstance(findings, list)
    assert [f for f in findings if not f["waived"]] == []
    codes = {f["code"] for f in findings}
    assert "ra2.waiver-unused" not in codes and "ra2.waiver-expired" not in codes


KNOWN_UPSTREAM = [
    # the seed's misspelt cells stay levels outside the vocabulary
    ("ra2.unknown-level", "cni-multus-vs-danm/req.inf.ntw.10/danm"),
    ("ra2.unknown-level", "cni-multus-vs-danm/cluster-wide-ipam/multus"),
    # TBC cells of the networking solutions table
    ("ra2.placeholder", "networking-solutions/infra.net.cfg.002/nsm"),
    ("ra2.placeholder", "networking-solutions/infra.net.cfg.003/nsm"),
    ("ra2.placeholder", "networking-solutions/req.inf.ntw.05/nsm"),
    # IDs used twice
    ("ra2.duplicate-id", "ra2.k8s.012"),
    ("ra2.duplicate-id", "req.inf.ntw.03"),
    ("ra2.duplicate-id", "req.inf.ntw.04"),
    ("ra2.duplicate-id", "req.inf.ntw.10"),
    ("ra2.duplicate-id", "infra.hw.cpu.cfg.001"),
    ("ra2.duplicate-id", "i.pm.005"),
    ("ra2.duplicate-id", "n50"),
    # a malformed ID, a misspelt reference, a section that does not exist
    ("ra2.id-pattern", "infra.hw.pci.cfg. 001"),
    ("ra2.dangling-ref", "en.rsl.01"),
    # the RM registry and section tree: IDs the RM does not define, other levels, cited titles matching none
    ("ra2.not-in-registry", "i.cap.016"),
    ("ra2.not-in-registry", "sec.sys.021"),
    ("ra2.not-in-registry", "sec.gen.001"),  # a pre-2020 name; same-as req.sec.gen.001
    ("ra2.registry-mismatch", "sec.wl.007"),  # through its same-as link: must here, should in the RM
    ("ra2.registry-mismatch", "infra.stg.cfg.004"),
    ("ra2.section-title", "5.4.2"),  # "Storage Configurations`", stray backtick
    # links stated from one end only
    ("ra2.one-way-link", "ra2.ch.001->i.cap.018"),
    ("ra2.one-way-link", "ra2.ch.014->infra.hw.nic.cfg.001"),
    # placeholder and missing traces, mandatory gaps
    ("ra2.ra-no-trace", "ra2.k8s.024"),
    ("ra2.ra-no-trace", "ra2.os.001"),
    ("ra2.uncovered", "kcm.gen.01"),
    ("ra2.ra-no-trace", "req.inf.ntw.16"),  # a seed ID of RA2's: traces to no RM item, like its current ID
    ("ra2.uncovered", "gen.cnt.05"),  # an RA2 architecture requirement (should) no specification delivers
]


@pytest.mark.parametrize(("code", "subject"), KNOWN_UPSTREAM, ids=lambda v: str(v))
def test_known_upstream_problem_is_reported_and_waived(code: str, subject: str) -> None:
    findings = report_findings()
    matching = [f for f in findings if f["code"] == code and f["subject"] == subject]
    assert matching, f"{code} on {subject!r} is no longer reported"
    assert all(f["waived"] and f["waiver_reason"] for f in matching)
    assert all(f["file"] and f["line"] for f in matching), "every finding points at a YAML position"


def report_findings() -> list[dict[str, object]]:
    findings = cli_report()["findings"]
    assert isinstance(findings, list)
    return findings


def test_every_waiver_has_a_reason_and_an_upstream_location() -> None:
    for waiver in project().tree.waivers:
        assert len(waiver.reason) > 20, waiver
        assert waiver.upstream, f"waiver for {waiver.code} on {waiver.target} cites no upstream location"
        assert waiver.target.strip("*?[]"), "no blanket waivers"


def test_every_item_cites_its_source() -> None:
    tree = project().tree
    assert [r.id for r in tree.requirements if r.source is None and not r.registered] == []
    # a registry entry cites the upstream rows naming it in its line's comment (file.rst:line)
    registry = (REPO / "requirements" / "rm" / "registry.yaml").read_text(encoding="utf-8").splitlines()
    entries = [line for line in registry if line.startswith("  - {id:")]
    assert len(entries) == len([e for e in tree.registry if e.spec == "RM"])
    assert all(re.search(r"# chapter\d\d\.rst:\d+", line) for line in entries)
    assert [c.id for c in tree.components if c.source is None] == []
    assert [m.id for m in tree.matrices if m.source is None] == []
    assert [s.id for s in tree.stacks if s.source is None] == []


def test_every_component_is_used() -> None:
    tree = project().tree
    used = {c for m in tree.matrices for c in m.columns}
    used |= {cell.via for m in tree.matrices for row in m.rows for cell in row.cells if cell.via}
    used |= {c for s in tree.stacks for c in s.components}
    assert [c.id for c in tree.components if c.id not in used] == []


def test_seed_matrices_are_complete() -> None:
    matrices = {m.id: m for m in project().tree.matrices}
    danm = matrices["cni-multus-vs-danm"]
    assert [row.key for row in danm.rows][-2:] == ["cluster-wide-ipam", "service-discovery-of-interfaces"]
    assert len(danm.rows) == 15 and all(len(row.cells) == 2 for row in danm.rows)
    networking = matrices["networking-solutions"]
    assert networking.columns == ("multus", "danm", "tungsten-fabric", "nsm")
    assert len(networking.rows) == 12 and all(len(row.cells) == 4 for row in networking.rows)
    assert all(cell.text for m in (danm, networking) for row in m.rows for cell in row.cells)


def test_yaml_files_start_with_their_schema_modeline() -> None:
    for folder in YAML_DIRS:
        for path in sorted((REPO / folder).rglob("*.yaml")):
            first = path.read_text(encoding="utf-8").splitlines()[0]
            match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)/(\w+)\.schema\.json", first)
            assert match, f"{path} lacks the schema modeline"
            assert match.group(2) in KINDS
            assert (path.parent / match.group(1) / f"{match.group(2)}.schema.json").is_file(), path
            assert re.search(rf"^kind: {match.group(2)}$", path.read_text(encoding="utf-8"), re.M), path


# --- RA2 chapter 2 "Specification Reference" cells against the modelled traced_by links -------------

SPEC_REFS = Path(__file__).parent / "data" / "ra2-ch02-spec-refs.txt"
RA2_SPEC_ID = re.compile(r"\bra2\.[a-z0-9]+\.\d{3}\b")  # every family, k8s included


def upstream_spec_refs() -> list[tuple[int, int, list[str], str]]:
    """(row line, cell line, the row's IDs, the cell) for every row of the committed upstream fixture."""
    rows = []
    for line in SPEC_REFS.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        row_line, cell_line, ids, cell = line.split("\t")
        rows.append((int(row_line), int(cell_line), [i.strip() for i in ids.split(",")], cell))
    return rows


def ch02_requirements() -> dict[tuple[str, int], Requirement]:
    out: dict[tuple[str, int], Requirement] = {}
    for req in project().tree.requirements:
        match = re.fullmatch(r"chapter02\.rst line (\d+)", req.source.note if req.source else "")
        if match:
            key = (req.id, int(match.group(1)))
            assert key not in out, f"two requirements cite {key}"
            out[key] = req
    return out


def test_spec_reference_fixture_is_whole() -> None:
    rows = upstream_spec_refs()
    assert len(rows) == 276  # the nine tables of RA2 ch.2 §2.3 and §2.4
    assert sum(len(RA2_SPEC_ID.findall(cell)) for *_, cell in rows) == 73


def test_every_spec_reference_cell_equals_the_modelled_links() -> None:
    """Each ra2.* ID a chapter-2 cell names is a traced_by link of that row, and nothing else is."""
    reqs = ch02_requirements()
    wrong, seen = [], set()
    for row_line, cell_line, ids, cell in upstream_spec_refs():
        for rid in ids:
            req = reqs.get((rid, row_line))
            if req is None:
                wrong.append(f"chapter02.rst:{row_line}: row {rid} is not modelled")
                continue
            seen.add((rid, row_line))
            if list(req.traced_by) != RA2_SPEC_ID.findall(cell):
                wrong.append(f"chapter02.rst:{cell_line}: {rid} cell {cell!r} but traced_by {list(req.traced_by)}")
    assert wrong == []
    assert sorted(set(reqs) - seen) == [], "requirements cite a chapter-2 row the fixture does not have"


def test_the_k8s_specification_references_are_links() -> None:
    """The 19 links to ra2.k8s.* the first import missed (its family pattern had no k8s)."""
    reqs = {key[0]: req for key, req in ch02_requirements().items()}
    k8s = sorted((rid, t) for rid, req in reqs.items() for t in req.traced_by if t.startswith("ra2.k8s."))
    assert len(k8s) == 19
    assert reqs["e.cap.016"].traced_by == ("ra2.k8s.007", "ra2.ntw.012")
    assert reqs["inf.ntw.04"].traced_by == ("ra2.ch.007", "ra2.k8s.010")
    waived = {f["subject"] for f in report_findings() if f["code"] == "ra2.one-way-link"}
    # stated in ch.2 only: ch.4's row traces elsewhere or nowhere
    assert {"ra2.k8s.009->e.cap.006", "ra2.k8s.003->gen.avl.01", "ra2.k8s.020->kcm.gen.03"} <= waived
    # stated at both ends now: no one-way finding, no waiver claiming the contrary
    assert not {"ra2.k8s.001->gen.cnt.03", "ra2.k8s.010->inf.ntw.04"} & waived


def test_kubernetes_version_policy_per_release() -> None:
    """n-2 window up to Elbrus, a named version from Kali, the n-3 skew rule from Quinnipiac."""
    tree = project().tree
    matrix = next(m for m in tree.matrices if m.id == "kubernetes-version-policy")
    policy = {row.key: (row.cells[0].level, row.cells[0].text) for row in matrix.rows}
    assert policy["ra2-elbrus"][0] == "newest-three-minors"
    assert policy["ra2-kali"] == ("named-version", "1.21")
    assert policy["ra2-quinnipiac"] == ("named-version-n3-skew", "1.31")
    assert policy["ra2-f3d0d2b"] == ("named-version-n3-skew", "1.33")
    assert all(row.source and "line" in row.source.note for row in matrix.rows)
    kubernetes = next(c for c in tree.components if c.id == "kubernetes")
    assert kubernetes.versions == ("1.33",) and kubernetes.attributes["version-policy"] == "n-3 skew"


def test_technology_exception_is_modelled_and_waived() -> None:
    exc = [r for r in project().tree.requirements if r.id == "ra2.exc.tec.001"]
    assert len(exc) == 1 and exc[0].spec == "RA2" and exc[0].level == "may"
    assert "Valid Until: 'TBD'" in exc[0].notes and exc[0].source and exc[0].source.note == "chapter01.rst line 139"
    assert [f["waived"] for f in report_findings() if f["subject"] == "ra2.exc.tec.001"] == [True]


@pytest.mark.parametrize(("component", "matrix"), [
    ("kata-containers", "privileged-container-isolation"),
    ("gvisor", "privileged-container-isolation"),
    ("memory-manager", "topology-aware-huge-pages"),
    ("prometheus", "supplementary-components"),
])
def test_seed_system_is_a_component_in_a_matrix(component: str, matrix: str) -> None:
    tree = project().tree
    comp = next(c for c in tree.components if c.id == component)
    assert comp.source and comp.source.note
    assert component in next(m for m in tree.matrices if m.id == matrix).columns


def test_ra1_openstack_services_table_is_complete() -> None:
    """RA1 ch.3 'OpenStack components deployment': 12 services, all on controllers, four on compute hosts."""
    tree = project().tree
    services = [c for c in tree.components if c.kind == "openstack-service"]
    assert len(services) == 12
    assert sorted(c.name for c in services if c.status == "optional") == ["Barbican", "Cyborg", "Ironic"]
    matrix = next(m for m in tree.matrices if m.id == "ra1-openstack-services")
    rows = {row.key: {cell.column: cell.level for cell in row.cells} for row in matrix.rows}
    assert set(rows["controller-nodes"].values()) == {"deployed"}
    assert sorted(c for c, lvl in rows["compute-nodes"].items() if lvl == "deployed") == [
        "openstack-cyborg", "openstack-ironic", "openstack-neutron", "openstack-nova"]


def test_ra1_flavour_capabilities_keep_their_cells() -> None:
    matrix = next(m for m in project().tree.matrices if m.id == "ra1-flavour-capabilities")
    cells = {(row.key, cell.column): (cell.level, cell.text) for row in matrix.rows for cell in row.cells}
    assert len(cells) == 25
    assert cells[("cpu-allocation-ratio", "ra1-hp-b4-a")] == ("value", "4:1")
    assert cells[("cpu-pinning", "ra1-hp-b4-a")] == ("disabled", "Disable")
    assert cells[("huge-pages", "ra1-hp-hs-a")] == ("enabled", "Yes")


def test_rc2_workload_tests_verify_the_ra2_app_specifications() -> None:
    """RC2 ch.4: 27 links from 26 CNTi tests to ra2.app.*, priorities as the cells state them."""
    tests = {tc.id: tc for tc in project().tree.testcases if tc.suite == "CNTi workload certification"}
    assert sum(len(tc.verifies) for tc in tests.values()) == 27
    assert all(v.startswith("ra2.app.") for tc in tests.values() for v in tc.verifies)
    assert tests["cnti.privileged_containers"].verifies == ("ra2.app.041", "ra2.app.043")
    assert tests["cnti.privileged_containers"].priority == "Must (Not); Should (Not)"  # in the order of verifies
    assert tests["cnti.helm_chart_published"].priority == "Should"
    assert tests["cnti.disk_fill"].priority == "Must (not)"  # upstream's spelling
    assert all(tc.source and tc.source.note.startswith("chapter04.rst line ") for tc in tests.values())


def test_ra2_chapter6_sig_labels_are_test_cases() -> None:
    tests = [tc for tc in project().tree.testcases if tc.suite == "Kubernetes end-to-end tests"]
    assert len(tests) == 89
    assert sum(1 for tc in tests if tc.priority == "mandatory") == 39
    assert all(not tc.verifies for tc in tests), "chapter 6 names no requirement a label verifies"
    assert all(tc.source and tc.source.note.startswith("chapter06.rst line ") for tc in tests)


def documented_findings() -> list[tuple[str, str, str]]:
    """The table under '### Found by a check in the shipped tree' in DATA.md: (code, subject, file)."""
    text = DATA_MD.read_text(encoding="utf-8")
    section = text.split("\n### Found by a check in the shipped tree\n", 1)[1].split("\n### ", 1)[0]
    rows = []
    for line in section.splitlines():
        match = re.fullmatch(r"\| `([^`]+)` \| `([^`]+)` \| `([^`]+)` \| (.+) \|", line.strip())
        if match:
            assert match.group(4).strip(), f"no upstream location for {match.group(2)}"
            rows.append((match.group(1), match.group(2), match.group(3)))
    return rows


DOCUMENTED_ROWS = 93  # rows of DATA.md's table, RA1's included (one glob row: the 130 pre-2020 security IDs)
NON_GAP_FINDINGS = 222  # the non-gap findings those rows stand for

# gaps and migration hints, not upstream mistakes (verification gaps: ra2.unverified; unstated levels: ra2.v1-construct)
GAP_CODES = {"ra2.uncovered", "ra2.rm-untraced", "ra2.ra-no-trace", "ra2.one-way-link", "ra2.unverified",
             "ra2.v1-construct"}


def test_data_md_lists_every_upstream_mistake_a_check_finds() -> None:
    """Each non-gap finding of the shipped tree is in DATA.md's table, and the table has nothing else. A row
    whose subject is a glob (`sec.*`) stands for the findings of one upstream fact; it must match one at least."""
    documented = documented_findings()
    found = Counter((f["code"], f["subject"], Path(f["file"]).resolve().relative_to(REPO).as_posix())
                    for f in report_findings() if f["code"] not in GAP_CODES)
    exact = Counter(row for row in documented if not any(ch in row[1] for ch in "*?["))
    globs = [row for row in documented if any(ch in row[1] for ch in "*?[")]
    assert exact - found == Counter(), "DATA.md lists findings the check does not report"
    rest = found - exact
    for code, pattern, file in globs:
        assert any(c == code and f == file and fnmatch.fnmatchcase(s, pattern) for c, s, f in rest), pattern
    unlisted = [key for key in rest if not any(
        key[0] == c and key[2] == f and fnmatch.fnmatchcase(key[1], p) for c, p, f in globs)]
    assert unlisted == []
    assert len(documented) == DOCUMENTED_ROWS and sum(found.values()) == NON_GAP_FINDINGS
    assert all(f["waived"] for f in report_findings())


def test_only_the_seed_ids_leave_their_level_unstated() -> None:
    """Model v2 reads a missing level as 'unstated': only the seeds' req.* IDs, which cite no level, have none."""
    unstated = []
    for path in sorted((REPO / "requirements").rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if data.get("kind") == "requirements" and "level" not in data:
            unstated += [r["id"] for r in data["requirements"] if "level" not in r]
    assert all(rid.startswith("req.") for rid in unstated), unstated
    assert len(unstated) == 31


def test_ra2_architecture_requirements_belong_to_spec_ra2() -> None:
    """RA2 ch.2 §2.4 (and the seeds' req.* numbering of it) is RA2's own: the RM defines none of it."""
    tree = project().tree
    arch = re.compile(r"^(req\.)?(gen|inf|kcm|int|lcm|sec)\.[a-z]+\.\d{2}$")
    by_spec = Counter(r.spec for r in tree.requirements if arch.match(r.id) and r.spec != "RA1")
    assert by_spec == {"RA2": 72}  # (RA1 numbers its own architecture requirements alike: RA1's, not RM's)
    cats = Counter(r.category for r in tree.requirements if arch.match(r.id) and r.spec == "RA2")
    assert cats == {"architecture": 38, "architecture-seed": 34}
    # ch.4 -> ch.2 §2.4 is a traces link within RA2, declared both-ended like RA2 -> RM
    traces = tree.link_types["traces"]
    assert {(p.source, p.target, p.both_ends) for p in traces.pairs if p.source == "RA2"} == {
        ("RA2", "RM", True), ("RA2", "RA2", True)}
    links = [lk for lk in project().graph.links if lk.type == "traces" and lk.target_id == "gen.cnt.03"]
    assert {lk.source_id for lk in links} == {"ra2.k8s.001"}
    assert {lk.stated_at for lk in links} == {"from", "to"}


def test_rm_registry_lists_every_id_the_rm_defines() -> None:
    """requirements/rm/registry.yaml: the first cell of every RM table row with an ID, and Table 4-17's options."""
    entries = [e for e in project().tree.registry if e.spec == "RM"]
    ids = [e.id for e in entries]
    assert len(ids) == len(set(ids)) == 397
    assert sum(1 for i in ids if re.fullmatch(r"n\d+", i)) == 23  # Table 4-17, each option once
    by_id = {e.id: e for e in entries}
    assert (by_id["e.cap.001"].section, by_id["e.cap.001"].level) == ("4.1.2.1", "")  # the RM states no level
    assert (by_id["req.sec.wl.007"].section, by_id["req.sec.wl.007"].level) == ("7.10.4", "should")
    assert by_id["hem.sec.001"].level == "should"  # the row the RM marks as its table's header
    assert by_id["infra.stg.cfg.004"].profiles == {"basic": "must", "high-performance": "must"}
    # what RA2 restates that the RM does not define: five upstream mistakes and the pre-2020 security names
    missing = {f["subject"] for f in report_findings() if f["code"] == "ra2.not-in-registry"}
    assert "RA1:inf.ntw.03" in missing  # RA2 ch.7 attributes to RA1 an ID RA1's registry does not hold
    missing -= {m for m in missing if m.startswith("RA1:")}
    assert {m for m in missing if not m.startswith("sec.")} == {
        "i.cap.016", "i.cap.018", "i.os.001", "infra.net.acc.cfg.005", "infra.hw.pci.cfg. 001"}
    assert len([m for m in missing if m.startswith("sec.")]) == 133


def test_pre_2020_security_ids_are_the_same_as_the_rm_s_current_ones() -> None:
    """RM commit 319f76c prefixed the security IDs with 'req.', and later rows were renumbered."""
    same = {(lk.source_id.removeprefix("RM:"), lk.target_id.removeprefix("RM:")) for lk in project().tree.links
            if lk.type == "same-as" and lk.location.file.endswith("rm-security-same-as.yaml")}
    assert ("sec.gen.001", "req.sec.gen.001") in same
    assert ("sec.mon.013", "req.sec.mon.014") in same and ("sec.img.002", "req.sec.img.001") in same
    assert not {s for s, _ in same} & {"sec.mon.001", "sec.img.001", "sec.sys.021"}  # no counterpart
    assert len(same) == 130
    mismatch = {f["subject"] for f in report_findings() if f["code"] == "ra2.registry-mismatch"
                and "ra1" not in f["file"]}  # RA1's own (tests/test_shipped_ra1.py)
    assert mismatch == {"sec.wl.007", "infra.stg.cfg.004", "infra.hw.cpu.cfg.001", "infra.hw.cpu.cfg.002",
                        "infra.hw.cpu.cfg.003"}


def test_cited_rm_section_titles_resolve_and_six_match_none() -> None:
    """RA2 ch.2 names the RM section of each row by title; each resolves to a real RM section."""
    cites = [lk for lk in project().tree.links if lk.type == "cites"]
    assert len(cites) == 27 + 27 and all(lk.target_id.startswith("RM:") for lk in cites)  # ch.2 and ch.4
    titled = {(f["scope"]["spec"], f["subject"]) for f in report_findings() if f["code"] == "ra2.section-title"}
    assert {n for s, n in titled if s == "RM"} == {"4.2.2", "3.2.1.4", "5.4.2", "8.6.3", "7.10.8", "7.10.11",
                                                  # and what ch.4's trace cells cite: chapter 8, 9, ...
                                                  "5.1.1", "5.1.2", "8", "9", "4.1.2.2"}
    # and the RA2 sections ch.2 names by a title in plain text
    assert {n for s, n in titled if s == "RA2"} == {"5.3.1", "5.4.3", "5.7"}


def test_chapter2_section_citations_are_section_links() -> None:
    """Each section a ch.2 'Specification Reference' cell names (by :ref: or by title) is a traces link from
    that RA2 section to the row's requirement, stated at the row's line; nothing else is."""
    spec = next(s for s in project().tree.specs if s.id == "RA2")
    by_label = {(sec.title.lower()): sec.id for sec in walk_sections(spec.sections)}
    expected = set()
    for row_line, _, ids, cell in upstream_spec_refs():
        for label in re.findall(r":ref:`chapters/chapter0\d:([^`]+)`", cell):
            expected |= {(f"RA2:{by_label[label]}", rid, row_line) for rid in ids}
        for title in re.findall(r"`([^`]+)`(?!_)", re.sub(r":ref:`[^`]+`", "", cell)):  # a title in backticks
            expected |= {(title, rid, row_line) for rid in ids}
    links = [lk for lk in project().tree.links if lk.type == "traces" and lk.source_id.startswith("RA2:")]
    modelled = {(lk.title or lk.source_id, lk.target_id, int(re.search(r"line (\d+)", lk.note).group(1)))  # type: ignore[union-attr]
                for lk in links}
    plain = {m for m in modelled if not m[0].startswith("RA2:")}
    assert expected <= modelled and modelled - expected <= plain  # plain titles without backticks beside
    assert len(links) == 36


def test_chapter7_gaps_are_links_against_their_related_requirements() -> None:
    gaps = [lk for lk in project().tree.links if lk.type == "gap-against"]
    assert len(gaps) == 10
    assert {lk.source_id for lk in gaps} == {"RA2:7.1.3", "RA2:7.1.5", "RA2:7.1.6", "RA2:7.1.9", "RA2:7.1.10"}
    graph = project().graph
    rm_key = next(k for k, r in graph.requirements.items() if r.spec == "RM" and r.id == "e.man.004")
    assert graph.linked_any(rm_key, "gap-against", True) == ["section:RA2:7.1.10", "section:RA2:7.1.3"]
    # the user-namespace gap's RA1 attribution: RA1 has no inf.ntw.03
    dangling = [f for f in report_findings() if f["code"] == "ra2.not-in-registry" and f["subject"] == "RA1:inf.ntw.03"]
    assert len(dangling) == 1 and dangling[0]["waived"]
