"""The shipped RA1 (anuket-project/RA1@f888acd) as data: counts from the YAML, the checks' findings on it,
the IDs RA1 and RA2 both define, the one-site build and the RA1 RFP workbook round trip."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
import yaml

from ra2docs import refs
from ra2docs.project import Project
from ra2docs.verification import verification
from tests.conftest import REPO, TREES, run_cli
from tests.sphinx_helpers import build
from tests.xlsx.helpers import DATE, IMPORT_DATE, fill

RA1 = REPO / "requirements" / "ra1"
SPEC_REFS = REPO / "tests" / "data" / "ra1-ch02-spec-refs.txt"
REF = re.compile(r":ref:`(?:[^`<]*<)?chapters/chapter0(\d):([^`>]+)>?`")

# The 13 IDs RA1 (ch.2 §2.2/§2.3) and RA2 (ch.2 §2.4) both define, for other requirements.
SHARED = ["gen.avl.01", "gen.cnt.02", "gen.ost.01", "gen.rsl.01", "gen.rsl.02", "gen.scl.01", "inf.com.01",
          "inf.stg.01", "inf.stg.02", "int.api.01", "int.api.02", "int.api.03", "int.api.04"]


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def walk(sections: list[dict]) -> list[dict]:
    out = []
    for sec in sections:
        out.append(sec)
        out.extend(walk(sec.get("sections", [])))
    return out


@pytest.fixture(scope="module")
def project() -> Project:
    return Project.load(REPO)


@pytest.fixture(scope="module")
def findings() -> list[dict]:
    proc = run_cli("check", ".", "--format", "json", "--show-waived", cwd=REPO)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr
    return json.loads(proc.stdout)["findings"]


# ---- counts from the YAML ------------------------------------------------------------------------

def test_counts_from_the_yaml() -> None:
    spec = load(RA1 / "spec.yaml")
    sections = walk(spec["sections"])
    assert len(sections) == 247 and len({s["id"] for s in sections}) == 247
    assert [s["id"] for s in spec["sections"]] == [str(n) for n in range(1, 10)]
    registry = load(RA1 / "registry.yaml")["entries"]
    assert len(registry) == 314 and len({e["id"] for e in registry}) == 297
    own = load(RA1 / "ch02-architecture.yaml")["requirements"]
    assert len(own) == 72
    assert Counter(r["section"][:3] for r in own) == {"2.2": 42, "2.3": 30}
    assert Counter(r["level"] for r in own) == {"must": 42, "should": 29, "may": 1}
    assert {r["id"] for r in own} <= {e["id"] for e in registry}  # the registry lists every ID of ch.2
    links = load(REPO / "mappings" / "ra1-traceability.yaml")["links"] + load(
        REPO / "mappings" / "ra1-same-as.yaml")["links"]
    assert Counter(lk["type"] for lk in links) == {"traces": 197, "same-as": 242}
    tests = load(RA1 / "ch08-tests.yaml")["testcases"]
    assert len(tests) == 17 and sum(1 for t in tests if t.get("verifies")) == 9


def test_every_specification_reference_cell_is_the_modelled_links() -> None:
    """Each upstream cell's :ref: roles, resolved to RA1 sections by title, are exactly the traces links
    the YAML states for the row's IDs; a cell naming no section states none."""
    numbers = {}
    for sec in walk(load(RA1 / "spec.yaml")["sections"]):
        chapter = sec["id"].split(".")[0]
        numbers.setdefault((chapter, " ".join(sec["title"].lower().split())), sec["id"])
    expected: Counter[tuple[str, str, str]] = Counter()
    cells = 0
    for line in SPEC_REFS.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        cells += 1
        _, ids, cell = line.split("\t")
        for chapter, label in REF.findall(cell):
            number = numbers[(chapter, " ".join(label.lower().split()))]
            for rid in ids.split():
                expected[(f"RA1:{number}", f"RA1:{rid}", " ".join(label.split()))] += 1
    stated = Counter((lk["from"], lk["to"], lk["title"])
                     for lk in load(REPO / "mappings" / "ra1-traceability.yaml")["links"])
    assert cells == 202 and stated == expected


def test_restated_rows_are_the_same_as_their_rm_items() -> None:
    """Every row of 2.1 and 2.3.8 (the RM rows) is same-as the RM's ID, and no row of RA1's own is."""
    registry = load(RA1 / "registry.yaml")["entries"]
    restated = [e["id"] for e in registry if e["section"].startswith(("2.1", "2.3.8"))]
    same = [(lk["from"], lk["to"]) for lk in load(REPO / "mappings" / "ra1-same-as.yaml")["links"]]
    assert same == [(f"RA1:{i}", f"RM:{i}") for i in restated]
    assert len(restated) == 242 and len(set(restated)) == 225


# ---- what the checks find ----------------------------------------------------------------------------

RA1_FILES = ("requirements/ra1/", "mappings/ra1-", "mappings/matrices/ra1-")

EXPECTED_CODES = {
    "ra2.duplicate-id": 17,  # e.cap.009, .013-.016, infra.hw.nac.cfg.003/.004, infra.stg.acc.cfg.*, sec.wl.007, n50..
    "ra2.registry-mismatch": 3,  # infra.hw.nac.cfg.003/.004 must (RM: may), sec.wl.007 must (RM: should)
    "ra2.ra-no-trace": 72,  # RA1's own requirements derive from no RM item, by design
    "ra2.uncovered": 40,  # mandatory rows whose specification reference cites no section ("Not detailed", ...)
    "ra2.matrix-unknown-row": 8,  # the flavour table's IDs split over two lines
    "ra2.duplicate-caption": 1,  # "Neutron Services Placement" twice
}


def test_findings_on_ra1_per_code(findings: list[dict]) -> None:
    mine = [f for f in findings if f["file"].startswith(RA1_FILES)]
    assert all(f["waived"] for f in mine)
    assert Counter(f["code"] for f in mine) == EXPECTED_CODES


def test_duplicate_ids_are_the_upstream_repeats(findings: list[dict]) -> None:
    dups = sorted({f["subject"] for f in findings if f["code"] == "ra2.duplicate-id"
                   and f["file"] == "requirements/ra1/registry.yaml"})
    assert dups == ["e.cap.009", "e.cap.013", "e.cap.014", "e.cap.015", "e.cap.016", "infra.hw.nac.cfg.003",
                    "infra.hw.nac.cfg.004", "infra.stg.acc.cfg.001", "infra.stg.acc.cfg.002", "n100", "n150",
                    "n200", "n300", "n50", "sec.wl.007"]


def test_levels_that_differ_from_the_rm(findings: list[dict]) -> None:
    """Through same-as (and the RM's renaming of sec.* to req.sec.*), RA1's level meets the RM registry's."""
    found = sorted((f["subject"], re.search(r"level '(\S+)', where the registry has '(\S+)'", f["message"]).groups())
                   for f in findings if f["code"] == "ra2.registry-mismatch" and f["scope"].get("spec") == "RA1")
    assert found == [("infra.hw.nac.cfg.003", ("must", "may")), ("infra.hw.nac.cfg.004", ("must", "may")),
                     ("sec.wl.007", ("must", "should"))]


def test_placeholder_cells_are_the_uncovered_rows(findings: list[dict]) -> None:
    """A mandatory row whose cell says 'Not detailed' (or is empty, or cites no section) is a coverage gap,
    waived with the cell quoted."""
    gaps = {f["subject"]: f["waiver_reason"] for f in findings if f["code"] == "ra2.uncovered"
            and f["scope"].get("spec") == "RA1"}
    assert "'Not Detailed'" in gaps["e.cap.004"] and "'Not detailed'" in gaps["lcm.gen.01"]
    assert "empty" not in gaps["sec.gen.012"] and "verification" in gaps["sec.gen.012"]


def test_ra2_citing_ra1_is_found(findings: list[dict]) -> None:
    found = [f for f in findings if f["code"] == "ra2.foreign-ra"]
    assert [(f["subject"], f["scope"]["spec"]) for f in found] == [("ra2.ch.017", "RA2")]


# ---- the IDs two specs define ------------------------------------------------------------------------

def test_the_thirteen_shared_ids(project: Project) -> None:
    graph = project.graph
    shared = refs.shared_ids(graph.requirements.values(), graph.links)
    assert [rid for rid, _ in shared] == SHARED
    for rid, defs in shared:
        assert [d.key for d in defs] == [f"RA1:{rid}", f"RA2:{rid}"]
        assert defs[0].title != defs[1].title
    # restated RM items (same-as) are one meaning: e.cap.001 is defined by RA1 and RM but not listed
    assert {"RA1:e.cap.001", "RM:e.cap.001"} <= set(graph.requirements)
    assert refs.shared_ids(graph.requirements.values(), graph.links, ["RA1", "RM"]) == []


def test_rm_references_resolve_by_the_citing_spec(project: Project) -> None:
    """RA2's trace to gen.cnt.02 means RA2's own; RA1's conformance tests verify RA1's int.api.* only."""
    graph = project.graph
    assert "RA2:gen.cnt.02" in graph.linked("ra2.ch.017", "traces")
    verifies = verification(graph).verifies
    assert verifies["ra1.tempest_keystone_cntt"] == ["RA1:int.api.01"]
    assert len(verifies["ra1.tempest_full_cntt"]) == 10
    assert all(graph.requirements[k].spec == "RA1" for k in verifies["ra1.tempest_full_cntt"])


def test_qualified_verifies_glob_finds_unshared_ids() -> None:
    project = Project.load(TREES / "restated-items")
    assert verification(project.graph).verifies["ra1.tempest_full_cntt"] == ["gen.ost.01"]


# ---- the one site ------------------------------------------------------------------------------------

def test_one_site_for_the_family(tmp_path: Path) -> None:
    site = build(REPO / "source", outdir=tmp_path / "site", confdir=REPO)
    # (the helper's build warns of a theme option `make html` knows; nothing else may warn)
    assert [w for w in site.warnings.splitlines() if "unsupported theme option" not in w] == []
    html = tmp_path / "site" / "html"
    for page in ("ra1/index", "ra1/architecture", "ra1/rm-items", "ra1/tests", "ra1/openstack", "ra2/index", "rm"):
        assert (html / f"{page}.html").is_file(), page
    trace = (html / "traceability.html").read_text(encoding="utf-8")
    table = trace[trace.index("ra2-shared-ids"):]
    table = table[:table.index("</table>")]
    for rid in SHARED:
        slug = rid.replace(".", "-")
        assert f'href="ra1/architecture.html#ra2-req-ra1-{slug}"' in table, rid
        assert f'href="ra2/architecture.html#ra2-req-ra2-{slug}"' in table, rid
    items = (html / "ra1" / "rm-items.html").read_text(encoding="utf-8")
    block = items[items.index('id="ra2-req-ra1-e-cap-001"'):]
    block = block[:block.index("</section>")]
    assert "RA1 §4.1.2.5 Compute Nodes" in block and "RM:e.cap.001" in block
    assert "chapter04.rst#L167" in block  # the section links to its upstream heading


# ---- the RA1 workbook --------------------------------------------------------------------------------

def test_ra1_workbook_round_trip(tmp_path: Path) -> None:
    tree = tmp_path / "shipped"
    for sub in ("requirements", "mappings"):
        shutil.copytree(REPO / sub, tree / sub)
    book = tmp_path / "ra1.xlsx"
    run_cli("export", "xlsx", "--spec", "RA1", "-o", str(book), str(tree), "--date", DATE, check=True)
    wb = openpyxl.load_workbook(book)
    rows = list(wb["Requirements"].iter_rows(min_row=2, values_only=True))
    ids = [r[0] for r in rows]
    assert len(ids) == 297 and all(r[2] == "RA1" for r in rows)
    assert {f"RA1:{rid}" for rid in SHARED} <= set(ids) and "RA2:gen.cnt.02" not in ids
    assert {"ra1-openstack-services", "ra1-flavour-capabilities"} <= {n for n in wb.sheetnames}
    answers = {rid: (("Fully compliant", "", "") if i % 3 else ("Partially compliant", f"row {i}", f"doc-{i}"))
               for i, rid in enumerate(ids)}
    fill(book, answers)
    proc = run_cli("import", str(book), "--vendor", "OpenStack Vendor", str(tree), "--date", IMPORT_DATE)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    stored = load(tree / "responses" / "openstack-vendor.yaml")
    got = {a["id"]: (a["compliance"], a.get("comment", ""), a.get("evidence", "")) for a in stored["answers"]}
    want = {rid: ("fully-compliant" if c == "Fully compliant" else "partially-compliant", comment, evidence)
            for rid, (c, comment, evidence) in answers.items()}
    assert got == want
    assert run_cli("check", str(tree)).returncode == 0  # the stored answers name RA1's requirements
