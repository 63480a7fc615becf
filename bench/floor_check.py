"""The bare floor for `ra2docs check`: what any tool must do to answer "what is uncovered?".

Parse the same YAML with PyYAML's C loader, build a networkx graph of the same nodes and edges, and
list the requirements nothing covers. No positions, no schema, no other checks.

    python bench/floor_check.py TREE [--no-gc]

With --no-gc the cyclic garbage collector is paused, as `ra2docs` pauses it while loading: the floor a
tuned script would reach, against which the check's own code is judged.
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import networkx as nx
import yaml


def floor(root: Path) -> int:
    docs = [yaml.load(p.read_bytes(), Loader=yaml.CSafeLoader)
            for sub in ("requirements", "mappings") for p in sorted((root / sub).rglob("*.yaml"))]
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
    uncovered = []
    for rid, spec in spec_of.items():
        edges = g.in_edges(rid, data=True)
        if spec == "RM":
            ok = any(d["type"] == "traces" for _, _, d in edges)
        else:
            ok = any(d["type"] == "supports" and d["covers"] for _, _, d in edges)
        if not ok:
            uncovered.append(rid)
    print(f"{len(uncovered)} uncovered of {len(spec_of)}")
    return len(uncovered)


if __name__ == "__main__":
    if "--no-gc" in sys.argv[2:]:
        gc.disable()
    floor(Path(sys.argv[1]))
