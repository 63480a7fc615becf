"""The state of each requirement in one coverage scope (a rule under one profile), for the dashboard.

A requirement in the scope is an open gap when the check found it uncovered there and no waiver accepts
that, waived when a waiver does, covered otherwise: the same answer the check's ``ra2.uncovered`` findings
give, so the charts, the coverage tables and ``ra2docs check`` agree.
"""

from __future__ import annotations

from collections.abc import Iterator

from ra2docs import model
from ra2docs.sphinx.data import Loaded


def scope_states(loaded: Loaded, rule: model.Rule, profile: str | None) -> Iterator[tuple[model.Requirement, str]]:
    """(requirement, "covered" | "waived" | "gap") for every requirement the rule applies to under `profile`,
    from the library's status (`ra2docs.status`: its gaps are the check's ra2.uncovered findings)."""
    for req in loaded.project.graph.in_scope(rule, profile):
        gap = next((g for g in loaded.status(req).gaps if g.rule == rule.id and g.profile == (profile or "")), None)
        if gap is None:
            yield req, "covered"
        else:
            yield req, "waived" if gap.waived_by else "gap"
