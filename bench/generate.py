"""A seeded, deterministic synthetic spec tree in ra2docs' YAML formats, in the shape of PERFORMANCE.md.

N requirements: half in the reference model (spec RM), half in the reference architecture (spec RA,
based on RM), each RA requirement tracing to 1-3 RM requirements. N/20 components over six kinds, each
stating a support level for 30% of the requirements (so cells grow as N squared; `max_cells` caps them
for the large sparse trees). A share of requirements (`uncovered`, 3% by default) is left uncovered:
RM requirements no RA requirement traces to, RA requirements no component supports. With
`waive_uncovered` every such gap has a waiver and `ra2docs check` exits 0; without, it exits 1.

Each component states its support in its own one-column matrix file: a matrix row must give a value for
every column, and a component speaks for only 30% of the requirements.

    python bench/generate.py OUT --n 5000 [--seed 1] [--max-cells 375000] [--uncovered 0.03] [--no-waive]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import textwrap
from pathlib import Path

PER_FILE = 200  # requirements per file
COMPONENTS_PER_REQUIREMENT = 1 / 20
SUPPORT_SHARE = 0.30
KINDS = (("host-os", "Host operating system"), ("kernel", "Linux kernel"), ("kubernetes", "Kubernetes release"),
         ("runtime", "Container runtime"), ("cni", "CNI plugin"), ("csi", "CSI driver"))
RM_CATEGORIES = ("gen", "ntw", "stg", "cpu", "mem", "sec", "lcm", "obs")
RA_CATEGORIES = ("net", "sto", "cmp", "sec", "ops", "api")
PROFILES = ("basic", "high-performance")
# level id, label, covers
LEVELS = (("supported", "Supported", True), ("partial", "Partially supported", True),
          ("via-plugin", "Supported through another component", True),
          ("not-supported", "Not supported", False), ("roadmap", "On the roadmap", False),
          ("tbd", "To be stated", False))
LEVEL_WEIGHTS = (60, 15, 5, 12, 8, 0)  # placeholder level declared, never used: it would be a finding
REQ_LEVELS = ("must", "must", "must", "should", "may")
# Plain lowercase words only: every title and description can be written as a plain YAML scalar.
_WORD_TEXT = """
the platform shall provide support for network interface workload cluster node pod container storage
volume persistent ephemeral secure isolated encrypted traffic bandwidth latency scheduling resource cpu
memory hugepages numa topology aware manager device plugin acceleration offload tenant namespace policy
control plane data plane kubelet runtime image registry signed verified audit logging metrics telemetry
tracing alert lifecycle upgrade rolling rollback configuration declarative api endpoint service discovery
load balancer ingress egress firewall rule address dual stack ipv4 ipv6 multiple interfaces secondary
primary attachment high availability redundancy failover recovery backup snapshot restore capacity
quota limit request priority preemption affinity anti zone region operator automation compliance
certificate rotation identity access role binding least privilege account token credential host kernel
module driver firmware version release supported deprecated optional mandatory conformance test suite
"""
WORDS = tuple(_WORD_TEXT.split())


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choices(WORDS, k=words))


def _folded(text: str, indent: str) -> str:
    lines = textwrap.wrap(text, 96)
    return ">-\n" + "\n".join(indent + line for line in lines)


def _dump(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _spec_yaml(spec_id: str, title: str, pattern: str, based_on: tuple[str, ...],
               categories: tuple[str, ...]) -> str:
    lines = ["kind: spec", f"id: {spec_id}", f"title: {title}", "version: synthetic-1",
             f"id_pattern: {json.dumps(pattern)}"]
    if based_on:
        lines.append(f"based_on: [{', '.join(based_on)}]")
    lines.append("profiles:")
    lines += [f"  - id: {p}\n    title: {p.replace('-', ' ').capitalize()} profile" for p in PROFILES]
    lines.append("categories:")
    lines += [f"  - id: {c}\n    title: Category {c}" for c in categories]
    lines.append("sections:")
    lines += [f"  - id: ch-{c}\n    title: Section on {c}" for c in categories]
    return "\n".join(lines) + "\n"


class _Plan:
    """Every fact of the tree, decided before anything is written."""

    def __init__(self, n: int, seed: int, max_cells: int | None, uncovered: float) -> None:
        rng = random.Random(seed)
        self.rng = rng
        n_rm = n // 2
        n_ra = n - n_rm
        self.rm = [self._req_id(rng, "rm", i, RM_CATEGORIES) for i in range(n_rm)]
        self.ra = [self._req_id(rng, "ra", i, RA_CATEGORIES) for i in range(n_ra)]
        # Gaps: an RM requirement nothing traces to, an RA requirement no component covers.
        self.rm_gaps = set(rng.sample(range(n_rm), round(n_rm * uncovered)))
        self.ra_gaps = set(rng.sample(range(n_ra), round(n_ra * uncovered)))
        traced = [i for i in range(n_rm) if i not in self.rm_gaps]
        # Each traced RM requirement gets at least one RA requirement tracing to it (there are as many RA).
        self.traces: list[list[int]] = []
        for j in range(n_ra):
            first = traced[j % len(traced)] if traced else None
            extra = rng.sample(traced, min(len(traced), rng.randint(0, 2))) if traced else []
            self.traces.append(sorted({first, *extra}) if first is not None else [])
        n_comp = max(len(KINDS), round(n * COMPONENTS_PER_REQUIREMENT))
        self.components = [(f"{KINDS[c % len(KINDS)][0]}-{c:05d}", KINDS[c % len(KINDS)][0]) for c in range(n_comp)]
        per_comp = round(n * SUPPORT_SHARE)
        if max_cells is not None:
            per_comp = min(per_comp, max(1, max_cells // n_comp))
        # Rows are all requirements (RM first, then RA); cells[c] maps row index -> level.
        all_ids = self.rm + self.ra
        self.all_ids = all_ids
        ra_gap_rows = {n_rm + j for j in self.ra_gaps}
        level_ids = [lv[0] for lv in LEVELS]
        covering = {lv[0] for lv in LEVELS if lv[2]}
        self.cells: list[dict[int, tuple[str, str]]] = []
        for _c in range(n_comp):
            rows = rng.sample(range(n), min(per_comp, n))
            levels = rng.choices(level_ids, weights=LEVEL_WEIGHTS, k=len(rows))
            cells: dict[int, tuple[str, str]] = {}
            for row, level in zip(rows, levels, strict=True):
                if row in ra_gap_rows and level in covering:
                    level = "not-supported" if level != "partial" else "roadmap"
                via = ""
                if level == "via-plugin":
                    via = self.components[rng.randrange(n_comp)][0]
                cells[row] = (level, via)
            self.cells.append(cells)
        # Every RA requirement that is no gap needs one covering cell.
        has_cover = {row for cells in self.cells for row, (lv, _) in cells.items() if lv in covering}
        for j in range(n_ra):
            row = n_rm + j
            if j in self.ra_gaps or row in has_cover:
                continue
            self.cells[rng.randrange(n_comp)][row] = ("supported", "")
        self.stacks = [[cid for k, (cid, kind) in enumerate(self.components) if k % 7 == s % 7]
                       for s in range(3)]

    @staticmethod
    def _req_id(rng: random.Random, spec: str, i: int, categories: tuple[str, ...]) -> tuple[str, str]:
        cat = categories[i % len(categories)]
        rid = f"req.{cat}.{i:06d}" if spec == "rm" else f"ra.{cat}.{i:06d}"
        return rid, cat


def _requirement_files(plan: _Plan, rng: random.Random, spec: str, ids: list[tuple[str, str]],
                       base: Path) -> int:
    by_cat: dict[str, list[int]] = {}
    for i, (_rid, cat) in enumerate(ids):
        by_cat.setdefault(cat, []).append(i)
    files = 0
    for cat, members in by_cat.items():
        for chunk_no, start in enumerate(range(0, len(members), PER_FILE)):
            out = [f"kind: requirements\nspec: {spec}\ncategory: {cat}\nsection: ch-{cat}\n"
                   f"source: Synthetic {spec} chapter {cat}\nrequirements:"]
            for i in members[start:start + PER_FILE]:
                rid = ids[i][0]
                out.append(f"  - id: {rid}\n    title: {_text(rng, 20)}\n"
                           f"    description: {_folded(_text(rng, 80), '      ')}")
                level = rng.choice(REQ_LEVELS)
                if level != "must":
                    out.append(f"    level: {level}")
                if rng.random() < 0.3:
                    out.append(f"    profiles: {{basic: {level}, high-performance: must}}")
                if spec == "RA" and plan.traces[i]:
                    out.append(f"    traces: [{', '.join(plan.rm[t][0] for t in plan.traces[i])}]")
            _dump(base / f"{cat}-{chunk_no:03d}.yaml", "\n".join(out) + "\n")
            files += 1
    return files


def generate_tree(out: Path, n: int, seed: int = 1, max_cells: int | None = None, uncovered: float = 0.03,
                  waive_uncovered: bool = True) -> dict[str, int]:
    """Write the tree under `out` (emptied first) and return what it holds."""
    if n < 40:
        raise ValueError("n must be at least 40")
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    plan = _Plan(n, seed, max_cells, uncovered)
    rng = random.Random(seed + 1)
    files = 0
    _dump(out / "requirements/rm/spec.yaml", _spec_yaml("RM", "Synthetic reference model",
                                                        r"req\.[a-z]{3}\.[0-9]{6}", (), RM_CATEGORIES))
    _dump(out / "requirements/ra/spec.yaml", _spec_yaml("RA", "Synthetic reference architecture",
                                                        r"ra\.[a-z]{3}\.[0-9]{6}", ("RM",), RA_CATEGORIES))
    files += 2
    files += _requirement_files(plan, rng, "RM", plan.rm, out / "requirements/rm")
    files += _requirement_files(plan, rng, "RA", plan.ra, out / "requirements/ra")

    comp_lines = ["kind: components", "kinds:"]
    comp_lines += [f"  - id: {k}\n    title: {t}" for k, t in KINDS]
    comp_lines.append("components:")
    for cid, kind in plan.components:
        comp_lines.append(f"  - id: {cid}\n    kind: {kind}\n    name: {kind} {cid[-5:]}\n"
                          f"    versions: \">=1.{int(cid[-5:]) % 30}\"\n    description: {_text(rng, 12)}")
    _dump(out / "mappings/components.yaml", "\n".join(comp_lines) + "\n")
    vocab = ["kind: vocabulary", "id: support", "title: Support levels", "levels:"]
    for lid, label, covers in LEVELS:
        vocab.append(f"  - id: {lid}\n    label: {label}\n    covers: {'true' if covers else 'false'}"
                     + ("\n    placeholder: true" if lid == "tbd" else ""))
    _dump(out / "mappings/vocabulary.yaml", "\n".join(vocab) + "\n")
    files += 2

    cells = 0
    for c, (cid, kind) in enumerate(plan.components):
        rows = [f"kind: matrix\nid: support-{cid}\ntitle: What {cid} supports\nvocabulary: support\n"
                f"columns: [{cid}]\nrows:"]
        for row in sorted(plan.cells[c]):
            level, via = plan.cells[c][row]
            value = f"{{level: {level}, via: {via}}}" if via else level
            rows.append(f"  - requirement: {plan.all_ids[row][0]}\n    cells: {{{cid}: {value}}}")
            cells += 1
        _dump(out / f"mappings/matrices/{kind}/{cid}.yaml", "\n".join(rows) + "\n")
        files += 1

    stacks = ["kind: stacks", "stacks:"]
    for s, members in enumerate(plan.stacks):
        stacks.append(f"  - id: stack-{s}\n    title: Vendor platform {s}\n    vendor: Vendor {s}\n"
                      f"    components: [{', '.join(members)}]")
    _dump(out / "mappings/stacks.yaml", "\n".join(stacks) + "\n")
    policy = ["kind: policy", "rules:",
              "  - id: rm-traced\n    title: Every RM requirement is realised by the RA\n    spec: RM\n"
              "    covered_by: traces\n    from_spec: RA",
              "  - id: ra-supported\n    title: Some component supports every RA requirement\n    spec: RA\n"
              "    covered_by: support"]
    _dump(out / "mappings/policy.yaml", "\n".join(policy) + "\n")
    files += 2
    gaps = [plan.rm[i][0] for i in sorted(plan.rm_gaps)] + [plan.ra[j][0] for j in sorted(plan.ra_gaps)]
    if waive_uncovered and gaps:
        waivers = ["kind: waivers", "waivers:"]
        waivers += [f"  - code: ra2.uncovered\n    target: {rid}\n    reason: Accepted gap in the synthetic tree"
                    for rid in gaps]
        _dump(out / "mappings/waivers.yaml", "\n".join(waivers) + "\n")
        files += 1
    links = sum(len(t) for t in plan.traces)
    return {"requirements": n, "rm": len(plan.rm), "ra": len(plan.ra), "components": len(plan.components),
            "cells": cells, "links": links, "uncovered": len(gaps),
            "waivers": len(gaps) if waive_uncovered else 0, "stacks": len(plan.stacks), "files": files}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--n", type=int, required=True, help="number of requirements")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-cells", type=int, default=None, help="cap on matrix cells (sparse matrix)")
    parser.add_argument("--uncovered", type=float, default=0.03, help="share of requirements left uncovered")
    parser.add_argument("--no-waive", action="store_true", help="leave the gaps unwaived (check exits 1)")
    args = parser.parse_args(argv)
    counts = generate_tree(args.out, args.n, args.seed, args.max_cells, args.uncovered, not args.no_waive)
    json.dump(counts, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
