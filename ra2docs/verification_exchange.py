"""Test cases and their expanded `verifies` links for the exchange formats (needs.json, ReqIF) and diff.

The exporters take a tree, not a graph: the graph is built here only when the tree has test cases.
"""

from __future__ import annotations

from ra2docs import model
from ra2docs.graph import SpecGraph
from ra2docs.verification import verification
from ra2docs.verification_model import TestCase


def expanded(tree: model.Tree, graph: SpecGraph | None = None) -> tuple[list[TestCase], dict[str, list[str]]]:
    """The test cases (first definition of each ID, in file order) and the requirement IDs each verifies."""
    if not tree.testcases:
        return [], {}
    v = verification(graph or SpecGraph.build(tree))
    return list(v.tests.values()), {tid: list(rids) for tid, rids in v.verifies.items()}
