"""Locations, severities, the catalogue of finding codes, the Finding record, and UsageError.

Every message ra2docs emits is a Finding with a stable code from CATALOGUE. The catalogue is the one
documented list: `ra2docs codes` prints it, the docs render it, and tests assert that each code has a
sample tree that triggers it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True, order=True)
class Location:
    """A position in a source file; line and column are 1-based, 0 when unknown.

    A file without lines (a workbook) names its place in `part` instead: `Sheet!Cell`, or a sheet alone.
    """

    file: str
    line: int = 0
    column: int = 0
    part: str = ""

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.column or 1}"
        if self.part:
            return f"{self.file}:{self.part}"
        return self.file


NOWHERE = Location("<unknown>")


class UsageError(Exception):
    """Bad arguments or input that cannot be used: the CLI prints it as one line and exits 2.

    Library code (exports, the changelog directive, source diffs) raises it too, so it lives here and not
    in `ra2docs.cli`, which only catches it.
    """


class Severity(enum.IntEnum):
    INFO = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r}; use one of: info, warning, error") from None

    def __str__(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    severity: Severity
    summary: str
    hint: str
    # False: a waiver or a severity override cannot hide it, because it means the input itself could not be
    # read as written (so every other result is in doubt) or it is about the waivers themselves.
    waivable: bool = True
    command: str = "check"  # the command that reports it: `check` (and the site build) or `import`


def _codes(*codes: Code) -> dict[str, Code]:
    return {c.code: c for c in codes}


def _import(code: str, severity: Severity, summary: str, hint: str) -> Code:
    """A problem of an answered workbook: reported by `ra2docs import`, never waivable (no tree waives it)."""
    return Code(code, severity, summary, hint, waivable=False, command="import")


E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO  # noqa: E741

CATALOGUE: dict[str, Code] = _codes(
    # Reading files
    Code("ra2.file-unreadable", E, "A file could not be read or decoded; until it can, findings that something is "
         "missing (not defined, not covered, a waiver matching nothing) are held back, and the summary counts them.",
         "Check the path, permissions and that the file is UTF-8 text. It cannot be waived.", waivable=False),
    Code("ra2.folder-unreadable", E, "A folder of the tree could not be listed, or is a link leading out of the "
         "tree; nothing under it was read.",
         "Fix the folder's permissions, or replace the link with the folder itself. It cannot be waived.",
         waivable=False),
    Code("ra2.no-spec-files", E, "The tree holds no requirements file: there is nothing to check or build.",
         "Put the spec and requirements YAML files under requirements/, or point ROOT at the right folder. "
         "It cannot be waived.", waivable=False),
    Code("ra2.yaml-syntax", E, "A file is not well-formed YAML; until it is, findings that something is missing "
         "(not defined, not covered, a waiver matching nothing) are held back, and the summary counts them.",
         "Fix the YAML syntax at the position given; a YAML-aware editor shows it as you type. It cannot be waived.",
         waivable=False),
    Code("ra2.duplicate-key", E, "A mapping states the same key twice; YAML would silently keep one.",
         "Remove or rename one of the two keys. It cannot be waived.", waivable=False),
    Code("ra2.unknown-kind", E, "A file's `kind` is missing or not one ra2docs knows.",
         "Start the file with `kind:` and one of the kinds listed by `ra2docs schema --list`. It cannot be waived.",
         waivable=False),
    Code("ra2.wrong-type", E, "A value has the wrong type for its field.",
         "Use the type named in the message; the JSON Schema of the file kind describes every field."),
    Code("ra2.unknown-field", E, "A field is not part of the file kind's schema (often a typo).",
         "Remove it or correct its spelling; the message lists the fields allowed here."),
    Code("ra2.duplicate-item", W, "A list of names or IDs states the same entry twice.",
         "Remove the repeat; the entry counts once."),
    Code("ra2.missing-field", E, "A required field is missing.", "Add the field named in the message."),
    Code("ra2.bad-value", E, "A value is not one of the allowed values or does not match its format.",
         "Use one of the values listed in the message."),
    # Identity and references
    Code("ra2.duplicate-id", E, "An ID is defined more than once (in one file, across files or specs).",
         "Give each item its own ID; the message names the earlier definition."),
    Code("ra2.id-pattern", E, "An ID does not match the pattern its spec declares.",
         "Rename the item to follow the spec's `id_pattern`, or correct the pattern."),
    Code("ra2.dangling-ref", E, "A reference names an ID that is defined nowhere (or in no spec it can see).",
         "Correct the ID (a close match is suggested when there is one), define the item, or qualify it "
         "as SPEC:id when another spec defines it."),
    Code("ra2.ambiguous-ref", E, "A reference could mean requirements of two specs (the same ID in both).",
         "Write it qualified, SPEC:id (e.g. RA1:gen.cnt.02); the message names both definitions."),
    Code("ra2.unknown-profile", E, "A profile is named that no spec declares.",
         "Use a profile declared in a spec's `profiles`, or declare it there."),
    Code("ra2.unknown-section", W, "A requirement names a section its spec does not declare.",
         "Use a section listed in the spec's `sections`, or add it there."),
    Code("ra2.section-title", W, "A link cites a section by a title that is not the section's title.",
         "Correct the cited title or the section number; the message gives the section's real title."),
    Code("ra2.not-in-registry", E, "An ID of a spec with a registry is not in that registry: a link cites it, "
         "or a requirement of the spec defines it.",
         "Correct the ID where the finding points (a close registered ID is suggested), or add it to the spec's "
         "`kind: registry` file."),
    Code("ra2.registry-mismatch", W, "A requirement restates a registered one at another level or section.",
         "State the level (and section) the registry gives, at the field the finding points to, or correct the "
         "registry."),
    Code("ra2.same-text", W, "Two requirements have the same text.",
         "Merge them into one, or say in each what sets it apart."),
    Code("ra2.duplicate-caption", W, "Two tables or matrices have the same caption.",
         "Give each table its own caption so readers can tell them apart."),
    Code("ra2.foreign-ra", W, "A requirement's text names another reference architecture it does not build on.",
         "Check that the requirement belongs to this spec; move it, or qualify the reference (SPEC:id)."),
    Code("ra2.unknown-level", E, "A matrix cell uses a support level its vocabulary does not declare.",
         "Use a level of the matrix's vocabulary (the message lists them), or declare the new level."),
    Code("ra2.matrix-unknown-column", E, "A matrix cell names a column the matrix does not declare.",
         "Add the component to the matrix's `columns`, or correct the cell's key."),
    Code("ra2.matrix-unknown-row", E, "A matrix row names a requirement or feature that does not exist.",
         "Correct the row's ID or define the requirement."),
    Code("ra2.unknown-component-kind", E, "A component's kind is not declared.",
         "Declare the kind under `kinds:` in a components file, or use a declared one."),
    # Coverage and traceability
    Code("ra2.uncovered", E, "A requirement is not covered as the coverage policy demands. When a mistyped reference "
         "would cover it (a trace, a matrix row), the reference's finding says so instead, at the typo.",
         "Trace a requirement to it, add a supporting matrix cell, or accept the gap with a waiver."),
    Code("ra2.rm-untraced", W, "No requirement of any other spec traces to this requirement.",
         "Trace a requirement to it, or waive it if the architecture deliberately leaves it out."),
    Code("ra2.ra-no-trace", W, "A requirement of a spec that builds on another traces to nothing.",
         "Add the requirements of the base spec it satisfies under `traces`."),
    Code("ra2.one-way-link", W, "A link is stated from one end only, where the spec states both directions.",
         "State the link at the other end too (e.g. `traced_by` for `traces`), or remove it."),
    Code("ra2.link-not-allowed", E, "A link joins two specs that its link type does not join (policy `link_types`).",
         "Link to a requirement of a spec the type joins, or add the spec pair to the type's `pairs`."),
    Code("ra2.v1-construct", I, "A construct of the v1 format that still works but has a v2 replacement.",
         "Rewrite it as the message says (file:line given); the v1 meaning is kept until then."),
    Code("ra2.cycle", E, "Requirements refine or depend on each other in a cycle.",
         "Break the cycle: a requirement cannot (indirectly) refine or depend on itself."),
    Code("ra2.placeholder", W, "A value is a placeholder (TBD, TBC, empty) where a real value is required, or a "
         "matrix that is not sparse leaves cells unstated (one finding per matrix, naming the count and the first).",
         "Replace the placeholder with the real value (or state the cells), or waive it while the spec is a draft."),
    Code("ra2.unused-component", W, "A component is not referenced by any matrix, stack or cell.",
         "Add it to a matrix or stack, or remove it."),
    Code("ra2.stack-gap", W, "A stack does not cover a requirement that the policy asks stacks to cover. When a "
         "mistyped matrix row would cover it, the row's finding says so instead, at the typo.",
         "Add a component that supports the requirement to the stack, or waive the gap."),
    # Waivers
    Code("ra2.waiver-unused", W, "A waiver matches no finding: the gap it accepted is gone or misspelt.",
         "Remove the waiver, or correct its code or target. It cannot be waived.", waivable=False),
    Code("ra2.waiver-unscoped", E, "A waiver names no spec but matches findings of several specs; it accepts none.",
         "Add `spec:` to the waiver (or to its file), or write its target as SPEC:id. It cannot be waived.",
         waivable=False),
    Code("ra2.waiver-expired", E, "A waiver has passed its expiry date; the finding it covered is back.",
         "Fix the gap, or renew the waiver with a new date and reason. It cannot be waived.", waivable=False),
    # Verification
    Code("ra2.unverified", E, "A requirement is not verified by any test case where the policy demands it. When a "
         "mistyped `verifies` entry would verify it, that entry's finding says so instead, at the typo.",
         "Name the requirement (or its section) in a test case's `verifies`, or accept the gap with a waiver."),
    Code("ra2.verifies-nothing", W, "A test case's `verifies` glob or section matches no requirement.",
         "Correct the glob or section, or remove it; the message suggests a close match when there is one."),
    Code("ra2.result-unknown-test", W, "A results file records a test case that no `testcases` file defines.",
         "Define the test case, or re-import the results (`ra2docs import-results`) against the current tree."),
    Code("ra2.claim-contradicted", W, "A vendor answers fully compliant where its own stack failed or never "
         "ran a verifying test.",
         "Ask the vendor for a passing run (then `ra2docs import-results`), or record the answer as partial."),
    # Vendor responses
    Code("ra2.response-unknown-id", E, "A vendor response answers a requirement that does not exist.",
         "Re-import the vendor's workbook or correct the ID in the responses file."),
    Code("ra2.response-bad-answer", E, "A vendor response uses an answer outside the vocabulary.",
         "Use one of: fully-compliant, partially-compliant, not-compliant, roadmap."),
    # Answered workbooks (`ra2docs import`): the place is `FILE:Sheet!Cell`
    _import("xlsx.unreadable", E, "The workbook file cannot be read.",
            "Check the path and permissions; give the .xlsx file itself, not a folder."),
    _import("xlsx.not-xlsx", E, "The file is not an xlsx workbook, or a truncated or damaged one.",
            "Ask the vendor to send the workbook again, saved as .xlsx."),
    _import("xlsx.macro", E, "The workbook is macro-enabled (.xlsm, or it carries vbaProject.bin).",
            "Ask for the answers saved as a plain .xlsx: answers never need macros."),
    _import("xlsx.too-large", E, "The workbook is over the size limit, or inflates like a zip bomb.",
            "Raise --max-size if the file is genuine; otherwise ask for the exported workbook."),
    _import("xlsx.malformed", E, "The xlsx archive holds content that cannot be parsed.",
            "Open and save it again in a spreadsheet program, or ask the vendor to send it again."),
    _import("xlsx.no-metadata", E, "The workbook has no ra2docs metadata sheet: `ra2docs export xlsx` did not "
            "write it.", "Export a new workbook from this tree and send that one."),
    _import("xlsx.bad-metadata", E, "The hidden metadata sheet was edited or damaged.",
            "Export a new workbook from this tree; the metadata sheet must not be edited."),
    _import("xlsx.wrong-spec", E, "The workbook was exported from specs this tree does not hold.",
            "Import it into the tree it was exported from."),
    _import("xlsx.spec-changed", E, "The exported requirements differ from the tree's (checksum or version).",
            "Send the vendor a new export, or accept the old one with --allow-changed-spec (then a warning)."),
    _import("xlsx.bad-header", E, "The requirements sheet lacks a column the import needs.",
            "Restore the column's header as exported (the message names it)."),
    _import("xlsx.unknown-id", E, "A row's ID was not exported: it was altered or the row added.",
            "Restore the exported ID (a close match is suggested), or delete the added row."),
    _import("xlsx.duplicate-id", E, "An ID appears on more than one row.", "Keep one row per requirement."),
    _import("xlsx.lost-id", E, "An exported requirement's row is missing.",
            "Restore the row (or its ID) as exported."),
    _import("xlsx.missing-id", E, "A row has an answer but no requirement ID.",
            "Put the exported ID back in the row, or delete the row."),
    _import("xlsx.bad-answer", E, "A compliance answer is outside the vocabulary.",
            "Pick an answer from the cell's drop-down list."),
    _import("xlsx.missing-answer", E, "A row has a comment or evidence but no compliance answer.",
            "Pick an answer from the drop-down list, or clear the comment."),
    _import("xlsx.formula", E, "A cell holds a formula where text is expected (a warning in a comment, which "
            "is stored as typed).", "Replace the formula with the answer or the text itself."),
    _import("xlsx.spec-edited", W, "A locked spec cell was edited in the workbook; the spec's own text is kept.",
            "Nothing to store; ask the vendor to state such remarks in the Comment column."),
    _import("xlsx.no-answers", E, "The workbook holds no answer at all (importing it would erase the stored ones).",
            "Check that the answered workbook was sent, not the blank export."),
    _import("xlsx.too-many-problems", E, "So many problems that reading stopped: probably not the workbook sent.",
            "Check that this is the workbook exported for the vendor; fix the first problems and import again."),
)

CHECK_CODES = tuple(code for code, info in CATALOGUE.items() if info.command == "check")
IMPORT_CODES = tuple(code for code, info in CATALOGUE.items() if info.command == "import")

# Findings meaning a file's content could not be read at all: everything it defines is missing from the tree.
UNREAD_CODES = frozenset({"ra2.file-unreadable", "ra2.yaml-syntax", "ra2.folder-unreadable", "ra2.no-spec-files"})
# Findings saying something is missing (not defined, not covered, matching nothing): while a file's content is
# unknown (UNREAD_CODES), what it holds may be the missing thing, so `run_checks` holds them back.
ABSENCE_CODES = frozenset({
    "ra2.dangling-ref", "ra2.not-in-registry", "ra2.matrix-unknown-row", "ra2.unknown-profile", "ra2.unknown-section",
    "ra2.unknown-component-kind", "ra2.uncovered", "ra2.rm-untraced", "ra2.ra-no-trace", "ra2.one-way-link",
    "ra2.stack-gap", "ra2.unused-component", "ra2.waiver-unused", "ra2.unverified", "ra2.verifies-nothing",
    "ra2.result-unknown-test", "ra2.claim-contradicted", "ra2.response-unknown-id"})
# Findings meaning the tree itself could not be read (a folder, or no requirements at all): `check` exits 2.
INPUT_CODES = frozenset({"ra2.folder-unreadable", "ra2.no-spec-files"})


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found: a catalogue code, where it is, what it is about and what to do."""

    code: str
    message: str
    location: Location = NOWHERE
    subject: str = ""  # the ID (or path) the finding is about; waivers match on it
    severity: Severity | None = None  # None: the catalogue's default
    hint: str = ""
    scope: dict[str, str] = field(default_factory=dict)  # e.g. {"profile": "basic"}
    waived_by: str = ""  # the waiver's reason when waived
    # what a finding that groups many stands for, one subject each (a dense matrix's unstated cells,
    # MATRIX/ROW/COLUMN): listed by `check --format json`; a waiver matching every one accepts the group
    items: tuple[str, ...] = ()
    # findings this one stands for and that are not reported on their own: the consequences of the mistake
    # it points at (a requirement left uncovered by a mistyped reference), listed by `check --format json`
    folded: tuple[Finding, ...] = ()

    @property
    def effective_severity(self) -> Severity:
        return self.severity if self.severity is not None else CATALOGUE[self.code].severity

    @property
    def effective_hint(self) -> str:
        return self.hint or CATALOGUE[self.code].hint

    def sort_key(self) -> tuple[str, int, int, str, str]:
        loc = self.location
        return (loc.file, loc.line, loc.column, self.code, self.message)
