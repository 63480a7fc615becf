"""The one coverage status of a requirement, computed in the library for every front end.

`ra2docs check` (the `statuses` member of `--format json`), the Sphinx site (traceability tables), the
workbook and the exports all ask this module; none keeps its own idea of "covered".

API (stable):

- ``requirement_status(project, req) -> Status``: the status of one requirement;
- ``statuses(project) -> dict[str, Status]``: every requirement's status, keyed by ``Status.key``
  (``SPEC:id``), in the tree's requirement order; computed once per project.

``Status.value`` is one of

- ``covered``: at least one coverage rule applies to the requirement and every (rule, profile) scope it is
  in finds it covered;
- ``waived``: some scope finds it uncovered, and a waiver accepts every such gap;
- ``uncovered``: some scope finds it uncovered and no waiver accepts that gap (an open ``ra2.uncovered``);
- ``no-rule``: no coverage rule applies to it (its spec has no rule, or the rules' levels and profiles
  leave it out);
- ``unstated``: its normative level is not stated and no rule asks about requirements without a level.

The gaps are exactly the ``ra2.uncovered`` findings of the check: both come from `coverage_scopes`, so
they agree by construction.

Extension point: a status is composed of the coverage part (above) and optional further parts, each a
``(name, value)`` pair in ``Status.parts`` (e.g. ``("verification", "passed")``). A module adding a part
registers a function with `register_part`; it is called with the project and the requirement and returns
the part's value, or None when it has nothing to say. Coverage stays the ``value``; parts never change it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from ra2docs import model
from ra2docs.graph import Coverage, SpecGraph

if TYPE_CHECKING:
    from ra2docs.project import Project

COVERED, WAIVED, UNCOVERED, NO_RULE, UNSTATED = "covered", "waived", "uncovered", "no-rule", "unstated"
VALUES = (COVERED, WAIVED, UNCOVERED, NO_RULE, UNSTATED)


@dataclass(frozen=True, slots=True)
class Gap:
    """One (rule, profile) scope that finds the requirement uncovered; `waived_by` is the waiver's reason."""

    rule: str
    profile: str = ""  # "" when the rule names no profiles
    waived_by: str = ""


@dataclass(frozen=True, slots=True)
class Status:
    spec: str
    id: str
    value: str  # one of VALUES
    ref: str = ""  # how it is named unambiguously: its key (the ID, or SPEC:id when two specs define the ID)
    rules: tuple[str, ...] = ()  # IDs of the coverage rules that apply, in policy order
    covered_by: tuple[Coverage, ...] = ()  # what covers it under the rules that apply (each item once)
    gaps: tuple[Gap, ...] = ()  # uncovered scopes, waived or not
    parts: tuple[tuple[str, str], ...] = ()  # further parts (see the module docstring)

    @property
    def key(self) -> str:
        return f"{self.spec}:{self.id}"

    @property
    def waivers(self) -> tuple[str, ...]:
        """The reasons of the waivers accepting its gaps, each once, sorted."""
        return tuple(sorted({g.waived_by for g in self.gaps if g.waived_by}))

    def part(self, name: str) -> str | None:
        return dict(self.parts).get(name)

    def as_dict(self) -> dict[str, object]:
        """The JSON form (`ra2docs check --format json`, member `statuses`)."""
        out: dict[str, object] = {
            "spec": self.spec, "id": self.id, "ref": self.ref, "status": self.value, "rules": list(self.rules),
            "covered_by": [{"how": c.how, "by": c.by, **({"matrix": c.matrix, "level": c.level} if c.matrix else {})}
                           for c in self.covered_by],
            "gaps": [{"rule": g.rule, **({"profile": g.profile} if g.profile else {}),
                      **({"waived_by": g.waived_by} if g.waived_by else {})} for g in self.gaps],
        }
        out.update(dict(self.parts))
        return out


Part = Callable[["Project", model.Requirement], "str | None"]
_PARTS: dict[str, Part] = {}


def register_part(name: str, fn: Part) -> None:
    """Add a part (e.g. "verification") to every status computed from now on."""
    _PARTS[name] = fn


def requirement_status(project: Project, req: model.Requirement) -> Status:
    """One requirement's status: from `Project.statuses` once every status was asked for, else computed
    for this requirement alone and memoised (a rebuild digests a few pages, not every requirement)."""
    if project.graph.requirements.get(req.key) is not req:
        return _compute(project, req, _uncovered_findings(project))  # a requirement not in the project's index
    computed = vars(project).get("statuses")
    if computed is not None:
        return cast(dict[str, Status], computed)[f"{req.spec}:{req.id}"]
    memo = _memo(project)
    found = memo.get(req.key)
    if found is None:
        found = memo[req.key] = _status(project, req, _scopes_of(project.graph, req), _waived(project))
    return found


def _memo(project: Project) -> dict[str, Status]:
    memo = vars(project).get("_status_memo")
    if memo is None:
        memo = vars(project)["_status_memo"] = {}
    return cast(dict[str, Status], memo)


def _waived(project: Project) -> dict[tuple[str, str, str, str], str]:
    found = vars(project).get("_status_waived")
    if found is None:
        found = vars(project)["_status_waived"] = _uncovered_findings(project)
    return cast(dict[tuple[str, str, str, str], str], found)


def _scopes_of(sg: SpecGraph, req: model.Requirement) -> list[Scope]:
    """`coverage_scopes` of one requirement, in the same (rule, profile) order."""
    out: list[Scope] = []
    for rule in sg.tree.policy.rules:
        if rule.spec != req.spec or rule.spec not in sg.specs or rule.covered_by == "tests":
            continue
        for profile in rule.profiles or (None,):
            if (req.applies_to(profile) and rule.takes_level(req.level_in(profile))
                    and (not rule.categories or req.category in rule.categories)):
                out.append((rule, profile, sg.is_covered(req.key, rule.covered_by, rule.from_spec)))
    return out


def statuses(project: Project) -> dict[str, Status]:
    return project.statuses


def compute_all(project: Project) -> dict[str, Status]:
    """Every requirement's status (what `Project.statuses` memoizes)."""
    waived = _uncovered_findings(project)
    scopes = _scopes_by_requirement(project.graph)
    out: dict[str, Status] = {}
    for req in project.graph.requirements.values():
        out.setdefault(f"{req.spec}:{req.id}", _status(project, req, scopes.get(id(req), []), waived))
    return out


def coverage_scopes(sg: SpecGraph) -> Iterator[tuple[model.Rule, str | None, model.Requirement, bool]]:
    """Every (rule, profile, requirement in scope, covered?): the one source of coverage gaps."""
    for rule in sg.tree.policy.rules:
        if rule.spec not in sg.specs or rule.covered_by == "tests":  # verification rules: ra2docs.verification
            continue
        for profile in rule.profiles or (None,):
            for req in sg.in_scope(rule, profile):
                yield rule, profile, req, sg.is_covered(req.key, rule.covered_by, rule.from_spec)


Scope = tuple[model.Rule, "str | None", bool]


def _scopes_by_requirement(sg: SpecGraph) -> dict[int, list[Scope]]:
    out: dict[int, list[Scope]] = {}
    for rule, profile, req, covered in coverage_scopes(sg):
        out.setdefault(id(req), []).append((rule, profile, covered))
    return out


def _uncovered_findings(project: Project) -> dict[tuple[str, str, str, str], str]:
    """The waiver reason (or "") of each ra2.uncovered finding, by (spec, subject, rule, profile)."""
    out: dict[tuple[str, str, str, str], str] = {}
    for f in project.result.findings:
        if f.code == "ra2.uncovered":  # one finding may stand for several profiles ("basic,high-performance")
            for profile in f.scope.get("profile", "").split(","):
                out[(f.scope.get("spec", ""), f.subject, f.scope.get("rule", ""), profile)] = f.waived_by
    return out


def _compute(project: Project, req: model.Requirement, waived: dict[tuple[str, str, str, str], str]) -> Status:
    sg = project.graph
    scopes: list[Scope] = []
    for rule in sg.tree.policy.rules:
        if rule.spec != req.spec:
            continue
        for profile in rule.profiles or (None,):
            if any(r is req for r in sg.in_scope(rule, profile)):
                scopes.append((rule, profile, sg.is_covered(req.key, rule.covered_by, rule.from_spec)))
    return _status(project, req, scopes, waived)


def _status(project: Project, req: model.Requirement, scopes: list[Scope],
            waived: dict[tuple[str, str, str, str], str]) -> Status:
    parts = tuple((name, value) for name, fn in _PARTS.items() if (value := fn(project, req)) is not None)
    if not scopes:
        value = UNSTATED if not req.level else NO_RULE
        return Status(req.spec, req.id, value, req.key, parts=parts)
    rules: dict[str, None] = {}
    gaps: list[Gap] = []
    covering: dict[tuple[str, str, str], Coverage] = {}
    sg = project.graph
    found: list[Coverage] | None = None  # what covers the requirement, asked once for all its scopes
    for rule, profile, covered in scopes:
        rules.setdefault(rule.id, None)
        if covered:
            if found is None:
                found = sg.covering(req.key)
            for item in _covering(sg, found, rule):
                covering.setdefault((item.how, item.by, item.matrix), item)
            continue
        gaps.append(Gap(rule.id, profile or "", waived.get((req.spec, req.id, rule.id, profile or ""), "")))
    if not gaps:
        value = COVERED
    elif all(g.waived_by for g in gaps):
        value = WAIVED
    else:
        value = UNCOVERED
    return Status(req.spec, req.id, value, req.key, tuple(rules), tuple(covering.values()), tuple(gaps), parts)


def _covering(sg: SpecGraph, found: list[Coverage], rule: model.Rule) -> Iterator[Coverage]:
    """Of what covers a requirement (`SpecGraph.covering`), what counts for `rule`."""
    for item in found:
        if item.how == "traces" and rule.covered_by in ("traces", "either"):
            if not rule.from_spec or sg.spec_of(item.by) == rule.from_spec:
                yield item
        elif item.how == "supports" and item.covers and rule.covered_by in ("support", "either"):
            yield item
