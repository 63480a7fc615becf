"""Requirements as a sphinx-needs `needs.json`: `ra2docs export needs-json`.

Another Sphinx project reads the file with sphinx-needs' `.. needimport:: path/to/needs.json`. Each
requirement becomes one need of type `req` (`--type` to change it) with its title, status, tags and
description, and its links as three link types: `traces`, `refines` and `depends` (sphinx-needs adds
the incoming side, e.g. `traces_back`). Further facts travel as fields: `ra2docs_id` (the original ID),
`spec`, `level`, `profiles`, `category`, `section` and `source`.

Test cases (`kind: testcases`) become needs of type `test` (`--test-type` to change it) whose
`verifies` links name the requirements they verify (after globs and sections are expanded); sphinx-needs
shows the incoming side as `verified by`. Their facts travel as the fields `suite`, `tool`, `criteria`
and `priority`, beside `ra2docs_id` and `source`.

The importing project declares these fields and link types; `sphinx_needs_config()` returns the
settings for its conf.py::

    from ra2docs.exports.needs_json import sphinx_needs_config
    globals().update(sphinx_needs_config())

Need IDs. sphinx-needs reads a dot in a link as "need.part" and projects usually require IDs to match
`^[A-Z0-9_]{5,}` (`needs_id_regex`). An ID that matches that pattern already is kept. Any other is
mapped: accents are dropped (ü -> U), letters upper-cased, every character outside A-Z, 0-9 and _
becomes _, and an ID shorter than five characters is padded with _ and a hash. When two IDs of one
export map to the same need ID, each mapped one gets `_` and the first eight hex digits of the SHA-256 of
its original ID appended. The mapping depends on nothing but the IDs of the export, so it is the same
in every run; the original ID is always kept in `ra2docs_id`.

sphinx-needs runs text between `[[` and `]]` as a dynamic function in titles, statuses, tags and
fields; no escape exists for it, so every `[[` in those is written with a zero-width space between the
brackets, which `ra2docs import-needs` removes again.

The description is plain text in ra2docs, while a need's content is reStructuredText: every ASCII
punctuation character is backslash-escaped, so text can never become a directive, a role, raw HTML or
a link in the importing project, and it reads as written.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import string
import unicodedata
from collections.abc import Iterable
from typing import Any

from ra2docs import __version__, model
from ra2docs.refs import resolve_links

FORMAT = "needs-json"
HELP = "requirements as a sphinx-needs needs.json (read with `.. needimport::`)"
EXIT_CODES = ((0, "exported"),
              (2, "usage error, a file of the tree cannot be read, or the output cannot be written"))

NEED_ID_RE = re.compile(r"^[A-Z0-9_]{5,}$")
LINK_TYPES = ("traces", "refines", "depends")
TEST_FIELDS = ("suite", "tool", "criteria", "priority")
EXTRA_FIELDS = {
    "ra2docs_id": "The requirement's ID in ra2docs",
    "spec": "The spec the requirement belongs to",
    "level": "Normative level (must, should, may, ...)",
    "profiles": "Profiles it applies to, comma-separated; profile=level where the level differs",
    "category": "Category",
    "section": "Section of the spec",
    "source": "Where the requirement comes from",
    "suite": "Test suite of a test case",
    "tool": "Tool that runs a test case",
    "criteria": "When a test case counts as passed",
    "priority": "Priority of a test case as its source states it",
}
_LINK_TITLES = {"traces": ("traces to", "traced by"), "refines": ("refines", "refined by"),
                "depends": ("depends on", "needed by"), "verifies": ("verifies", "verified by")}
_PUNCTUATION = frozenset(string.punctuation)
DYNAMIC_ESCAPE = "[\u200b["


def field_text(text: str) -> str:
    """Text for a need field that sphinx-needs cannot take for a dynamic function."""
    return text.replace("[[", DYNAMIC_ESCAPE)


def _hash8(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8].upper()


def _candidate(original: str) -> str:
    if NEED_ID_RE.match(original):
        return original
    ascii_text = unicodedata.normalize("NFKD", original).encode("ascii", "ignore").decode("ascii")
    mapped = re.sub(r"[^A-Z0-9_]", "_", ascii_text.upper())
    if len(mapped) < 5:
        mapped = f"{mapped}_{_hash8(original)}"
    return mapped


def need_ids(ids: Iterable[str]) -> dict[str, str]:
    """Original ID -> need ID for every ID of one export; injective (see the module doc)."""
    unique = sorted(set(ids))
    groups: dict[str, list[str]] = {}
    for original in unique:
        groups.setdefault(_candidate(original), []).append(original)
    mapping: dict[str, str] = {}
    for candidate, members in groups.items():
        for original in members:
            changed = original != candidate
            mapping[original] = f"{candidate}_{_hash8(original)}" if changed and len(members) > 1 else candidate
    taken: dict[str, str] = {}
    for original in unique:  # a suffixed ID can in theory meet another one: lengthen the hash then
        need_id = mapping[original]
        if need_id in taken and taken[need_id] != original:
            need_id = f"{_candidate(original)}_{hashlib.sha256(original.encode()).hexdigest().upper()}"
            mapping[original] = need_id
        taken[need_id] = original
    return mapping


def rst_text(text: str) -> str:
    """Plain text as reStructuredText that renders as the same text and carries no markup."""
    lines = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        lines.append("".join(f"\\{ch}" if ch in _PUNCTUATION else ch for ch in line.rstrip()))
    return "\n".join(lines).strip("\n")


def _profiles(req: model.Requirement) -> str:
    return ", ".join(p if lvl == req.level else f"{p}={lvl}" for p, lvl in req.profiles.items())


def needs_document(tree: model.Tree, project: str = "ra2docs", version: str = "1.0",
                   need_type: str = "req", test_type: str = "test") -> dict[str, Any]:
    """The needs.json document: one version holding every requirement and test case (first definition of
    an ID; a test case with a requirement's ID is left out)."""
    from ra2docs.verification_exchange import expanded

    reqs = tree.requirement_index()
    tests, verifies = expanded(tree)
    tests = [tc for tc in tests if tc.id not in reqs]
    ids = need_ids([*reqs, *(tc.id for tc in tests)])
    links: dict[tuple[str, str], set[str]] = {}
    for link in resolve_links(tree)[0]:
        if link.source_id in reqs and link.target_id in reqs:
            links.setdefault((link.source_id, link.type), set()).add(ids[link.target_id])
    needs: dict[str, dict[str, Any]] = {}
    for original in sorted(reqs, key=lambda i: ids[i]):
        req = reqs[original]
        need: dict[str, Any] = {
            "id": ids[original], "title": field_text(req.title), "type": need_type,
            "status": field_text(req.status) or None, "tags": [field_text(t) for t in req.tags],
            "content": rst_text(req.description), "doctype": ".rst",
        }
        for link_type in LINK_TYPES:
            need[link_type] = sorted(links.get((original, link_type), ()))
        extra = {"ra2docs_id": original, "spec": req.spec, "level": req.level, "profiles": _profiles(req),
                 "category": req.category, "section": req.section, "source": str(req.source or "")}
        need.update((name, field_text(value)) for name, value in extra.items())
        needs[ids[original]] = need
    for tc in tests:
        need = {"id": ids[tc.id], "title": field_text(tc.title), "type": test_type, "status": None,
                "tags": [field_text(t) for t in tc.tags], "content": rst_text(tc.description), "doctype": ".rst",
                "verifies": sorted(ids[rid] for rid in verifies.get(tc.id, ()))}
        extra = {"ra2docs_id": tc.id, "source": str(tc.source or ""),
                 **{name: getattr(tc, name) for name in TEST_FIELDS}}
        need.update((name, field_text(value)) for name, value in extra.items())
        needs[ids[tc.id]] = need
    return {
        "project": project,
        "current_version": version,
        "versions": {version: {
            "creator": {"program": "ra2docs", "version": __version__},
            "needs_amount": len(needs),
            "needs": needs,
        }},
    }


def sphinx_needs_config() -> dict[str, Any]:
    """conf.py settings that declare the fields and link types of an exported needs.json."""
    return {
        "needs_fields": {name: {"description": doc, "nullable": True, "parse_dynamic_functions": False}
                         for name, doc in EXTRA_FIELDS.items()},
        "needs_links": {name: {"outgoing": out, "incoming": inc, "parse_dynamic_functions": False}
                        for name, (out, inc) in _LINK_TITLES.items()},
    }


def dumps(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from ra2docs.exports.common import add_common_arguments

    add_common_arguments(parser, "needs.json")
    parser.add_argument("--project", default="ra2docs", help="project name written to the file")
    parser.add_argument("--needs-version", default="1.0", metavar="VERSION",
                        help="the version the needs are filed under (needimport's :version:; default 1.0)")
    parser.add_argument("--type", default="req", help="need type (a directive of needs_types; default req)")
    parser.add_argument("--test-type", default="test", help="need type of test cases (default test)")


def run(args: argparse.Namespace) -> int:
    from ra2docs.exports.common import emit, load_for_export, warn_duplicates

    tree = load_for_export(args).tree
    warn_duplicates(FORMAT, tree)
    emit(args.output, dumps(needs_document(tree, args.project, args.needs_version, args.type, args.test_type)))
    return 0
