"""What changed between two releases of a spec tree: `ra2docs diff OLD NEW` and the change-log directive.

Both sides are loaded as trees (see `revision` for git revisions) and compared:

- requirements added and removed; *renamed* when a removed and an added requirement of the same spec
  have the same title and description (whitespace aside) and no other pair shares that content;
- requirements *changed*: which fields differ (links included), with the old and new values; an ID
  whose title and text both changed beyond recognition is also listed as *meaning changed* (the same
  ID now names another requirement: links and answers made against the old one no longer fit);
- links gained and lost, by (from, to, type), with renamed IDs followed so a rename alone is no change;
- coverage gained and lost: for each policy rule (and each of its profiles), the requirements present
  in both trees that became covered or uncovered;
- support cells changed: a matrix cell added, removed, or with a new level, via or note;
- test cases added and removed, and verification gained and lost: (requirement, test case) pairs of
  the expanded `verifies` links, for requirements and test cases present in both trees (see
  `ra2docs.verification_diff`).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from ra2docs import model
from ra2docs.graph import SpecGraph

COMPARED_FIELDS = ("spec", "title", "description", "level", "profiles", "category", "section", "status", "tags",
                   "source", "traces", "traced_by", "refines", "depends", "notes")


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    old: Any
    new: Any


@dataclass(frozen=True, slots=True)
class CoverageChange:
    requirement: str
    rule: str
    profile: str  # "" when the rule is checked across all profiles


@dataclass(frozen=True, slots=True)
class CellChange:
    matrix: str
    row: str
    column: str
    old_level: str  # "" when the cell is new
    new_level: str  # "" when the cell was removed
    old_note: str = ""
    new_note: str = ""


@dataclass
class TreeDiff:
    old_label: str
    new_label: str
    added: list[tuple[str, str]] = field(default_factory=list)  # (ID, title)
    removed: list[tuple[str, str]] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)  # (old ID, new ID)
    changed: dict[str, list[FieldChange]] = field(default_factory=dict)
    links_gained: list[tuple[str, str, str]] = field(default_factory=list)  # (from, to, type)
    links_lost: list[tuple[str, str, str]] = field(default_factory=list)
    coverage_gained: list[CoverageChange] = field(default_factory=list)
    coverage_lost: list[CoverageChange] = field(default_factory=list)
    cells_changed: list[CellChange] = field(default_factory=list)
    tests_added: list[tuple[str, str]] = field(default_factory=list)  # (test case ID, title)
    tests_removed: list[tuple[str, str]] = field(default_factory=list)
    verification_gained: list[tuple[str, str]] = field(default_factory=list)  # (requirement, test case)
    verification_lost: list[tuple[str, str]] = field(default_factory=list)
    meaning_changed: list[tuple[str, str, str]] = field(default_factory=list)  # (ID, old title, new title)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.renamed or self.changed or self.links_gained
                    or self.links_lost or self.coverage_gained or self.coverage_lost or self.cells_changed
                    or self.tests_added or self.tests_removed or self.verification_gained
                    or self.verification_lost)

    def counts(self) -> dict[str, int]:
        return {"added": len(self.added), "removed": len(self.removed), "renamed": len(self.renamed),
                "changed": len(self.changed), "links_gained": len(self.links_gained),
                "links_lost": len(self.links_lost), "coverage_gained": len(self.coverage_gained),
                "coverage_lost": len(self.coverage_lost), "cells_changed": len(self.cells_changed),
                "tests_added": len(self.tests_added), "tests_removed": len(self.tests_removed),
                "verification_gained": len(self.verification_gained),
                "verification_lost": len(self.verification_lost), "meaning_changed": len(self.meaning_changed)}

    def as_dict(self) -> dict[str, Any]:
        return {
            "version": 1, "old": self.old_label, "new": self.new_label, "counts": self.counts(),
            "added": [{"id": i, "title": t} for i, t in self.added],
            "removed": [{"id": i, "title": t} for i, t in self.removed],
            "renamed": [{"old": o, "new": n} for o, n in self.renamed],
            "changed": [{"id": rid, "fields": [asdict(c) for c in changes]}
                        for rid, changes in self.changed.items()],
            "links_gained": [{"from": f, "to": t, "type": k} for f, t, k in self.links_gained],
            "links_lost": [{"from": f, "to": t, "type": k} for f, t, k in self.links_lost],
            "coverage_gained": [asdict(c) for c in self.coverage_gained],
            "coverage_lost": [asdict(c) for c in self.coverage_lost],
            "cells_changed": [asdict(c) for c in self.cells_changed],
            "tests_added": [{"id": i, "title": t} for i, t in self.tests_added],
            "tests_removed": [{"id": i, "title": t} for i, t in self.tests_removed],
            "verification_gained": [{"requirement": r, "test": t} for r, t in self.verification_gained],
            "verification_lost": [{"requirement": r, "test": t} for r, t in self.verification_lost],
            "meaning_changed": [{"id": i, "old_title": o, "new_title": n} for i, o, n in self.meaning_changed],
        }


def _value(req: model.Requirement, name: str) -> Any:
    value = getattr(req, name)
    if name == "source":
        return str(value) if value else ""
    if isinstance(value, tuple):
        return list(value)
    return value


def _content_key(req: model.Requirement) -> tuple[str, str, str]:
    return (req.spec, " ".join(req.title.split()), " ".join(req.description.split()))


def find_renames(removed: Iterable[model.Requirement], added: Iterable[model.Requirement]) -> dict[str, str]:
    """Old ID -> new ID for pairs whose content matches one to one."""
    olds: dict[tuple[str, str, str], list[str]] = {}
    news: dict[tuple[str, str, str], list[str]] = {}
    for req in removed:
        olds.setdefault(_content_key(req), []).append(req.id)
    for req in added:
        news.setdefault(_content_key(req), []).append(req.id)
    return {o[0]: news[key][0] for key, o in olds.items()
            if len(o) == 1 and len(news.get(key, ())) == 1 and (key[1] or key[2])}


def _links(tree: model.Tree, rename: dict[str, str]) -> set[tuple[str, str, str]]:
    return {(rename.get(lk.source_id, lk.source_id), rename.get(lk.target_id, lk.target_id), lk.type)
            for lk in tree.all_links()}


def _uncovered(graph: SpecGraph) -> set[tuple[str, str, str]]:
    """(requirement, rule, profile) for every gap the policy sees."""
    gaps = set()
    for rule in graph.tree.policy.rules:
        if rule.covered_by == "tests":  # verification: see verification_gained / _lost
            continue
        for profile in rule.profiles or (None,):
            for req in graph.uncovered(rule, profile):
                gaps.add((req.id, rule.id, profile or ""))
    return gaps


def _in_scope(graph: SpecGraph) -> set[tuple[str, str, str]]:
    scope: set[tuple[str, str, str]] = set()
    for rule in graph.tree.policy.rules:
        if rule.covered_by == "tests":
            continue
        for profile in rule.profiles or (None,):
            scope.update((req.id, rule.id, profile or "") for req in graph.in_scope(rule, profile))
    return scope


def _cells(tree: model.Tree, rename: dict[str, str]) -> dict[tuple[str, str, str], model.Cell]:
    out = {}
    for matrix in tree.matrices:
        for row in matrix.rows:
            key = rename.get(row.requirement, row.requirement) if row.requirement else row.feature
            for cell in row.cells:
                out[(matrix.id, key, cell.column)] = cell
    return out


def diff_trees(old: model.Tree, new: model.Tree, old_label: str = "old", new_label: str = "new",
               old_graph: SpecGraph | None = None, new_graph: SpecGraph | None = None) -> TreeDiff:
    result = TreeDiff(old_label, new_label)
    old_reqs, new_reqs = old.requirement_index(), new.requirement_index()
    gone = [old_reqs[i] for i in sorted(old_reqs.keys() - new_reqs.keys())]
    came = [new_reqs[i] for i in sorted(new_reqs.keys() - old_reqs.keys())]
    rename = find_renames(gone, came)
    renamed_to = set(rename.values())
    result.renamed = sorted(rename.items())
    result.removed = [(r.id, r.title) for r in gone if r.id not in rename]
    result.added = [(r.id, r.title) for r in came if r.id not in renamed_to]

    def mapped(ids: Iterable[str]) -> list[str]:
        return [rename.get(i, i) for i in ids]

    for rid in sorted(old_reqs.keys() & new_reqs.keys()) + [o for o, _ in result.renamed]:
        before, after = old_reqs[rid], new_reqs[rename.get(rid, rid)]
        changes = []
        for name in COMPARED_FIELDS:
            old_value, new_value = _value(before, name), _value(after, name)
            if name in ("traces", "traced_by", "refines", "depends"):
                old_value = mapped(old_value)
            if old_value != new_value:
                changes.append(FieldChange(name, old_value, new_value))
        if changes:
            result.changed[after.id] = changes
        if rid == rename.get(rid, rid) and _other_meaning(before, after):
            result.meaning_changed.append((after.id, before.title, after.title))

    old_links, new_links = _links(old, rename), _links(new, {})
    result.links_gained = sorted(new_links - old_links)
    result.links_lost = sorted(old_links - new_links)

    old_graph = old_graph or SpecGraph.build(old)
    new_graph = new_graph or SpecGraph.build(new)
    old_gaps = {(rename.get(r, r), rule, p) for r, rule, p in _uncovered(old_graph)}
    old_scope = {(rename.get(r, r), rule, p) for r, rule, p in _in_scope(old_graph)}
    new_gaps, new_scope = _uncovered(new_graph), _in_scope(new_graph)
    both = old_scope & new_scope
    result.coverage_gained = [CoverageChange(*k) for k in sorted((old_gaps - new_gaps) & both)]
    result.coverage_lost = [CoverageChange(*k) for k in sorted((new_gaps - old_gaps) & both)]

    old_cells, new_cells = _cells(old, rename), _cells(new, {})
    for key in sorted(old_cells.keys() | new_cells.keys()):
        a, b = old_cells.get(key), new_cells.get(key)
        if a is not None and b is not None and (a.level, a.via, a.note) == (b.level, b.via, b.note):
            continue
        result.cells_changed.append(CellChange(*key, a.level if a else "", b.level if b else "",
                                               a.note if a else "", b.note if b else ""))
    from ra2docs.verification_diff import add_verification_changes

    add_verification_changes(result, old_graph, new_graph, rename)
    return result


MEANING_SIMILARITY = 0.4  # below this (difflib ratio of title and text), an ID names another requirement


def _other_meaning(before: model.Requirement, after: model.Requirement) -> bool:
    """Whether the same ID now names another requirement: title and description both changed, and what
    they say together is mostly different."""
    if before.title == after.title or before.description == after.description:
        return False
    old = " ".join(f"{before.title} {before.description}".lower().split())
    new = " ".join(f"{after.title} {after.description}".lower().split())
    return difflib.SequenceMatcher(None, old, new).ratio() < MEANING_SIMILARITY


def _show(value: Any, limit: int = 120) -> str:
    text = ", ".join(map(str, value)) if isinstance(value, list) else \
        ", ".join(f"{k}={v}" for k, v in value.items()) if isinstance(value, dict) else str(value)
    text = " ".join(text.split())
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return f"'{text}'" if text else "(none)"


def cell_text(c: CellChange) -> str:
    where = f"{c.matrix}: {c.row} / {c.column}"
    if not c.old_level:
        return f"{where}: added at {c.new_level}"
    if not c.new_level:
        return f"{where}: removed (was {c.old_level})"
    if c.old_level != c.new_level:
        return f"{where}: {c.old_level} -> {c.new_level}"
    return f"{where}: {c.new_level} (details changed)"


def summary(d: TreeDiff) -> str:
    """One line: the count of each kind of change, e.g. 'added: 1, renamed: 1, cells changed: 2'."""
    counts = d.counts()
    return "no changes" if d.empty else ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in counts.items() if v)


def render_text(d: TreeDiff) -> str:
    lines = [f"ra2docs diff {d.old_label} -> {d.new_label}"]

    def section(title: str, items: list[str]) -> None:
        if items:
            lines.append(f"\n{title} ({len(items)}):")
            lines.extend(f"  {item}" for item in items)

    section("requirements added", [f"+ {i}  {t}" for i, t in d.added])
    section("requirements removed", [f"- {i}  {t}" for i, t in d.removed])
    section("requirements renamed", [f"~ {o} -> {n}" for o, n in d.renamed])
    changed = []
    for rid, changes in d.changed.items():
        changed.append(f"* {rid}: {', '.join(c.field for c in changes)}")
        changed.extend(f"    {c.field}: {_show(c.old)} -> {_show(c.new)}" for c in changes)
    if changed:
        lines.append(f"\nrequirements changed ({len(d.changed)}):")
        lines.extend(f"  {line}" for line in changed)
    section("links gained", [f"+ {f} --{k}--> {t}" for f, t, k in d.links_gained])
    section("links lost", [f"- {f} --{k}--> {t}" for f, t, k in d.links_lost])
    section("coverage gained", [f"+ {c.requirement} (rule {c.rule}{', profile ' + c.profile if c.profile else ''})"
                                for c in d.coverage_gained])
    section("coverage lost", [f"- {c.requirement} (rule {c.rule}{', profile ' + c.profile if c.profile else ''})"
                              for c in d.coverage_lost])
    section("support cells changed", [cell_text(c) for c in d.cells_changed])
    section("IDs whose meaning changed (the same ID now names another requirement)",
            [f"! {i}: '{o}' -> '{n}'" for i, o, n in d.meaning_changed])
    section("test cases added", [f"+ {i}  {t}" for i, t in d.tests_added])
    section("test cases removed", [f"- {i}  {t}" for i, t in d.tests_removed])
    section("verification gained", [f"+ {r} verified by {t}" for r, t in d.verification_gained])
    section("verification lost", [f"- {r} no longer verified by {t}" for r, t in d.verification_lost])
    lines.append("\n" + summary(d))
    return "\n".join(lines) + "\n"
