"""The spec as plain typed data. No I/O here: `load` builds these, everything else reads them.

Every object keeps the Location it was defined at, so any message about it can point at the YAML.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, TypeVar

from ra2docs.errors import NOWHERE, Location

if TYPE_CHECKING:
    from ra2docs.verification_model import ResultSet, TestCase

LEVEL_RANK = {"must": 3, "must-not": 3, "should": 2, "should-not": 2, "may": 1}


@dataclass(frozen=True, slots=True)
class Source:
    """A citation: the document and section a fact comes from."""

    document: str
    section: str = ""
    url: str = ""
    note: str = ""

    def __str__(self) -> str:
        return f"{self.document}, {self.section}" if self.section else self.document


@dataclass(frozen=True, slots=True)
class Named:
    id: str
    title: str = ""
    description: str = ""


@dataclass(frozen=True, slots=True)
class Spec:
    id: str
    title: str
    id_pattern: str
    version: str = ""
    description: str = ""
    based_on: tuple[str, ...] = ()
    profiles: tuple[Named, ...] = ()
    categories: tuple[Named, ...] = ()
    sections: tuple[Named, ...] = ()
    url: str = ""
    source: Source | None = None
    location: Location = NOWHERE
    field_locations: dict[str, Location] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Requirement:
    id: str
    spec: str
    title: str
    description: str = ""
    level: str = "must"
    profiles: dict[str, str] = field(default_factory=dict)  # profile -> level in that profile
    category: str = ""
    section: str = ""
    status: str = ""
    tags: tuple[str, ...] = ()
    source: Source | None = None
    traces: tuple[str, ...] = ()
    traced_by: tuple[str, ...] = ()
    refines: tuple[str, ...] = ()
    depends: tuple[str, ...] = ()
    notes: str = ""
    location: Location = NOWHERE
    # where each field was written, for messages about one field (e.g. a dangling trace)
    field_locations: dict[str, Location] = field(default_factory=dict, compare=False, repr=False)

    def applies_to(self, profile: str | None) -> bool:
        return profile is None or not self.profiles or profile in self.profiles

    def level_in(self, profile: str | None) -> str:
        if profile is None:
            return self.level
        return self.profiles.get(profile, self.level)


@dataclass(frozen=True, slots=True)
class Component:
    id: str
    kind: str
    name: str
    versions: tuple[str, ...] = ()
    description: str = ""
    status: str = ""
    url: str = ""
    source: Source | None = None
    attributes: dict[str, str] = field(default_factory=dict)
    location: Location = NOWHERE


@dataclass(frozen=True, slots=True)
class Level:
    id: str
    label: str
    covers: bool = False
    placeholder: bool = False
    colour: str = ""
    symbol: str = ""
    description: str = ""


@dataclass(frozen=True, slots=True)
class Vocabulary:
    id: str
    title: str
    levels: tuple[Level, ...]
    location: Location = NOWHERE

    def level(self, level_id: str) -> Level | None:
        for lvl in self.levels:
            if lvl.id == level_id:
                return lvl
        return None


@dataclass(frozen=True, slots=True)
class Cell:
    column: str  # component ID
    level: str
    via: str = ""  # component the support relies on
    note: str = ""
    text: str = ""  # the source document's wording
    location: Location = NOWHERE


@dataclass(frozen=True, slots=True)
class Row:
    """A matrix row: about a requirement (`requirement`) or a named feature (`feature`)."""

    requirement: str = ""
    feature: str = ""
    title: str = ""
    note: str = ""
    source: Source | None = None
    cells: tuple[Cell, ...] = ()
    location: Location = NOWHERE

    @property
    def key(self) -> str:
        return self.requirement or self.feature


@dataclass(frozen=True, slots=True)
class Matrix:
    id: str
    title: str
    vocabulary: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    description: str = ""
    column_titles: dict[str, str] = field(default_factory=dict)
    show_attributes: tuple[str, ...] = ()
    sparse: bool = False  # missing cells are not "unknown cells"
    source: Source | None = None
    location: Location = NOWHERE


@dataclass(frozen=True, slots=True)
class Link:
    source_id: str
    target_id: str
    type: str  # traces | refines | depends
    note: str = ""
    source: Source | None = None
    location: Location = NOWHERE
    stated_at: str = "from"  # "from": stated by the source end; "to": by the target (traced_by)


@dataclass(frozen=True, slots=True)
class Stack:
    id: str
    title: str
    components: tuple[str, ...]
    vendor: str = ""
    description: str = ""
    source: Source | None = None
    location: Location = NOWHERE


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    spec: str
    covered_by: str  # traces | support | either
    title: str = ""
    from_spec: str = ""
    levels: tuple[str, ...] = ()
    profiles: tuple[str, ...] = ()
    stacks: bool = False
    severity: str = ""
    location: Location = NOWHERE


@dataclass(frozen=True, slots=True)
class Policy:
    rules: tuple[Rule, ...] = ()
    both_directions: tuple[str, ...] = ()
    severities: dict[str, str] = field(default_factory=dict)
    severity_locations: dict[str, Location] = field(default_factory=dict)  # where each override is written


@dataclass(frozen=True, slots=True)
class Waiver:
    code: str
    target: str
    reason: str
    expires: dt.date | None = None
    scope: dict[str, str] = field(default_factory=dict)
    file: str = ""
    upstream: str = ""
    location: Location = NOWHERE


@dataclass(frozen=True, slots=True)
class Answer:
    id: str
    compliance: str
    comment: str = ""
    evidence: str = ""
    location: Location = NOWHERE


@dataclass(frozen=True, slots=True)
class VendorResponse:
    vendor: str
    answers: tuple[Answer, ...]
    imported_from: str = ""
    imported_at: str = ""
    checksum: str = ""
    spec_versions: dict[str, str] = field(default_factory=dict)
    # The requirements the workbook asked about, answered or not: the scope a comparison scores over.
    # Empty in files written before it was recorded; the answered requirements are the scope then.
    asked: tuple[str, ...] = ()
    location: Location = NOWHERE


@dataclass(frozen=True, slots=True)
class Tree:
    """Everything one spec tree holds, in file order."""

    root: str
    specs: tuple[Spec, ...] = ()
    requirements: tuple[Requirement, ...] = ()
    component_kinds: tuple[Named, ...] = ()
    components: tuple[Component, ...] = ()
    vocabularies: tuple[Vocabulary, ...] = ()
    matrices: tuple[Matrix, ...] = ()
    links: tuple[Link, ...] = ()
    stacks: tuple[Stack, ...] = ()
    policy: Policy = field(default_factory=Policy)
    waivers: tuple[Waiver, ...] = ()
    responses: tuple[VendorResponse, ...] = ()
    testcases: tuple[TestCase, ...] = ()  # ra2docs.verification_model
    results: tuple[ResultSet, ...] = ()
    files: tuple[str, ...] = ()  # every YAML file read, for dependency tracking

    def requirement_index(self) -> dict[str, Requirement]:
        """First definition wins; duplicates are reported by the checks."""
        return _first_by_id(self.requirements)

    def component_index(self) -> dict[str, Component]:
        return _first_by_id(self.components)

    def spec_index(self) -> dict[str, Spec]:
        return _first_by_id(self.specs)

    def vocabulary_index(self) -> dict[str, Vocabulary]:
        return _first_by_id(self.vocabularies)

    def all_links(self) -> list[Link]:
        """Links stated on requirements (traces, traced_by, refines, depends) and in links files."""
        links: list[Link] = []
        for req in self.requirements:
            locs = req.field_locations
            for link_type in ("traces", "refines", "depends"):
                where = locs.get(link_type, req.location)
                for target in getattr(req, link_type):
                    links.append(Link(req.id, target, link_type, location=where))
            where = locs.get("traced_by", req.location)
            for origin in req.traced_by:
                links.append(Link(origin, req.id, "traces", location=where, stated_at="to"))
        links.extend(self.links)
        return links


class _Identified(Protocol):
    @property
    def id(self) -> str: ...


_T = TypeVar("_T", bound=_Identified)


def _first_by_id(items: Iterable[_T]) -> dict[str, _T]:
    """Items by ID, the first definition of an ID winning (duplicates are the checks' business)."""
    index: dict[str, _T] = {}
    for item in items:
        index.setdefault(item.id, item)
    return index
