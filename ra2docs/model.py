"""The spec as plain typed data. No I/O here: `load` builds these, everything else reads them.

Every object keeps the Location it was defined at, so any message about it can point at the YAML.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Protocol, TypeVar

from ra2docs.errors import NOWHERE, Location

if TYPE_CHECKING:
    from ra2docs.verification_model import ResultSet, TestCase

# Link types every tree has unless its policy declares `link_types`: id -> inverse name.
DEFAULT_LINK_TYPES = {"traces": "traced_by", "refines": "refined_by", "depends": "needed_by",
                      "verifies": "verified_by", "same-as": "same-as", "renamed-from": "renamed-to"}

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
    anchor: str = ""  # sections: a Sphinx label or URL the section renders as a link to
    children: tuple[Named, ...] = ()  # sections: subsections


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
class Value:
    """A value stated beside a level: a quantity (comparator, number, unit), a ratio, a flag or text."""

    kind: str  # quantity | ratio | flag | text
    text: str  # as written (or composed from the typed mapping)
    quantity: float | None = None
    comparator: str = ""
    unit: str = ""

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class Requirement:
    id: str
    spec: str
    title: str
    description: str = ""
    level: str = "must"  # "" when the YAML states none ("unstated"); the loader never defaults it
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
    # the graph node and display ID: the ID, or `SPEC:id` when another spec defines the same ID (`assign_keys`)
    key: str = ""
    value: Value | None = None  # the value beside the level (all profiles)
    values: dict[str, Value] = field(default_factory=dict)  # profile -> value beside its level
    links: tuple[tuple[str, str], ...] = ()  # (link type or inverse name, reference) from `links:`
    registered: bool = False  # made from a registry entry alone (no requirements file gives its text)

    def __post_init__(self) -> None:
        if not self.key:
            object.__setattr__(self, "key", self.id)

    def with_key(self, key: str) -> Requirement:
        return replace(self, key=key)

    def applies_to(self, profile: str | None) -> bool:
        return profile is None or not self.profiles or profile in self.profiles

    def level_in(self, profile: str | None) -> str:
        if profile is None:
            return self.level
        return self.profiles.get(profile, self.level)

    def value_in(self, profile: str | None) -> Value | None:
        if profile is None:
            return self.value
        return self.values.get(profile, self.value)


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

    def covering_levels(self) -> set[str]:
        """The IDs of the levels that count as covering a requirement."""
        return {lvl.id for lvl in self.levels if lvl.covers}


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
    # the column of the `requirement` value when it is on the row's first line (0: not known): a column, not
    # a Location, as a matrix may have 100,000 rows
    requirement_column: int = field(default=0, compare=False)

    @property
    def key(self) -> str:
        return self.requirement or self.feature

    @property
    def requirement_location(self) -> Location:
        """Where the row's `requirement` value is written (the row's start when that is not known)."""
        loc = self.location
        return replace(loc, column=self.requirement_column) if self.requirement_column else loc


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
    spec: str = ""  # rows' requirement references resolve as written in a file of this spec ("" = any)
    source: Source | None = None
    location: Location = NOWHERE


@dataclass(frozen=True, slots=True)
class Link:
    source_id: str
    target_id: str
    type: str  # traces | refines | depends | a declared link type
    note: str = ""
    source: Source | None = None
    location: Location = NOWHERE
    stated_at: str = "from"  # "from": stated by the source end; "to": by the target (traced_by)
    context: str = ""  # the spec whose file states it: unqualified references resolve as seen from it
    title: str = ""  # the section title the source cites, when an end is a section
    # where a links file writes the `from` and `to` values (a finding about one end points at it); () elsewhere
    end_locations: tuple[Location, ...] = field(default=(), compare=False)


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
class LinkPair:
    source: str  # spec of the source end
    target: str  # spec of the target end
    both_ends: bool = False
    location: Location = NOWHERE


@dataclass(frozen=True, slots=True)
class LinkType:
    id: str
    inverse: str = ""
    title: str = ""
    pairs: tuple[LinkPair, ...] = ()  # empty: any pair of specs
    location: Location = NOWHERE


@dataclass(frozen=True, slots=True)
class RegistryEntry:
    spec: str
    id: str
    section: str = ""
    level: str = ""
    profiles: dict[str, str] = field(default_factory=dict)
    title: str = ""
    location: Location = NOWHERE
    values: dict[str, Value] = field(default_factory=dict)  # profile -> value beside its level
    source: Source | None = None  # the entry's, else its file's

    @property
    def overall_level(self) -> str:
        """The level stated for the whole item, else the strongest of its profiles' ("" when none)."""
        if self.level or not self.profiles:
            return self.level
        return max(self.profiles.values(), key=lambda lv: LEVEL_RANK.get(lv, 0))


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
    unstated: bool = False  # requirements that state no level are in scope
    categories: tuple[str, ...] = ()  # only requirements of these categories (none: every category)
    location: Location = NOWHERE

    def takes_level(self, level: str) -> bool:
        """Whether a requirement at `level` is in the rule's scope: `must` takes in `must-not` (mandatory),
        `should` takes in `should-not`. A rule naming levels takes in requirements that state no level
        ("unstated") only with `unstated: include`; a rule naming none takes in every requirement."""
        if not self.levels:
            return True
        if not level:
            return self.unstated
        return level in self.levels or (level.endswith("-not") and level[:-4] in self.levels)


@dataclass(frozen=True, slots=True)
class Policy:
    rules: tuple[Rule, ...] = ()
    both_directions: tuple[str, ...] = ()  # v1; link_types pairs with both_ends replace it
    both_directions_location: Location = NOWHERE
    link_types: tuple[LinkType, ...] = ()  # declared; empty: the defaults (schema.DEFAULT_LINK_TYPES)
    severities: dict[str, str] = field(default_factory=dict)
    severity_locations: dict[str, Location] = field(default_factory=dict)  # where each override is written


@dataclass(frozen=True, slots=True)
class Waiver:
    code: str
    target: str
    reason: str
    expires: dt.date | None = None
    scope: dict[str, str] = field(default_factory=dict)  # spec, rule, category are scope keys too
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
    # The cover's vendor details block as the vendor filled it in (vendor, contact, date, reference)
    details: dict[str, str] = field(default_factory=dict)
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
    registry: tuple[RegistryEntry, ...] = ()
    files: tuple[str, ...] = ()  # every YAML file read, for dependency tracking

    def __post_init__(self) -> None:
        object.__setattr__(self, "requirements", assign_keys(self.requirements))

    def requirement_index(self) -> dict[str, Requirement]:
        """Requirements by key (`Requirement.key`); the first definition of a key wins (duplicates within one
        spec are reported by the checks)."""
        index: dict[str, Requirement] = {}
        for req in self.requirements:
            index.setdefault(req.key, req)
        return index

    @property
    def link_types(self) -> dict[str, LinkType]:
        """The tree's link types by ID: the policy's `link_types`, or the defaults."""
        if self.policy.link_types:
            return {lt.id: lt for lt in self.policy.link_types}
        return {lt: LinkType(lt, inverse) for lt, inverse in DEFAULT_LINK_TYPES.items()}

    @property
    def inverses(self) -> dict[str, str]:
        """Inverse names (e.g. traced_by) to their link type, where the inverse differs from the type."""
        return {lt.inverse: lt.id for lt in self.link_types.values() if lt.inverse and lt.inverse != lt.id}

    def component_index(self) -> dict[str, Component]:
        return _first_by_id(self.components)

    def spec_index(self) -> dict[str, Spec]:
        return _first_by_id(self.specs)

    def vocabulary_index(self) -> dict[str, Vocabulary]:
        return _first_by_id(self.vocabularies)

    def all_links(self) -> list[Link]:
        """Links stated on requirements (traces, traced_by, refines, depends) and in links files."""
        links: list[Link] = []
        inverses = self.inverses
        for req in self.requirements:
            locs = req.field_locations
            for link_type in ("traces", "refines", "depends"):
                where = locs.get(link_type, req.location)
                for target in getattr(req, link_type):
                    links.append(Link(req.key, target, link_type, location=where, context=req.spec))
            where = locs.get("traced_by", req.location)
            for origin in req.traced_by:
                links.append(Link(origin, req.key, "traces", location=where, stated_at="to", context=req.spec))
            where = locs.get("links", req.location)
            for name, ref in req.links:
                inverse = inverses.get(name)
                if inverse is not None:
                    links.append(Link(ref, req.key, inverse, location=where, stated_at="to", context=req.spec))
                else:
                    links.append(Link(req.key, ref, name, location=where, context=req.spec))
        links.extend(self.links)
        return links


def assign_keys(requirements: Iterable[Requirement]) -> tuple[Requirement, ...]:
    """The requirements with their keys: `SPEC:id` for an ID that two specs define, else the ID."""
    reqs = tuple(requirements)
    specs_of: dict[str, set[str]] = {}
    for req in reqs:
        specs_of.setdefault(req.id, set()).add(req.spec)
    if all(len(s) == 1 for s in specs_of.values()) and all(req.key == req.id for req in reqs):
        return reqs
    out = []
    for req in reqs:
        want = f"{req.spec}:{req.id}" if len(specs_of[req.id]) > 1 else req.id
        out.append(req if req.key == want else req.with_key(want))
    return tuple(out)


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
