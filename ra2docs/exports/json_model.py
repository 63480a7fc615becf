"""The whole model as one JSON document: `ra2docs export json`.

The document is described by `ra2docs/schemas/model-export.schema.json` and carries a `version`
that changes whenever a field is removed or changes meaning; added fields keep it.
Ordering is deterministic: specs, requirements, components, vocabularies, matrices, stacks, waivers and
responses are sorted by ID (requirements by spec, then ID); links by (from, to, type); the rows, columns and
levels of matrices and vocabularies keep the order the YAML gives, since that order is meaningful.
Every object carries the `location` (file relative to the tree, line, column) it was written at.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

from ra2docs import __version__, model
from ra2docs.errors import Location
from ra2docs.report import finding_dict
from ra2docs.validate import CheckResult

DOCUMENT_FORMAT = "ra2docs-model"
FORMAT = "json"
FORMAT_VERSION = 2  # the document's `version`: changes when a field is removed or changes meaning

# field names as the JSON calls them, where they differ from the model's
_RENAMES: dict[type, dict[str, str]] = {model.Link: {"source_id": "from", "target_id": "to"}}
# positions of single fields and values: the objects carry theirs
_SKIP = {"field_locations", "severity_locations", "end_locations", "requirement_column"}


def plain(value: Any) -> Any:
    """A model value as JSON-ready data: dataclasses become objects, tuples lists, dates ISO strings."""
    if isinstance(value, Location):
        return {"file": value.file, "line": value.line, "column": value.column}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        renames = _RENAMES.get(type(value), {})
        return {renames.get(f.name, f.name): plain(getattr(value, f.name))
                for f in dataclasses.fields(value) if f.name not in _SKIP}
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _where(obj: Any) -> tuple[str, int, int]:
    loc = obj.location
    return (loc.file, loc.line, loc.column)


def sorted_links(tree: model.Tree) -> list[model.Link]:
    return sorted(tree.all_links(), key=lambda lk: (lk.source_id, lk.target_id, lk.type, lk.stated_at,
                                                      _where(lk)))


def model_document(tree: model.Tree, result: CheckResult | None = None, graph: Any = None) -> dict[str, Any]:
    """The JSON document of a tree; with `result`, its findings (open and waived) too (`graph`: the tree's
    SpecGraph when the caller has it)."""
    doc: dict[str, Any] = {
        "format": DOCUMENT_FORMAT,
        "version": FORMAT_VERSION,
        "generator": f"ra2docs {__version__}",
        "specs": plain(sorted(tree.specs, key=lambda s: (s.id, _where(s)))),
        "requirements": plain(sorted(tree.requirements, key=lambda r: (r.spec, r.id, _where(r)))),
        "component_kinds": plain(sorted(tree.component_kinds, key=lambda k: k.id)),
        "components": plain(sorted(tree.components, key=lambda c: (c.id, _where(c)))),
        "vocabularies": plain(sorted(tree.vocabularies, key=lambda v: (v.id, _where(v)))),
        "matrices": plain(sorted(tree.matrices, key=lambda m: (m.id, _where(m)))),
        "links": plain(sorted_links(tree)),
        "stacks": plain(sorted(tree.stacks, key=lambda s: (s.id, _where(s)))),
        "policy": plain(tree.policy),
        "waivers": plain(sorted(tree.waivers, key=lambda w: (w.code, w.target, _where(w)))),
        "responses": plain(sorted(tree.responses, key=lambda r: (r.vendor, _where(r)))),
        "registry": plain(sorted(tree.registry, key=lambda e: (e.spec, e.id, _where(e)))),
    }
    doc["policy"]["rules"] = plain(sorted(tree.policy.rules, key=lambda r: (r.id, _where(r))))
    doc["policy"]["severities"] = dict(sorted(tree.policy.severities.items()))
    for resp in doc["responses"]:
        resp["answers"].sort(key=lambda a: (a["id"], a["location"]["line"]))
    from ra2docs.verification_export import verification_section

    doc.update(verification_section(tree, graph))
    if result is not None:
        doc["findings"] = [finding_dict(f) for f in result.findings]
    return doc


def dumps(doc: dict[str, Any]) -> str:
    """JSON text: UTF-8 as is (no \\u escapes), two-space indent, a final newline."""
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


# ---- `ra2docs export json` --------------------------------------------------------------------------

HELP = "the whole model as one JSON document (schema: ra2docs/schemas/model-export.schema.json)"
EXIT_CODES = ((0, "exported"),
              (2, "usage error, a file of the tree cannot be read, or the output cannot be written"))


def add_arguments(parser: Any) -> None:
    from ra2docs.exports.common import add_common_arguments

    add_common_arguments(parser, "model.json")
    parser.add_argument("--findings", action="store_true", help="include the findings of `ra2docs check`")


def run(args: Any) -> int:
    from ra2docs.exports.common import emit, load_for_export

    project = load_for_export(args)
    emit(args.output, dumps(model_document(project.tree, project.result if args.findings else None, project.graph)))
    return 0
