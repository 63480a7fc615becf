"""The state of each requirement in one coverage scope (a rule under one profile), for the dashboard.

Read from the library's one status function (`ra2docs.status`): a requirement in the scope is an open gap
when its status has an unwaived gap for that rule and profile, waived when a waiver accepts that gap,
covered otherwise; so the charts, the traceability tables and ``ra2docs check`` agree.
"""

from __future__ import annotations

from collections.abc import Iterator

from ra2docs import model
from ra2docs.sphinx.data import Loaded


def scope_states(loaded: Loaded, rule: model.Rule, profile: str | None) -> Iterator[tuple[model.Requirement, str]]:
    """(requirement, "covered" | "waived" | "gap") for every requirement the rule applies to under `profile`."""
    for req in loaded.project.graph.in_scope(rule, profile):
        status = loaded.status(req)
        gap = next((g for g in status.gaps if g.rule == rule.id and g.profile == (profile or "")), None)
        if gap is None:
            yield req, "covered"
        else:
            yield req, "waived" if gap.waived_by else "gap"


def coverage_rules(loaded: Loaded) -> list[model.Rule]:
    """The rules about coverage (not verification rules, which the verification pages show)."""
    return [r for r in loaded.tree.policy.rules if r.covered_by != "tests"]
