"""sphinx-needs needs.json -> a ra2docs requirements file: the library behind `ra2docs import-needs`.

Each need becomes a requirement of the chosen spec:

- ID: the need's `ra2docs_id` when it has one (a file ra2docs exported), else the need ID;
- title, status and tags as they are; the description is the need's `content` (a ra2docs export's
  escaping is undone; other content is kept as its reStructuredText source);
- needs of another spec (the `spec` field of a ra2docs export) are skipped;
- `level`, `profiles`, `category`, `section` and `source` fields when present and valid;
- link types `traces`, `refines` and `depends`, with targets translated back to requirement IDs.

Everything else is reported, never dropped silently: needs skipped (wrong type, ID not matching the
spec's pattern, ID already defined elsewhere in the tree, no title), other link types, and other fields
that carry a value.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ra2docs import files
from ra2docs.exports.needs_json import DYNAMIC_ESCAPE
from ra2docs.schema import LEVELS
from ra2docs.text_safety import escape_controls

LINK_TYPES = ("traces", "refines", "depends")
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's emitter: the pure-Python one took ~1 s per MB
# fields sphinx-needs computes or manages itself: never data to import
_MANAGED = {
    "id", "title", "content", "description", "type", "type_name", "type_prefix", "type_color", "type_style",
    "status", "tags", "doctype", "docname", "lineno", "lineno_content", "external_url", "external_css",
    "is_external", "is_import", "is_modified", "modifications", "is_part", "is_need", "parts", "parent_need",
    "parent_needs", "parent_needs_back", "section_name", "sections", "signature", "target_id", "collapse",
    "hide", "layout", "style", "template", "pre_template", "post_template", "constraints",
    "constraints_passed", "constraints_results", "arch", "jinja_content", "has_dead_links",
    "has_forbidding_dead_links", "id_parent", "id_complete", "title_from_content", "full_title",
    "content_id", "delete", "created", "updated", "closed_at", "query", "specific", "max_amount", "url",
    "avatar", "service", "user", "is_report", "ra2docs_id", "spec", "level", "profiles", "category",
    "section", "source", "notes", "links_back", "source_code", "layout_group", "hidden_fields",
}


class NeedsFileError(Exception):
    """The file cannot be read as a needs.json; the message says why."""


@dataclass
class ImportResult:
    requirements: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (need ID, why)
    unmapped_fields: Counter[str] = field(default_factory=Counter)  # field -> needs carrying a value
    unmapped_links: Counter[str] = field(default_factory=Counter)  # link type -> links

    def report_lines(self) -> list[str]:
        lines = [escape_controls(f"skipped need {nid}: {why}") for nid, why in self.skipped]
        lines += [escape_controls(f"not mapped: link type '{name}' ({n} link{'s' if n != 1 else ''})")
                  for name, n in sorted(self.unmapped_links.items())]
        lines += [escape_controls(f"not mapped: field '{name}' (set on {n} need{'s' if n != 1 else ''})")
                  for name, n in sorted(self.unmapped_fields.items())]
        return lines


MAX_DEPTH = 64  # nesting of JSON arrays and objects; a needs.json needs 5 or 6


def _no_constant(name: str) -> Any:
    raise ValueError(f"it holds {name}, which is not JSON (JSON has no NaN or Infinity); write a number or a "
                     "string")


def _parse_json(text: str, path: Path) -> Any:
    """The JSON value of `text`: strict JSON (no NaN, Infinity), nested at most MAX_DEPTH deep."""
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise NeedsFileError(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None
    except ValueError as exc:
        raise NeedsFileError(f"{path}: {exc}") from None
    except RecursionError:
        raise NeedsFileError(f"{path}: arrays or objects nested more than {MAX_DEPTH} deep; not a needs.json") from None
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:  # iterative: a deep value must not exhaust the stack here either
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise NeedsFileError(f"{path}: arrays or objects nested more than {MAX_DEPTH} deep; not a needs.json")
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values() if isinstance(v, dict | list))
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value if isinstance(v, dict | list))
    return data


def read_needs(path: Path, version: str | None = None,
               max_bytes: int = files.MAX_JSON_BYTES) -> tuple[str, dict[str, Any], set[str]]:
    """The selected version's name, its needs by ID, and the link field names its schema declares.

    Needs are returned as found, objects or not: `convert` reports those it cannot use as skipped.
    """
    try:
        text = files.read_text(path, max_bytes)
    except OSError as exc:
        raise NeedsFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise NeedsFileError(f"cannot read {path}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    data = _parse_json(text, path)
    versions = data.get("versions") if isinstance(data, dict) else None
    if not isinstance(versions, dict) or not versions:
        raise NeedsFileError(f"{path}: no 'versions' object; is this a sphinx-needs needs.json?")
    name = version if version is not None else data.get("current_version")
    if name not in versions:
        if version is None and len(versions) == 1:
            name = next(iter(versions))
        else:
            raise NeedsFileError(f"{path}: no version {name!r}; the file has: {', '.join(map(str, versions))}")
    selected = versions[name]
    needs = selected.get("needs") if isinstance(selected, dict) else None
    if not isinstance(needs, dict):
        raise NeedsFileError(f"{path}: version {name!r} has no 'needs' object")
    schema = selected.get("needs_schema", {}).get("properties", {}) if isinstance(selected, dict) else {}
    link_fields = {k for k, v in schema.items() if isinstance(v, dict) and v.get("field_type") == "links"}
    return str(name), {str(k): v for k, v in needs.items()}, link_fields


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


class _NotText(Exception):
    """A field holds a list or mapping where text is expected."""


def _plain(value: Any, ours: bool) -> str:
    """A field's text; a ra2docs export's dynamic-function escape undone. Numbers and booleans are written
    as JSON writes them; a list or mapping is not text (`_NotText`)."""
    if isinstance(value, dict | list):
        raise _NotText
    text = value if isinstance(value, str) else json.dumps(value)
    return text.replace(DYNAMIC_ESCAPE, "[[") if ours else text


def _tags(value: Any) -> list[Any]:
    if isinstance(value, list):
        return [t for t in value if t is not None and (not isinstance(t, str) or t.strip())]
    if isinstance(value, str):
        return [t.strip() for t in re.split(r"[,;]", value) if t.strip()]
    return []


def _profiles(value: str, level: str) -> dict[str, str] | list[str]:
    out: dict[str, str] = {}
    for part in value.split(","):
        name, _, lvl = part.strip().partition("=")
        if name:
            out[name] = lvl if lvl in LEVELS else level
    return list(out) if all(v == level for v in out.values()) else out


def convert(needs: dict[str, Any], spec: str, id_pattern: str, taken: set[str], link_fields: set[str],
            types: set[str] | None = None) -> ImportResult:
    """Requirements (as YAML-ready dicts) of `spec` from needs; `taken`: IDs the tree defines elsewhere."""
    result = ImportResult()
    pattern = re.compile(id_pattern, re.ASCII)
    def ra2docs_id(n: Any) -> str | None:
        try:
            return _plain(n["ra2docs_id"], True) if isinstance(n, dict) and n.get("ra2docs_id") else None
        except _NotText:
            return None

    original = {nid: ra2docs_id(n) or nid for nid, n in needs.items()}
    seen: set[str] = set()
    for nid, need in needs.items():
        if not isinstance(need, dict):
            result.skipped.append((nid, f"it is not a JSON object but {type(need).__name__} {json.dumps(need)[:40]}"))
            continue
        ours = "ra2docs_id" in need

        def text(name: str, need: dict[str, Any] = need, ours: bool = ours) -> str:
            """The field as text; a list or mapping where text belongs is reported, never turned into text."""
            value = need.get(name)
            if value is None:
                return ""
            try:
                return _plain(value, ours)
            except _NotText:
                result.unmapped_fields[f"{name} (a list or mapping, not text)"] += 1
                return ""

        if any(isinstance(need.get(k), dict | list) for k in ("ra2docs_id", "spec", "title", "type")):
            result.skipped.append((nid, "its ID, spec, type or title is a list or mapping, not text"))
            continue
        rid = original[nid]
        kind = text("type")
        if types and kind not in types:
            result.skipped.append((nid, f"type '{kind}' is not imported (--type)"))
            continue
        need_spec = text("spec")
        if need_spec and need_spec != spec:
            result.skipped.append((nid, f"it belongs to spec {need_spec!r} (import it with --spec {need_spec})"))
            continue
        if not pattern.match(rid):
            result.skipped.append((nid, f"ID {rid!r} does not match the spec's id_pattern {id_pattern}"))
            continue
        if rid in taken or rid in seen:
            result.skipped.append((nid, f"ID {rid!r} is already defined in the tree"))
            continue
        title = text("title").strip()
        if not title:
            result.skipped.append((nid, "no title"))
            continue
        seen.add(rid)
        content = need.get("content") or need.get("description") or ""
        if isinstance(content, dict | list):
            result.unmapped_fields["content (a list or mapping, not text)"] += 1
            content = ""
        content = content if isinstance(content, str) else json.dumps(content)
        req: dict[str, Any] = {"id": rid, "title": title}
        if content.strip():
            req["description"] = _unescape(content) if ours else content.strip("\n")
        level = text("level")
        if level in LEVELS:  # written even when must: a requirement without a level is "unstated"
            req["level"] = level
        elif level and level not in LEVELS:
            result.unmapped_fields["level"] += 1
        if profiles := text("profiles"):
            req["profiles"] = _profiles(profiles, level if level in LEVELS else "must")
        for name in ("category", "section", "status", "source"):
            if value := text(name):
                req[name] = value
        tag_values = _tags(need.get("tags"))
        if tags := [_plain(t, ours) for t in tag_values if not isinstance(t, dict | list)]:
            req["tags"] = tags
        if len(tags) < len(tag_values):
            result.unmapped_fields["tags (items that are lists or mappings)"] += 1
        for link_type in LINK_TYPES:
            targets = need.get(link_type) or []
            if isinstance(targets, list) and targets:
                usable = [t for t in targets if isinstance(t, str)]
                if len(usable) < len(targets):
                    result.unmapped_links[f"{link_type} (targets that are not IDs)"] += len(targets) - len(usable)
                if usable:
                    req[link_type] = [original.get(t, t) for t in usable]
        for name, value in need.items():
            if name in _MANAGED or name in LINK_TYPES or name.endswith("_back") or value in (None, "", [], {}):
                continue
            if name in link_fields or name == "links":
                result.unmapped_links[name] += len(value) if isinstance(value, list) else 1
            else:
                result.unmapped_fields[name] += 1
        result.requirements.append(req)
    return result


def requirements_yaml(spec: str, requirements: list[dict[str, Any]], source_name: str, version: str) -> str:
    header = (f"# Imported from the sphinx-needs file {source_name} (version {version}) by `ra2docs import-needs`.\n"
              "# Edit freely: this file is now the source of truth for these requirements.\n")
    body = yaml.dump({"kind": "requirements", "spec": spec, "requirements": requirements}, Dumper=_DUMPER,
                     sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)
    return header + body
