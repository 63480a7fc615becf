"""The state of each requirement in one coverage scope (a rule under one profile), for the dashboard.

A requirement in the scope is an open gap when the check found it uncovered there and no waiver accepts
that, waived when a waiver does, covered otherwise: the same answer the check's ``ra2.uncovered`` findings
give, so the charts, the coverage tables and ``ra2docs check`` agree.
"""

from __future__ import annotations

from collections.abc import Iterator

from ra2docs import model
from ra2docs.errors import Finding
from ra2docs.sphinx.data import Loaded

GAP_CODES = ("ra2.uncovered", "ra2.unverified")  # a `covered_by: tests` rule's gaps are ra2.unverified


def scope_states(loaded: Loaded, rule: model.Rule, profile: str | None) -> Iterator[tuple[model.Requirement, str]]:
    """(requirement, "covered" | "waived" | "gap") for every requirement the rule applies to under `profile`."""
    found = _findings(loaded, rule.id)
    for req in loaded.project.graph.in_scope(rule, profile):
        finding = found.get((req.id, profile or ""))
        if finding is None:
            yield req, "covered"
        else:
            yield req, "waived" if finding.waived_by else "gap"


def _findings(loaded: Loaded, rule_id: str) -> dict[tuple[str, str], Finding]:
    return {(f.subject, f.scope.get("profile", "")): f for f in loaded.project.result.findings
            if f.code in GAP_CODES and f.scope.get("rule", "") == rule_id}
