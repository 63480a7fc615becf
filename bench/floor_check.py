"""The bare floors for `ra2docs check`: what any tool must do to answer "what is uncovered?".

Read the same tree, build a networkx graph of the same nodes and edges, and list the requirements
nothing covers. No positions, no schema, no other checks. Two floors, named in every report:

- the **YAML floor** parses the tree's YAML files with PyYAML's C loader into plain Python objects;
- the **JSON floor** reads the same documents from JSON files (`mirror_as_json` writes them once,
  untimed), as the peers' measurements in ../shared/PERFORMANCE.md do.

    python bench/floor_check.py TREE [--json] [--no-gc]

With --no-gc the cyclic garbage collector is paused, as `ra2docs` pauses it while loading.
"""

from __future__ import annotations

import gc
import json
import sys
from pathlib import Path
from typing import Any

import networkx as nx
import yaml

SUBDIRS = ("requirements", "mappings")


def mirror_as_json(tree: Path, out: Path) -> Path:
    """Write every YAML document of `tree` as a JSON file under `out` (same relative paths)."""
    for sub in SUBDIRS:
        for path in sorted((tree / sub).rglob("*.yaml")):
            target = out / path.relative_to(tree).with_suffix(".json")
            target.parent.mkdir(parents=True, exist_ok=True)
            doc = yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
            target.write_text(json.dumps(doc, default=str))
    return out


def read_docs(root: Path, as_json: bool) -> list[dict[str, Any]]:
    if as_json:
        return [json.loads(p.read_bytes()) for sub in SUBDIRS for p in sorted((root / sub).rglob("*.json"))]
    return [yaml.load(p.read_bytes(), Loader=yaml.CSafeLoader)
            for sub in SUBDIRS for p in sorted((root / sub).rglob("*.yaml"))]


def uncovered(docs: list[dict[str, Any]]) -> list[str]:
    g = nx.MultiDiGraph()
    spec_of: dict[str, str] = {}
    covering: set[str] = set()
    for doc in docs:
        if doc["kind"] == "requirements":
            for req in doc["requirements"]:
                spec_of[req["id"]] = doc["spec"]
                g.add_node(req["id"], type="requirement")
                for target in req.get("traces", ()):
                    g.add_edge(req["id"], target, type="traces")
        elif doc["kind"] == "components":
            g.add_nodes_from((c["id"], {"type": "component"}) for c in doc["components"])
        elif doc["kind"] == "vocabulary":
            covering.update(lv["id"] for lv in doc["levels"] if lv.get("covers"))
    for doc in docs:
        if doc["kind"] == "matrix":
            for row in doc["rows"]:
                for comp, level in row["cells"].items():
                    g.add_edge(comp, row["requirement"], key=doc["id"], type="supports", covers=level in covering)
    gaps = []
    for rid, spec in spec_of.items():
        edges = g.in_edges(rid, data=True)
        if spec == "RM":
            ok = any(d["type"] == "traces" for _, _, d in edges)
        else:
            ok = any(d["type"] == "supports" and d["covers"] for _, _, d in edges)
        if not ok:
            gaps.append(rid)
    return gaps


def floor(root: Path, as_json: bool = False) -> int:
    docs = read_docs(root, as_json)
    gaps = uncovered(docs)
    print(f"{len(gaps)} uncovered of {sum(len(d['requirements']) for d in docs if d['kind'] == 'requirements')}")
    return len(gaps)


if __name__ == "__main__":
    if "--no-gc" in sys.argv[2:]:
        gc.disable()
    floor(Path(sys.argv[1]), as_json="--json" in sys.argv[2:])
