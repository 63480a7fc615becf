"""A seeded synthetic spec tree in the shape of ../shared/PERFORMANCE.md, for the benchmarks.

N requirements, half in spec RM and half in spec RA (based on RM; each RA requirement traces to 1-3 RM
requirements); N/20 components over six kinds; each component states a level for 30% of the
requirements (so the matrix grows as N^2, unless `max_cells` caps it); 3% of the requirements are left
uncovered (optionally waived), every other RA requirement has a supporting cell (which may
add a few cells beyond `max_cells`); titles of ~20 words and descriptions of ~80. Same seed, same files.

    python bench/generate.py OUT --n 5000 [--seed 1] [--max-cells 375000] [--waive]
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

CATEGORIES = ("ntw", "stg", "com", "sec", "gen", "lcm", "mon", "api", "acc", "vir")
KINDS = ("host-os", "kernel", "kubernetes", "runtime", "cni", "csi")
LEVELS = (("supported", 0.8), ("partial", 0.1), ("not-supported", 0.1))
PER_FILE = 200
WORDS = (
    "cluster", "node", "pod", "network", "storage", "volume", "plugin", "interface", "runtime", "kernel",
    "control", "plane", "service", "policy", "address", "route", "tenant", "workload", "image", "registry",
    "secret", "certificate", "metric", "alarm", "event", "log", "scheduler", "affinity", "topology", "memory",
    "processor", "device", "accelerator", "bandwidth", "latency", "encryption", "isolation", "upgrade",
    "rollback", "backup", "restore", "quota", "limit", "request", "profile", "capability", "feature", "api",
    "endpoint", "gateway", "ingress", "egress", "overlay", "underlay", "virtual", "physical", "secure",
    "resilient", "automated",
)


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:]


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def generate_tree(out: Path, n: int, seed: int = 1, max_cells: int | None = None, uncovered: float = 0.03,
                  waive: bool = False) -> dict[str, int]:
    """Write the tree under `out` (replacing it) and return what it holds."""
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    (out / "requirements").mkdir(parents=True)
    (out / "mappings").mkdir()
    half = n // 2
    rm_ids = [f"req.syn.{CATEGORIES[i % len(CATEGORIES)]}.{i:06d}" for i in range(half)]
    ra_ids = [f"ra.{CATEGORIES[i % len(CATEGORIES)]}.{i:06d}" for i in range(n - half)]
    gap = max(1, int(uncovered * n / 2)) if uncovered > 0 else 0
    untraced_rm = set(rng.sample(rm_ids, gap)) if gap else set()
    unsupported_ra = set(rng.sample(ra_ids, gap)) if gap else set()
    traceable = [r for r in rm_ids if r not in untraced_rm]
    # Each RA requirement traces to 1-3 RM requirements, and every RM requirement but the gaps is traced.
    order = traceable[:]
    rng.shuffle(order)
    traces = {}
    for i, ra in enumerate(ra_ids):
        picked = {order[i % len(order)], *rng.sample(traceable, rng.randint(0, 2))}
        traces[ra] = sorted(picked)

    _write_specs(out)
    links = _write_requirements(out, rng, "RM", rm_ids, {})
    links += _write_requirements(out, rng, "RA", ra_ids, traces)

    components = [f"c{i:05d}" for i in range(max(len(KINDS), n // 20))]
    kinds = {cid: KINDS[i % len(KINDS)] for i, cid in enumerate(components)}
    all_ids = rm_ids + ra_ids
    fraction = 0.3
    if max_cells is not None and len(components) * fraction * n > max_cells:
        fraction = max_cells / (len(components) * n)
    per_component = max(1, int(fraction * n))
    _write_components(out, components, kinds)
    cells = _write_matrices(out, rng, components, kinds, all_ids, per_component, unsupported_ra)
    _write_policy(out, untraced_rm, unsupported_ra, waive)
    return {"requirements": n, "rm": len(rm_ids), "ra": len(ra_ids), "components": len(components),
            "cells": cells, "links": links, "uncovered": len(untraced_rm) + len(unsupported_ra)}


def _write_specs(out: Path) -> None:
    (out / "requirements" / "rm-spec.yaml").write_text(
        "kind: spec\nid: RM\ntitle: Synthetic reference model\nversion: '1.0'\n"
        "id_pattern: '^req\\.syn\\.[a-z]{3}\\.\\d{6}$'\nprofiles: [basic, high-performance]\n"
        f"categories: [{', '.join(CATEGORIES)}]\n")
    (out / "requirements" / "ra-spec.yaml").write_text(
        "kind: spec\nid: RA\ntitle: Synthetic reference architecture\nversion: '1.0'\n"
        "id_pattern: '^ra\\.[a-z]{3}\\.\\d{6}$'\nbased_on: [RM]\n"
        f"categories: [{', '.join(CATEGORIES)}]\n")


def _write_requirements(out: Path, rng: random.Random, spec: str, ids: list[str],
                        traces: dict[str, list[str]]) -> int:
    by_category: dict[str, list[str]] = {}
    for rid in ids:
        by_category.setdefault(rid.split(".")[-2], []).append(rid)
    links = 0
    folder = out / "requirements" / spec.lower()
    folder.mkdir()
    for category, members in by_category.items():
        for part, chunk in enumerate(_chunks(members, PER_FILE)):
            lines = [f"kind: requirements\nspec: {spec}\ncategory: {category}\n"
                     f"source: {{document: Synthetic {spec}, section: '{category}'}}\nrequirements:"]
            for rid in chunk:
                level = rng.choice(("must", "must", "should", "may"))
                profiles = rng.choice(("[basic, high-performance]", "[basic]", "[high-performance]"))
                lines.append(f"  - id: {rid}\n    title: {_sentence(rng, 20)}\n"
                             f"    description: {_sentence(rng, 80)}\n    level: {level}\n"
                             f"    profiles: {profiles}")
                if rid in traces:
                    lines.append(f"    traces: [{', '.join(traces[rid])}]")
                    links += len(traces[rid])
            (folder / f"{category}-{part:03d}.yaml").write_text("\n".join(lines) + "\n")
    return links


def _write_components(out: Path, components: list[str], kinds: dict[str, str]) -> None:
    lines = ["kind: components", "kinds: [" + ", ".join(KINDS) + "]", "components:"]
    lines += [f"  - {{id: {cid}, kind: {kinds[cid]}, name: Component {cid}, versions: '>=1.0'}}"
              for cid in components]
    (out / "mappings" / "components.yaml").write_text("\n".join(lines) + "\n")
    levels = "\n".join(f"  - {{id: {lv}, label: {lv}, covers: {str(lv == 'supported').lower()}}}"
                       for lv, _ in LEVELS)
    (out / "mappings" / "vocabulary.yaml").write_text(f"kind: vocabulary\nid: support\nlevels:\n{levels}\n")


def _write_matrices(out: Path, rng: random.Random, components: list[str], kinds: dict[str, str],
                    requirement_ids: list[str], per_component: int, unsupported: set[str]) -> int:
    level_names = [lv for lv, _ in LEVELS]
    weights = [w for _, w in LEVELS]
    rows: dict[str, dict[str, dict[str, str]]] = {kind: {} for kind in KINDS}  # kind -> row -> column -> level
    for cid in components:
        for rid in rng.sample(requirement_ids, per_component):
            level = rng.choices(level_names, weights)[0]
            if rid in unsupported and level == "supported":
                level = "partial"
            rows[kinds[cid]].setdefault(rid, {})[cid] = level
    # Only the chosen gaps may be uncovered: give every other RA requirement one supporting cell.
    supported = {rid for by_row in rows.values() for rid, cells in by_row.items() if "supported" in cells.values()}
    for rid in requirement_ids:
        if rid.startswith("ra.") and rid not in unsupported and rid not in supported:
            cid = rng.choice(components)
            rows[kinds[cid]].setdefault(rid, {})[cid] = "supported"
    total = 0
    for kind in KINDS:
        columns = [c for c in components if kinds[c] == kind]
        lines = [f"kind: matrix\nid: {kind}\ntitle: Synthetic {kind} support\nvocabulary: support\nsparse: true\n"
                 f"columns: [{', '.join(columns)}]\nrows:"]
        for rid in sorted(rows[kind]):
            cells = rows[kind][rid]
            total += len(cells)
            lines.append(f"  - requirement: {rid}\n    cells: {{"
                         + ", ".join(f"{c}: {lv}" for c, lv in sorted(cells.items())) + "}")
        (out / "mappings" / f"matrix-{kind}.yaml").write_text("\n".join(lines) + "\n")
    return total


def _write_policy(out: Path, untraced: set[str], unsupported: set[str], waive: bool) -> None:
    (out / "mappings" / "policy.yaml").write_text(
        "kind: policy\nseverities:\n  ra2.placeholder: info\n  ra2.unused-component: info\n"
        "  ra2.rm-untraced: info\nrules:\n"
        "  - {id: rm-traced, spec: RM, covered_by: traces, from_spec: RA, levels: [must]}\n"
        "  - {id: ra-supported, spec: RA, covered_by: support}\n")
    if waive:
        lines = ["kind: waivers", "waivers:"]
        gaps = sorted(untraced | unsupported)
        lines += [f"  - {{code: ra2.*, target: {rid}, reason: synthetic gap}}" for rid in gaps]
        (out / "mappings" / "waivers.yaml").write_text("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-cells", type=int)
    parser.add_argument("--waive", action="store_true", help="waive the uncovered requirements")
    args = parser.parse_args()
    print(generate_tree(args.out, args.n, args.seed, args.max_cells, waive=args.waive))


if __name__ == "__main__":
    main()
