"""The shape of every kind of YAML file, declared once.

The loader validates against these declarations, and the JSON Schemas shipped in `ra2docs/schemas/`
(for editors with a YAML language server) are generated from them: `python -m ra2docs.schema DIR`.
A test fails when the shipped schemas drift from these declarations.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

LEVELS = ("must", "must-not", "should", "should-not", "may")
LINK_TYPES = ("traces", "refines", "depends")  # the link fields of a requirement (v1)

COMPLIANCE = ("fully-compliant", "partially-compliant", "not-compliant", "roadmap", "not-applicable",
              "clarification-needed")
SEVERITIES = ("info", "warning", "error")
# IDs of components, matrices, vocabularies, levels, stacks, profiles, kinds: no spaces, no markup.
SLUG = r"^[A-Za-z0-9][A-Za-z0-9._+:/-]*$"
SCHEMA_BASE = "https://ra2docs.example/schemas/"


@dataclass(frozen=True)
class F:
    """A field declaration. `type` is a JSON type, or "date", "union" (one of `options`), "map"."""

    type: str
    required: bool = False
    doc: str = ""
    enum: tuple[str, ...] = ()
    pattern: str | None = None
    items: F | None = None  # array items, map values
    fields: dict[str, F] | None = None  # object members
    options: tuple[F, ...] = ()  # union alternatives, told apart by their JSON type
    default: object = None


def obj(doc: str = "", /, **fields: F) -> F:
    """An object of these fields (`doc` positional-only, so that any field name, even `doc`, is free)."""
    return F("object", doc=doc, fields=fields)


def arr(items: F, doc: str = "", required: bool = False) -> F:
    return F("array", required=required, doc=doc, items=items)


def s(doc: str = "", required: bool = False, **kw: object) -> F:
    return F("string", required=required, doc=doc, **kw)  # type: ignore[arg-type]


SOURCE = F("union", doc="Where the fact comes from: a short citation, or document and section.", options=(
    s("A short citation, e.g. 'RA2 ch.4 §4.5'."),
    obj("A structured citation.", document=s("Document name", required=True), section=s("Section"),
        url=s("Address of the document"), note=s("Remark on the source")),
))
def _section(depth: int) -> F:
    fields: dict[str, F] = {
        "id": s("Section number (digits and dots, e.g. 4.1.2; a slug in v1 files)", required=True, pattern=SLUG),
        "title": s("Section title"), "description": s("What the section holds"),
        "anchor": s("Where it is published: a Sphinx label or a URL; its link target renders there")}
    if depth:
        fields["sections"] = arr(_section(depth - 1), "Subsections")
    return F("union", options=(s("Section number", pattern=SLUG), obj("A section.", **fields)))


SECTIONS = arr(_section(5), "The spec's section tree; requirements sit in a section and links may target one "
               "(SPEC:4.1.2)")
VALUE = F("union", doc="A value beside the level: '>= 16', 'at least 16 GB', '1:1', 'Y', or any text; or a "
          "mapping naming its type", options=(
              s("A value: a quantity ('>= 16 GB'), a ratio ('1:1'), a flag (Y/N) or text"),
              obj("A typed value.", quantity=s("Number"), comparator=s("Comparator", enum=(">=", "<=", ">", "<", "=")),
                  unit=s("Unit"), ratio=s("Ratio, e.g. 1:1"), flag=F("boolean", doc="Yes or no"),
                  text=s("Free text"))))
PROFILE_CELL = F("union", doc="The level in this profile, or a level with a value", options=(
    s("Level in this profile", enum=LEVELS),
    obj("Level and value in this profile.", level=s("Level", enum=LEVELS), value=VALUE)))


ID_LIST = arr(s("An ID"))
PROFILES = F("union", doc="Profiles the requirement applies to: a list, or a map of profile to level "
             "(or to {level, value}).",
             options=(arr(s("Profile ID", pattern=SLUG)), F("map", items=PROFILE_CELL)))
NAMED = F("union", options=(s("ID", pattern=SLUG),
                            obj(id=s("ID", required=True, pattern=SLUG), title=s("Title"),
                                description=s("Description"))))
KIND = s("The kind of this file", required=True)


REQUIREMENT = obj(
    "A requirement.",
    id=s("Requirement ID; must match the spec's id_pattern", required=True),
    title=s("Short title, in the spec team's own words", required=True),
    description=s("What is required"),
    level=s("Normative level; a requirement without one is 'unstated'", enum=LEVELS),
    value=VALUE,
    profiles=PROFILES,
    category=s("Category (defaults to the file's category)"),
    section=s("Section of the spec (defaults to the file's section)"),
    status=s("Status, e.g. draft, approved, deprecated"),
    tags=arr(s("Tag")),
    source=SOURCE,
    traces=arr(s("ID"), "Requirements of a base spec this one satisfies (RA to RM)"),
    traced_by=arr(s("ID"), "Requirements that trace to this one, stated from this end"),
    refines=arr(s("ID"), "Requirements this one refines"),
    depends=arr(s("ID"), "Requirements this one depends on"),
    links=F("map", doc="Links of any declared link type (or its inverse name) to requirement or section "
            "references", items=arr(s("Reference: ID, SPEC:id or SPEC:4.1.2"))),
    notes=s("Editorial notes"),
)

CELL = F("union", doc="A support level, or a level with details.", options=(
    s("Support level ID"),
    obj(level=s("Support level ID", required=True), via=s("Component it relies on"),
        note=s("Remark shown with the cell"), text=s("The cell's wording in the source document")),
))

KINDS: dict[str, F] = {
    "spec": obj(
        "A specification: a reference model, a reference architecture, or an operator's own.",
        kind=KIND, id=s("Spec ID", required=True, pattern=SLUG), title=s("Title", required=True),
        version=s("Version or release"), description=s("What the spec is"),
        id_pattern=s("Regular expression every requirement ID of this spec must match", required=True),
        based_on=arr(s("Spec ID"), "Specs whose requirements this one satisfies"),
        profiles=arr(NAMED, "Profiles requirements can apply to"),
        categories=arr(NAMED, "Categories of requirements"),
        sections=SECTIONS,
        url=s("Address of the published spec"), source=SOURCE,
    ),
    "requirements": obj(
        "Requirements of one spec. File-level category, section and source are defaults.",
        kind=KIND, spec=s("Spec ID", required=True), category=s("Default category"),
        section=s("Default section"), level=s("Default level of the requirements below", enum=LEVELS),
        source=SOURCE, title=s("Title of this group"),
        requirements=arr(REQUIREMENT, required=True),
    ),
    "components": obj(
        "Components and the kinds they are grouped by.",
        kind=KIND, kinds=arr(NAMED, "Component kinds (host OS, kernel, CNI plugin, ...)"),
        components=arr(obj(
            "A component.",
            id=s("Component ID", required=True, pattern=SLUG), kind=s("Component kind", required=True),
            name=s("Display name", required=True), versions=F("union", doc="Version or range", options=(
                s("Version or range, e.g. '>=1.21'"), arr(s("Version"))
            )),
            description=s("What it is"), status=s("Status, e.g. required, optional, example"),
            url=s("Project address"), source=SOURCE,
            attributes=F("map", doc="Further facts (name to value)", items=s("Value")),
        )),
    ),
    "vocabulary": obj(
        "A vocabulary of support levels for matrices.",
        kind=KIND, id=s("Vocabulary ID", required=True, pattern=SLUG), title=s("Title"),
        levels=arr(obj(
            id=s("Level ID", required=True, pattern=SLUG), label=s("Text shown", required=True),
            covers=F("boolean", doc="Whether a cell at this level counts as coverage", default=False),
            placeholder=F("boolean", doc="Whether this level marks a value still to be stated",
                          default=False),
            colour=s("Colour (CSS hex) for rendering", pattern=r"^#[0-9a-fA-F]{6}$"),
            symbol=s("Short symbol shown beside the text"), description=s("Meaning"),
        ), required=True),
    ),
    "matrix": obj(
        "A support matrix: components side by side against requirements or features.",
        kind=KIND, id=s("Matrix ID", required=True, pattern=SLUG), title=s("Title", required=True),
        description=s("What the matrix compares"), vocabulary=s("Vocabulary ID", required=True),
        columns=arr(s("Component ID"), "Components compared, in order", required=True),
        column_titles=F("map", doc="Column headings as the source shows them", items=s("Heading")),
        show_attributes=arr(s("Attribute name"), "Component attributes shown as header rows"),
        sparse=F("boolean", doc="A missing cell means the component states nothing for the row (no finding); "
                 "by default every row needs a cell for every column", default=False),
        spec=s("Spec the rows' requirement references are read in (as in a file of that spec)"),
        source=SOURCE,
        rows=arr(obj(
            requirement=s("Requirement ID of this row"),
            feature=s("Feature ID of this row (when it is no requirement)", pattern=SLUG),
            title=s("Row title as shown"), note=s("Remark"), source=SOURCE,
            cells=F("map", doc="Column (component ID) to support level", items=CELL),
        ), required=True),
    ),
    "links": obj(
        "Trace links stated apart from the requirements.",
        kind=KIND, links=arr(obj(
            **{"from": s("Requirement or section reference (ID, SPEC:id, SPEC:4.1.2)", required=True)},
            to=s("Requirement or section reference, read as seen from the spec of `from`", required=True),
            type=s("Link type (one the policy declares; by default traces, refines, depends, verifies, "
                   "same-as, renamed-from)", required=True, pattern=SLUG),
            title=s("The section title the source cites (checked against the section's title)"),
            source=SOURCE, note=s("Remark"),
        ), required=True),
    ),
    "stacks": obj(
        "Stacks: named sets of components, such as a vendor's proposed platform.",
        kind=KIND, stacks=arr(obj(
            id=s("Stack ID", required=True, pattern=SLUG), title=s("Title", required=True),
            vendor=s("Who proposes it"), description=s("What it is"),
            components=arr(s("Component ID"), required=True), source=SOURCE,
        ), required=True),
    ),
    "policy": obj(
        "The coverage policy: what must be covered by what.",
        kind=KIND, rules=arr(obj(
            id=s("Rule ID", required=True, pattern=SLUG), title=s("What the rule demands"),
            spec=s("Spec whose requirements must be covered", required=True),
            covered_by=s("traces: a requirement traces to it; support: a component supports it; "
                         "either: one of the two; tests: a test case verifies it", required=True,
                         enum=("traces", "support", "either", "tests")),
            from_spec=s("With covered_by traces: the spec that must trace to it"),
            levels=arr(s("Level", enum=LEVELS), "Only requirements at these levels (must takes in must-not, "
                       "should takes in should-not)"),
            unstated=s("Whether requirements that state no level are in scope (default exclude)",
                       enum=("include", "exclude")),
            categories=arr(s("Category"), "Only requirements of these categories"),
            profiles=arr(s("Profile"), "Check each of these profiles separately"),
            stacks=F("boolean", doc="Also check every stack against this rule", default=False),
            severity=s("Severity of a gap (default error)", enum=SEVERITIES),
        )),
        both_directions=arr(s("Link type", enum=LINK_TYPES), "v1: link types stated from both ends on every "
                            "spec pair; use link_types pairs with both_ends instead"),
        link_types=arr(obj(
            "A link type.", id=s("Link type ID", required=True, pattern=SLUG), title=s("What it means"),
            inverse=s("Its name stated from the target end (e.g. traced_by)", pattern=SLUG),
            pairs=arr(obj("A spec pair the link type may join.", **{"from": s("Spec ID of the source end",
                                                                             required=True)},
                          to=s("Spec ID of the target end", required=True),
                          both_ends=F("boolean", doc="Both ends must state the link", default=False)),
                      "Spec pairs it may join (none: any)"),
        ), "The link types of the tree (default: traces, refines, depends, verifies, same-as, renamed-from)"),
        severities=F("map", doc="Finding code to severity, overriding the catalogue",
                     items=s("Severity", enum=SEVERITIES)),
    ),
    "waivers": obj(
        "Accepted findings, each with a reason.",
        kind=KIND, spec=s("Default spec of the waivers below: they accept that spec's findings only"),
        waivers=arr(obj(
            code=s("Finding code", required=True), target=s("ID (or glob) of what the finding is about; "
                                                              "SPEC:id names the spec too", required=True),
            spec=s("The spec whose finding it accepts (never another spec's)"),
            rule=s("Only findings of this coverage rule"), category=s("Only findings about this category"),
            reason=s("Why the finding is accepted", required=True),
            expires=F("date", doc="Date after which the waiver no longer applies (YYYY-MM-DD)"),
            scope=F("map", doc="Further conditions, e.g. profile: basic", items=s("Value")),
            file=s("Glob the finding's file must match"), upstream=s("Where upstream carries the problem"),
        ), required=True),
    ),
    "registry": obj(
        "Every ID a spec defines, with its section and level, whether or not a requirements file gives its text.",
        kind=KIND, spec=s("Spec ID", required=True), source=SOURCE,
        entries=arr(obj(
            "A registered ID.", id=s("Requirement ID", required=True), section=s("Section number"),
            level=s("Normative level", enum=LEVELS), profiles=PROFILES, title=s("Short title, own words"),
            source=SOURCE,
        ), required=True),
    ),
    "responses": obj(
        "A vendor's answers to an RFP workbook, written by `ra2docs import`.",
        kind=KIND, vendor=s("Vendor name", required=True),
        vendor_details=obj("The vendor details block of the workbook's cover, as the vendor filled it in",
                           vendor=s("Vendor name as typed on the cover"), contact=s("Contact (name, e-mail, phone)"),
                           date=s("Date of the offer"), reference=s("Offer reference")),
        imported_from=s("Workbook file name"),
        imported_at=s("When it was imported (ISO 8601)"), checksum=s("Checksum of the exported requirements"),
        spec_versions=F("map", doc="Spec ID to version", items=s("Version")),
        asked=arr(s("Requirement ID"), "Every requirement the workbook asked about, answered or not"),
        answers=arr(obj(
            id=s("Requirement ID", required=True),
            compliance=s(f"Compliance statement: one of {', '.join(COMPLIANCE)}", required=True),
            comment=s("Vendor's comment"), evidence=s("Evidence reference"),
        ), required=True),
    ),
    "testcases": obj(
        "Test cases and the requirements they verify. File-level suite, tool and source are defaults.",
        kind=KIND, suite=s("Default test suite"), tool=s("Default tool that runs the suite"), source=SOURCE,
        testcases=arr(obj(
            "A test case.",
            id=s("Test case ID", required=True, pattern=SLUG), title=s("Short title, in our own words",
                                                                          required=True),
            description=s("What it exercises"), suite=s("Test suite it belongs to"),
            tool=s("Tool that runs it, e.g. Functest xtesting, Sonobuoy, CNTi"),
            criteria=s("When it counts as passed"), priority=s("Priority as the source states it"),
            tags=arr(s("Tag")),
            verifies=arr(s("Requirement ID or glob"), "Requirements it verifies: IDs or globs such as 'ra2.k8s.*'"),
            verifies_sections=arr(s("SPEC:SECTION", pattern=r"^[^:\s]+:\S.*$"),
                                  "Sections it verifies, e.g. 'RA2:4.5': every requirement of that section"),
            junit=arr(s("Name or glob"), "Names in JUnit reports that count as this test case (default: its ID)"),
            source=SOURCE,
        ), required=True),
    ),
    "results": obj(
        "One stack's test results, written by `ra2docs import-results` from a JUnit report.",
        kind=KIND, stack=s("Stack ID", required=True, pattern=SLUG), run_at=s("When the tests ran (ISO 8601)"),
        imported_from=s("JUnit file name"), imported_at=s("When it was imported (ISO 8601)"),
        results=arr(obj(
            test=s("Test case ID", required=True),
            outcome=s("Outcome", required=True, enum=("passed", "failed", "skipped", "error")),
            duration=s("Seconds, e.g. '1.250'", pattern=r"^\d+(\.\d+)?$"),
            cases=s("How many JUnit test cases were counted into it", pattern=r"^\d+$"),
            message=s("First failure or skip message"),
        ), required=True),
    ),
}


def to_json_schema(f: F) -> dict[str, object]:
    out: dict[str, object] = {}
    if f.doc:
        out["description"] = f.doc
    if f.type == "union":
        out["anyOf"] = [to_json_schema(o) for o in f.options]
    elif f.type == "date":
        out.update(type="string", format="date", pattern=r"^\d{4}-\d{2}-\d{2}$")
    elif f.type == "map":
        out["type"] = "object"
        out["additionalProperties"] = to_json_schema(f.items) if f.items else True
    elif f.type == "array":
        out["type"] = "array"
        if f.items:
            out["items"] = to_json_schema(f.items)
            if f.items.type == "string":
                out["uniqueItems"] = True
    elif f.type == "object":
        fields = f.fields or {}
        out["type"] = "object"
        out["properties"] = {k: to_json_schema(v) for k, v in fields.items()}
        required = [k for k, v in fields.items() if v.required]
        if required:
            out["required"] = required
        out["additionalProperties"] = False
    else:
        out["type"] = f.type
    if f.enum:
        out["enum"] = list(f.enum)
    if f.pattern:
        out["pattern"] = f.pattern
    return out


def schema_document(kind: str) -> dict[str, object]:
    doc = to_json_schema(KINDS[kind])
    props = doc["properties"]
    assert isinstance(props, dict)
    props["kind"] = {"description": "The kind of this file", "const": kind}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"{SCHEMA_BASE}{kind}.schema.json", "title": f"ra2docs {kind} file", **doc}


def schema_text(kind: str) -> str:
    import json  # the loader uses the declarations, not their JSON: not imported by every check

    return json.dumps(schema_document(kind), indent=2, sort_keys=False) + "\n"


def write_schemas(directory: Path) -> list[Path]:
    from ra2docs.fileio import write_text_atomic  # only the schema writer needs it: not imported by every check

    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in KINDS:
        path = directory / f"{kind}.schema.json"
        write_text_atomic(path, schema_text(kind))
        written.append(path)
    return written


if __name__ == "__main__":
    for p in write_schemas(Path(sys.argv[1] if len(sys.argv) > 1 else "ra2docs/schemas")):
        print(p)
