"""YAML files -> model, plus the problems found on the way. The only module that reads YAML.

PyYAML's C parser composes the node tree (safe: no tags are constructed, nothing is executed); our own
walk then checks each node against the declarations in `schema.KINDS` and keeps every value's line and
column. Duplicate keys, wrong types, unknown fields, bad values and YAML syntax errors become findings,
and loading goes on, so one run reports every problem.
"""

from __future__ import annotations

import datetime as dt
import difflib
import operator
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from sys import intern

import yaml

from ra2docs import files, model, text_safety, verification_load
from ra2docs.errors import NOWHERE, Finding, Location, Severity
from ra2docs.schema import KINDS, SLUG, F
from ra2docs.values import from_yaml as values_from_yaml

try:  # the C parser is ~10x faster; pure Python is the fallback on exotic installs
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader

TREE_DIRS = files.TREE_DIRS
YAML_SUFFIXES = (".yaml", ".yml")
MAX_FILE_BYTES = files.MAX_SPEC_FILE_BYTES
_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PATTERN_WORDS = {SLUG: "start with a letter or digit and hold only letters, digits and . _ + : / - (no spaces)",
                  r"^#[0-9a-fA-F]{6}$": "be a colour written #rrggbb"}
_JSON_TYPE_WORD = {"string": "a string", "array": "a list", "object": "a mapping", "map": "a mapping",
                   "boolean": "true or false", "date": "a date (YYYY-MM-DD)"}


class Rec(dict):
    """A checked YAML mapping that remembers where it and each of its values were written."""

    __slots__ = ("loc", "locs")

    def __init__(self, loc: Location) -> None:
        super().__init__()
        self.loc = loc
        self.locs: dict[str, Location] = {}

    def at(self, key: str) -> Location:
        return self.locs.get(key, self.loc)


@dataclass
class LoadResult:
    tree: model.Tree
    findings: list[Finding] = field(default_factory=list)
    files_read: int = 0


def discover(root: Path) -> list[Path]:
    """The YAML files of a spec tree, in a stable order."""
    return files.list_files(root, TREE_DIRS, YAML_SUFFIXES).files


def is_tree(root: Path) -> bool:
    return any((root / sub).is_dir() for sub in TREE_DIRS)


class _ComposeLoader(_Loader):
    """PyYAML's composer, leaving the tag of plain scalars for the walk to work out when it needs it.

    PyYAML asks its resolver for the tag of every node (a Python call running regular expressions: a
    third of composing). The walk needs a scalar's tag only for true/false, dates and nulls, so plain
    scalars get `_PLAIN` and `_tag` resolves them on demand, exactly as PyYAML would have.
    """

    # No path resolvers are registered, so descending into and out of a node has nothing to do: C-level
    # no-ops instead of two Python calls per node (`is_` takes the parent and index and returns at once).
    descend_resolver = staticmethod(operator.is_)
    ascend_resolver = staticmethod(tuple)

    def resolve(self, kind: type, value: object, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            return _PLAIN if implicit[0] else _STR
        return _SEQ if kind is yaml.SequenceNode else _MAP


_PLAIN = "ra2docs:plain"  # a plain scalar's tag not yet resolved (never a real tag: those are URIs or !x)
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_NULL_WORDS = frozenset(("", "~", "null", "Null", "NULL"))  # what PyYAML's resolver reads as null
_RESOLVER = yaml.resolver.Resolver()


def _tag(node: yaml.Node) -> str:
    tag = node.tag
    if tag is _PLAIN:
        return _RESOLVER.resolve(yaml.ScalarNode, node.value, (True, False))
    return tag


def _is_null(node: yaml.Node) -> bool:
    tag = node.tag
    return tag == _NULL or (tag is _PLAIN and node.value in _NULL_WORDS)


_NODE_CLASS = {"object": yaml.MappingNode, "map": yaml.MappingNode, "array": yaml.SequenceNode}
_REQUIRED: dict[int, tuple[F, tuple[str, ...]]] = {}


def _required(spec: F) -> tuple[str, ...]:
    """The required member names of an object declaration but `kind`, worked out once per declaration."""
    hit = _REQUIRED.get(id(spec))
    if hit is None or hit[0] is not spec:
        names = tuple(k for k, v in (spec.fields or {}).items() if v.required and k != "kind")
        hit = _REQUIRED[id(spec)] = (spec, names)
    return hit[1]


class _Walker:
    """Checks one file's node tree against its kind's declaration.

    The hot paths (a matrix has hundreds of thousands of cells) dispatch on the declared type by dict and
    test node classes by identity; every finding keeps its exact wording and position.
    """

    def __init__(self, path: str, findings: list[Finding]) -> None:
        self.path = path
        self.findings = findings
        self._by_type: dict[str, Callable[[yaml.Node, F, str], object]] = {
            "union": self.union, "object": self.mapping, "map": self.free_map, "array": self.array,
            "string": self.string, "boolean": self.scalar_field, "date": self.scalar_field}

    def loc(self, node: yaml.Node) -> Location:
        mark = node.start_mark
        return Location(self.path, mark.line + 1, mark.column + 1)

    def report(self, code: str, message: str, node: yaml.Node, subject: str = "") -> None:
        self.findings.append(Finding(code, message, self.loc(node), subject=subject))

    def convert(self, node: yaml.Node, spec: F, name: str) -> object:
        """The checked value of `node`, or None when it cannot be used (a finding says why)."""
        return self._by_type.get(spec.type, self.scalar_field)(node, spec, name)

    def union(self, node: yaml.Node, spec: F, name: str) -> object:
        node_class = type(node)
        for option in spec.options:
            if _NODE_CLASS.get(option.type, yaml.ScalarNode) is node_class:
                return self.convert(node, option, name)
        wanted = " or ".join(_JSON_TYPE_WORD.get(o.type, o.type) for o in spec.options)
        self.report("ra2.wrong-type", f"'{name}' must be {wanted}, not {_node_word(node)}", node)
        return None

    def array(self, node: yaml.Node, spec: F, name: str) -> object:
        if type(node) is not yaml.SequenceNode:
            self.report("ra2.wrong-type", f"'{name}' must be a list, not {_node_word(node)}", node)
            return None
        items = spec.items
        assert items is not None
        values = []
        seen: dict[object, yaml.Node] = {}
        item_name = f"{name} item"
        is_set = items.type == "string"  # lists of names are sets: a repeat is a slip, kept once
        convert = self.convert
        for item in node.value:
            value = convert(item, items, item_name)
            if value is None:
                continue
            if is_set:
                if value in seen:
                    first = seen[value].start_mark.line + 1
                    self.report("ra2.duplicate-item", f"'{name}' lists {value!r} twice (first at line "
                                f"{first}); it counts once", item, subject=str(value))
                    continue
                seen[value] = item
            values.append(value)
        return values

    def scalar_field(self, node: yaml.Node, spec: F, name: str) -> object:
        if type(node) is not yaml.ScalarNode:
            self.report("ra2.wrong-type",
                        f"'{name}' must be {_JSON_TYPE_WORD.get(spec.type, spec.type)}, not {_node_word(node)}",
                        node)
            return None
        return self.scalar(node, spec, name)

    def string(self, node: yaml.Node, spec: F, name: str) -> object:
        """A string field: the common case (no rule, not empty) without the rest of `scalar`."""
        if type(node) is not yaml.ScalarNode:
            self.report("ra2.wrong-type", f"'{name}' must be a string, not {_node_word(node)}", node)
            return None
        tag, text = node.tag, node.value
        if spec.enum or spec.pattern or spec.required or name == "id" or tag == _NULL or \
                (tag is _PLAIN and text in _NULL_WORDS):  # _is_null, inline: the hottest line of the walk
            return self.scalar(node, spec, name)
        return text  # the source text, also of numbers: `version: 1.20` stays "1.20", not 1.2

    def scalar(self, node: yaml.ScalarNode, spec: F, name: str) -> object:
        kind, text = spec.type, node.value
        if kind == "string":
            # Keep the source text of numbers: `version: 1.20` must stay "1.20", not 1.2.
            null = _is_null(node)
            if null and spec.required:
                self.report("ra2.missing-field", f"'{name}' is empty ({text or 'null'}); give it a value", node)
                return None
            value = "" if null else text
            if name == "id" and value and self.non_ascii_id(node, value):
                return value  # kept, so references to it resolve; the finding says what to retype
            if spec.enum and value not in spec.enum:
                hint = _suggest(value, spec.enum)
                self.report("ra2.bad-value", f"'{name}' is {value!r}; allowed: {', '.join(spec.enum)}{hint}",
                            node)
                return None
            if spec.pattern and value and not re.match(spec.pattern, value, re.ASCII):
                code = "ra2.id-pattern" if name == "id" else "ra2.bad-value"
                rule = _PATTERN_WORDS.get(spec.pattern, f"match {spec.pattern}")
                self.report(code, f"'{name}' {value!r} is malformed: it must {rule}", node, subject=value)
                return None
            return value
        tag = _tag(node)
        if kind == "boolean":
            if tag == _BOOL:
                return text.lower() in ("true", "yes", "on", "y")
            self.report("ra2.wrong-type", f"'{name}' must be true or false, not {text!r}", node)
            return None
        if kind == "date":
            if (tag in (_TIMESTAMP, _STR)) and _DATE_RE.match(text):
                try:
                    return dt.date.fromisoformat(text)
                except ValueError:
                    pass
            self.report("ra2.bad-value", f"'{name}' must be a date written YYYY-MM-DD, not {text!r}", node)
            return None
        self.report("ra2.wrong-type", f"'{name}' has an unsupported type", node)  # pragma: no cover
        return None

    def non_ascii_id(self, node: yaml.ScalarNode, value: str) -> bool:
        """Report an ID holding a control, format or non-ASCII space character, at it; True when it does."""
        found = text_safety.invisible(value)
        if found is None:
            return False
        index, what = found
        mark = node.start_mark
        column = mark.column + 1 + index + (1 if node.style in ("'", '"') else 0)
        self.findings.append(Finding(
            "ra2.id-pattern", f"ID {text_safety.escape_controls(repr(value))} holds {what} at column {column}: "
            "an ID cannot hold invisible or control characters; type it again",
            Location(self.path, mark.line + 1, column), subject=value))
        return True

    def key(self, key_node: yaml.Node, name: str, seen: dict[str, yaml.Node]) -> str | None:
        """The text of a mapping key, or None when it is not plain text or a repeat (a finding says so)."""
        if type(key_node) is not yaml.ScalarNode or _is_null(key_node):
            self.report("ra2.wrong-type", f"keys of '{name}' must be plain text", key_node)
            return None
        key: str = key_node.value
        if key in seen:
            first = self.loc(seen[key])
            self.report("ra2.duplicate-key",
                        f"key '{key}' appears twice in '{name}' (first at line {first.line}); "
                        "YAML would silently keep only the last one", key_node, subject=key)
            return None
        seen[key] = key_node
        return key

    def mapping(self, node: yaml.Node, spec: F, name: str) -> Rec | None:
        if type(node) is not yaml.MappingNode:
            self.report("ra2.wrong-type", f"'{name}' must be a mapping, not {_node_word(node)}", node)
            return None
        fields = spec.fields or {}
        rec = Rec(self.loc(node))
        locs, path, convert = rec.locs, self.path, self.convert
        seen: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = self.key(key_node, name, seen)
            if key is None:
                continue
            member = fields.get(key)
            if member is None:
                allowed = ", ".join(fields)
                self.report("ra2.unknown-field",
                            f"unknown field '{key}' in '{name}'{_suggest(key, fields)}; allowed: {allowed}",
                            key_node, subject=key)
                continue
            value = convert(value_node, member, key)
            if value is not None:
                rec[key] = value
                mark = value_node.start_mark
                locs[key] = Location(path, mark.line + 1, mark.column + 1)
        required = _required(spec)
        for key in required:
            if key not in seen:
                self.report("ra2.missing-field", f"'{name}' lacks the required field '{key}'", node,
                            subject=str(rec.get("id", "")))
        # A required field that was present but invalid has its own finding already.
        return rec if all(k in rec for k in required) else None

    def free_map(self, node: yaml.Node, spec: F, name: str) -> Rec | None:
        if type(node) is not yaml.MappingNode:
            self.report("ra2.wrong-type", f"'{name}' must be a mapping, not {_node_word(node)}", node)
            return None
        items = spec.items
        assert items is not None
        rec = Rec(self.loc(node))
        locs, path, convert = rec.locs, self.path, self.convert
        seen: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = self.key(key_node, name, seen)
            if key is None:
                continue
            value = convert(value_node, items, key)
            if value is not None:
                rec[key] = value
                mark = value_node.start_mark
                locs[key] = Location(path, mark.line + 1, mark.column + 1)
        return rec


def _node_word(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return f"{node.value!r}" if node.value else "empty"


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _plain_yaml_problem(exc: yaml.MarkedYAMLError, text: str) -> str:
    """PyYAML's wording, or plainer words for the mistakes people make most."""
    mark = exc.problem_mark
    if mark is not None:
        lines = text.splitlines()
        line = lines[mark.line] if mark.line < len(lines) else ""
        if "\t" in line[: mark.column + 1] and not line[: mark.column].strip(" \t"):
            return "a tab indents this line; YAML indents with spaces only"
    if exc.context and "single document" in exc.context:
        return "a second YAML document starts here ('---'); keep one document per file"
    return str(exc.problem or exc)


Parsed = tuple[str, Rec] | None  # a file's kind and checked top-level record, or None (findings say why)
# A reader gives a file's parse result, or the model objects made from it (`file_objects`: a cache keeps those)
FileReader = Callable[[Path, str, list[Finding]], "Parsed | FileObjects"]


def read_file(path: Path, display: str, findings: list[Finding]) -> Parsed:
    """Parse one file: its kind and checked top-level record, or None (with findings)."""
    try:
        data = files.read_bytes(path, MAX_FILE_BYTES, files.tree_of(path))
    except OSError as exc:
        findings.append(Finding("ra2.file-unreadable", f"cannot read file: {exc.strerror or exc}",
                                Location(display)))
        return None
    return parse_bytes(data, display, findings)


def _too_big(size: int, display: str) -> Finding:
    return Finding("ra2.file-unreadable", f"file is {size} bytes, over the {MAX_FILE_BYTES} byte limit",
                   Location(display))


def parse_bytes(data: bytes, display: str, findings: list[Finding]) -> Parsed:
    """Parse the bytes of one file (named `display` in findings): what `read_file` returns."""
    if len(data) > MAX_FILE_BYTES:
        findings.append(_too_big(len(data), display))
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        where = Location(display, data.count(b"\n", 0, exc.start) + 1, exc.start - line_start + 1)
        findings.append(Finding("ra2.file-unreadable", f"not UTF-8 text: byte 0x{data[exc.start]:02x} cannot be "
                                "decoded; save the file as UTF-8", where))
        return None
    try:
        root = yaml.compose(text, Loader=_ComposeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Location(display, mark.line + 1, mark.column + 1) if mark else Location(display)
        problem = _plain_yaml_problem(exc, text)
        if exc.context and problem == str(exc.problem or exc):  # PyYAML's own words: add where it started
            started = exc.context_mark
            since = f" (started at line {started.line + 1}, column {started.column + 1})" if started else ""
            problem = f"{problem} {exc.context}{since}"
        findings.append(Finding("ra2.yaml-syntax", f"YAML syntax error: {problem}", where))
        return None
    except yaml.reader.ReaderError as exc:  # a character YAML forbids; it knows the offset, not the line
        before = text[: exc.position]
        where = Location(display, before.count("\n") + 1, len(before) - before.rfind("\n"))
        findings.append(Finding("ra2.yaml-syntax", f"character {exc.character!r} is not allowed in YAML; "
                                "remove it or quote it as an escape", where))
        return None
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        findings.append(Finding("ra2.yaml-syntax", f"YAML error: {exc}", Location(display)))
        return None
    walker = _Walker(display, findings)
    if root is None:
        findings.append(Finding("ra2.unknown-kind", "the file is empty: give it a 'kind:' and its content, or "
                                "delete it", Location(display, 1, 1), severity=Severity.WARNING))
        return None
    if not isinstance(root, yaml.MappingNode):
        walker.report("ra2.unknown-kind", "a spec file must be a mapping that starts with 'kind:'", root)
        return None
    kind_node = next((v for k, v in root.value if type(k) is yaml.ScalarNode and k.value == "kind"), None)
    kind = kind_node.value if isinstance(kind_node, yaml.ScalarNode) else None
    if kind not in KINDS:
        known = ", ".join(KINDS)
        if kind_node is None:
            walker.report("ra2.unknown-kind", f"file has no 'kind:'; add one of: {known}", root)
        else:
            walker.report("ra2.unknown-kind", f"unknown kind {kind!r}{_suggest(str(kind), KINDS)}; "
                          f"use one of: {known}", kind_node)
        return None
    try:
        rec = walker.mapping(root, KINDS[kind], kind)
    except RecursionError:
        findings.append(Finding("ra2.yaml-syntax", "YAML nesting is too deep", Location(display)))
        return None
    return (kind, rec) if rec is not None else None


def file_objects(parsed: tuple[str, Rec]) -> FileObjects:
    """The model objects one file's parse result makes, as `load_tree` would make them while loading.

    A cache may keep these instead of the parse result: making the matrices' cells and their locations from
    parse results was most of loading a big tree from the cache, unpickling them is cheaper."""
    part = _Builder("")
    part.add(*parsed)
    return part


def load_tree(root: Path | str, display_root: str | None = None, reader: FileReader = read_file) -> LoadResult:
    """Load every YAML file of the spec tree at `root` (each parsed by `reader`, e.g. a cache).

    A reader may give a file's model objects instead of its parse result (the parse cache): they are used as
    they are, so a process that loads again and is given the same objects for an unchanged file (the preview's,
    whose cache keeps its entries in memory) makes nothing anew for it."""
    root = Path(root)
    prefix = display_root if display_root is not None else str(root)
    findings: list[Finding] = []
    builder = _Builder(str(root))
    listing = files.list_files(root, TREE_DIRS, YAML_SUFFIXES)
    findings.extend(files.listing_findings(listing, root, prefix))
    for path in listing.files:
        rel = path.relative_to(root).as_posix()
        display = rel if prefix in ("", ".") else f"{prefix.rstrip('/')}/{rel}"
        parsed = reader(path, display, findings)
        builder.files.append(str(path))
        if isinstance(parsed, _Builder):
            builder.merge(parsed)
        elif parsed is not None:
            builder.add(*parsed)
    return LoadResult(builder.build(), findings, len(listing.files))


def load_files(paths: Iterable[Path], root: str = ".") -> LoadResult:
    """Load an explicit list of files (used by tests and by the Sphinx extension)."""
    findings: list[Finding] = []
    builder = _Builder(root)
    count = 0
    for path in paths:
        count += 1
        parsed = read_file(path, str(path), findings)
        builder.files.append(str(path))
        if parsed is not None:
            builder.add(*parsed)
    return LoadResult(builder.build(), findings, count)


def _source(value: object) -> model.Source | None:
    if isinstance(value, str):
        return model.Source(value) if value else None
    if isinstance(value, dict):
        return model.Source(value["document"], value.get("section", ""), value.get("url", ""),
                            value.get("note", ""))
    return None


def _profiles(raw: object, level: str) -> tuple[dict[str, str], dict[str, model.Value]]:
    """Profiles as profile -> level and profile -> value, from a list or a map of levels or {level, value}."""
    if isinstance(raw, list):
        return dict.fromkeys(raw, level), {}
    levels: dict[str, str] = {}
    values: dict[str, model.Value] = {}
    for profile, cell in dict(raw).items():  # type: ignore[call-overload]
        if isinstance(cell, str):
            levels[profile] = cell
            continue
        levels[profile] = cell.get("level", level)
        value = values_from_yaml(cell.get("value"))
        if value is not None:
            values[profile] = value
    return levels, values


def _sections(items: Iterable[object]) -> tuple[model.Named, ...]:
    out = []
    for item in items:
        if isinstance(item, str):
            out.append(model.Named(item))
        elif isinstance(item, dict):
            out.append(model.Named(item["id"], item.get("title", ""), item.get("description", ""),
                                   item.get("anchor", ""), _sections(item.get("sections", ()))))
    return tuple(out)


def _named(items: Iterable[object]) -> tuple[model.Named, ...]:
    out = []
    for item in items:
        if isinstance(item, str):
            out.append(model.Named(item))
        elif isinstance(item, dict):
            out.append(model.Named(item["id"], item.get("title", ""), item.get("description", "")))
    return tuple(out)


class _Builder:
    """Turns checked records into model objects, collecting them across files."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.files: list[str] = []
        self.specs: list[model.Spec] = []
        self.requirements: list[model.Requirement] = []
        self.kinds: list[model.Named] = []
        self.components: list[model.Component] = []
        self.vocabularies: list[model.Vocabulary] = []
        self.matrices: list[model.Matrix] = []
        self.links: list[model.Link] = []
        self.stacks: list[model.Stack] = []
        self.rules: list[model.Rule] = []
        self.both_directions: list[str] = []
        self.both_directions_location = NOWHERE
        self.states_both_directions = False  # a policy file said `both_directions` (its location is kept)
        self.link_types: list[model.LinkType] = []
        self.registry: list[model.RegistryEntry] = []
        self.severities: dict[str, str] = {}
        self.severity_locations: dict[str, Location] = {}
        self.waivers: list[model.Waiver] = []
        self.responses: list[model.VendorResponse] = []
        self.testcases: list = []  # verification_model.TestCase
        self.results: list = []  # verification_model.ResultSet

    def add(self, kind: str, rec: Rec) -> None:
        getattr(self, f"_add_{kind}")(rec)

    def merge(self, part: _Builder) -> None:
        """Add the objects `part` made from one file, as `add` would have for that file (not its `files`)."""
        for name, value in vars(part).items():  # every collection, so one added later is not forgotten
            if isinstance(value, list) and name != "files":
                getattr(self, name).extend(value)
            elif isinstance(value, dict):
                getattr(self, name).update(value)
        if part.states_both_directions:
            self.both_directions_location = part.both_directions_location
            self.states_both_directions = True

    def _add_spec(self, r: Rec) -> None:
        self.specs.append(model.Spec(
            id=r["id"], title=r["title"], id_pattern=r["id_pattern"], version=r.get("version", ""),
            description=r.get("description", ""), based_on=tuple(r.get("based_on", ())),
            profiles=_named(r.get("profiles", ())), categories=_named(r.get("categories", ())),
            sections=_sections(r.get("sections", ())), url=r.get("url", ""), source=_source(r.get("source")),
            location=r.loc, field_locations=dict(r.locs)))

    def _add_requirements(self, r: Rec) -> None:
        spec, category, section = r["spec"], r.get("category", ""), r.get("section", "")
        file_level = r.get("level", "")
        file_source = _source(r.get("source"))
        for q in r["requirements"]:
            level = q.get("level", file_level)  # no level stated: "unstated", never a silent must
            profiles, values = _profiles(q.get("profiles", {}), level)
            if not level and profiles:  # levels stated per profile only: the strongest of them, overall
                level = max(profiles.values(), key=lambda lv: model.LEVEL_RANK.get(lv, 0))
            links = tuple((name, ref) for name, refs in q.get("links", {}).items() for ref in refs)
            self.requirements.append(model.Requirement(
                id=q["id"], spec=spec, title=q["title"], description=q.get("description", ""),
                level=level, profiles=profiles, category=q.get("category", category),
                section=q.get("section", section), status=q.get("status", ""), tags=tuple(q.get("tags", ())),
                source=_source(q.get("source")) or file_source, traces=tuple(q.get("traces", ())),
                traced_by=tuple(q.get("traced_by", ())), refines=tuple(q.get("refines", ())),
                depends=tuple(q.get("depends", ())), notes=q.get("notes", ""), location=q.loc,
                field_locations=dict(q.locs), value=values_from_yaml(q.get("value")), values=values,
                links=links))

    def _add_registry(self, r: Rec) -> None:
        file_source = _source(r.get("source"))
        for e in r["entries"]:
            profiles, values = _profiles(e.get("profiles", {}), e.get("level", ""))
            self.registry.append(model.RegistryEntry(
                spec=r["spec"], id=e["id"], section=e.get("section", ""), level=e.get("level", ""),
                profiles=profiles, title=e.get("title", ""), location=e.loc, values=values,
                source=_source(e.get("source")) or file_source))

    def _add_components(self, r: Rec) -> None:
        self.kinds.extend(_named(r.get("kinds", ())))
        for c in r.get("components", ()):
            versions = c.get("versions", ())
            self.components.append(model.Component(
                id=c["id"], kind=c["kind"], name=c["name"],
                versions=(versions,) if isinstance(versions, str) else tuple(versions),
                description=c.get("description", ""), status=c.get("status", ""), url=c.get("url", ""),
                source=_source(c.get("source")), attributes=dict(c.get("attributes", {})), location=c.loc))

    def _add_vocabulary(self, r: Rec) -> None:
        levels = tuple(model.Level(
            id=lv["id"], label=lv["label"], covers=lv.get("covers", False),
            placeholder=lv.get("placeholder", False), colour=lv.get("colour", ""),
            symbol=lv.get("symbol", ""), description=lv.get("description", ""))
            for lv in r["levels"])
        self.vocabularies.append(model.Vocabulary(r["id"], r.get("title", r["id"]), levels, r.loc))

    def _add_matrix(self, r: Rec) -> None:
        rows = []
        cell = model.Cell
        for row in r["rows"]:
            cells_rec = row.get("cells")
            cells = []
            if cells_rec:
                where, row_loc = cells_rec.locs.get, cells_rec.loc
                for column, value in cells_rec.items():
                    # a matrix repeats a few component and level IDs hundreds of thousands of times: one copy each
                    if type(value) is str:
                        cells.append(cell(intern(column), intern(value), "", "", "", where(column, row_loc)))
                    else:
                        cells.append(cell(intern(column), intern(value["level"]), value.get("via", ""),
                                          value.get("note", ""), value.get("text", ""), where(column, row_loc)))
            at = row.locs.get("requirement")
            rows.append(model.Row(
                requirement=row.get("requirement", ""), feature=row.get("feature", ""),
                title=row.get("title", ""), note=row.get("note", ""), source=_source(row.get("source")),
                cells=tuple(cells), location=row.loc,
                requirement_column=at.column if at is not None and at.line == row.loc.line else 0))
        self.matrices.append(model.Matrix(
            id=r["id"], title=r["title"], vocabulary=r["vocabulary"], columns=tuple(r["columns"]),
            rows=tuple(rows), description=r.get("description", ""),
            column_titles=dict(r.get("column_titles", {})), show_attributes=tuple(r.get("show_attributes", ())),
            sparse=r.get("sparse", False), spec=r.get("spec", ""),
            source=_source(r.get("source")), location=r.loc))

    def _add_links(self, r: Rec) -> None:
        for lk in r["links"]:
            self.links.append(model.Link(lk["from"], lk["to"], lk["type"], lk.get("note", ""),
                                         _source(lk.get("source")), lk.loc, title=lk.get("title", ""),
                                         end_locations=(lk.at("from"), lk.at("to"))))

    def _add_stacks(self, r: Rec) -> None:
        for st in r["stacks"]:
            self.stacks.append(model.Stack(
                id=st["id"], title=st["title"], components=tuple(st["components"]),
                vendor=st.get("vendor", ""), description=st.get("description", ""),
                source=_source(st.get("source")), location=st.loc))

    def _add_policy(self, r: Rec) -> None:
        for ru in r.get("rules", ()):
            self.rules.append(model.Rule(
                id=ru["id"], spec=ru["spec"], covered_by=ru["covered_by"], title=ru.get("title", ""),
                from_spec=ru.get("from_spec", ""), levels=tuple(ru.get("levels", ())),
                profiles=tuple(ru.get("profiles", ())), stacks=ru.get("stacks", False),
                severity=ru.get("severity", ""), unstated=ru.get("unstated", "exclude") == "include",
                categories=tuple(ru.get("categories", ())),
                location=ru.loc))
        if "both_directions" in r:
            self.both_directions.extend(r["both_directions"])
            self.both_directions_location = r.at("both_directions")
            self.states_both_directions = True
        for lt in r.get("link_types", ()):
            pairs = tuple(model.LinkPair(p["from"], p["to"], p.get("both_ends", False), p.loc)
                          for p in lt.get("pairs", ()))
            self.link_types.append(model.LinkType(lt["id"], lt.get("inverse", ""), lt.get("title", ""), pairs,
                                                  lt.loc))
        severities = r.get("severities", {})
        self.severities.update(severities)
        for code in severities:
            self.severity_locations[code] = severities.at(code) if isinstance(severities, Rec) else r.at("severities")

    def _add_waivers(self, r: Rec) -> None:
        for w in r["waivers"]:
            scope = dict(w.get("scope", {}))
            for name in ("spec", "rule", "category"):  # fields and scope keys mean the same
                if name in w:
                    scope[name] = w[name]
            if "spec" in r:
                scope.setdefault("spec", r["spec"])
            self.waivers.append(model.Waiver(
                code=w["code"], target=w["target"], reason=w["reason"], expires=w.get("expires"),
                scope=scope, file=w.get("file", ""), upstream=w.get("upstream", ""), location=w.loc))

    def _add_responses(self, r: Rec) -> None:
        answers = tuple(model.Answer(a["id"], a["compliance"], a.get("comment", ""), a.get("evidence", ""),
                                     a.loc) for a in r["answers"])
        self.responses.append(model.VendorResponse(
            vendor=r["vendor"], answers=answers, imported_from=r.get("imported_from", ""),
            imported_at=r.get("imported_at", ""), checksum=r.get("checksum", ""),
            spec_versions=dict(r.get("spec_versions", {})), asked=tuple(r.get("asked", ())),
            details=dict(r.get("vendor_details", {})), location=r.loc))

    def _add_testcases(self, r: Rec) -> None:
        self.testcases.extend(verification_load.testcases(r, _source))

    def _add_results(self, r: Rec) -> None:
        self.results.append(verification_load.results(r))

    def build(self) -> model.Tree:
        defined = {(q.spec, q.id) for q in self.requirements}
        registered = [model.Requirement(id=e.id, spec=e.spec, title=e.title, level=e.overall_level,
                                        profiles=dict(e.profiles), values=dict(e.values), section=e.section,
                                        source=e.source, location=e.location, registered=True)
                      for e in self.registry if (e.spec, e.id) not in defined]
        return model.Tree(
            root=self.root, specs=tuple(self.specs), requirements=tuple(self.requirements) + tuple(registered),
            component_kinds=tuple(self.kinds), components=tuple(self.components),
            vocabularies=tuple(self.vocabularies), matrices=tuple(self.matrices), links=tuple(self.links),
            stacks=tuple(self.stacks),
            policy=model.Policy(tuple(self.rules), tuple(dict.fromkeys(self.both_directions)),
                                self.both_directions_location, tuple(self.link_types),
                                self.severities, self.severity_locations),
            registry=tuple(self.registry),
            waivers=tuple(self.waivers), responses=tuple(self.responses), testcases=tuple(self.testcases),
            results=tuple(self.results), files=tuple(self.files))


FileObjects = _Builder  # one file's model objects (`file_objects`), merged into a tree by `load_tree`
