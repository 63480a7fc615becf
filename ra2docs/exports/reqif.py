"""Requirements as a ReqIF 1.2 document (OMG Requirements Interchange Format): `ra2docs export reqif`.

Tools such as DOORS, Polarion or Codebeamer import the file. What it holds:

- datatypes: one string type, and an enumeration of the normative levels;
- spec object types: `Requirement` (attributes ReqIF.ForeignID = the ID, `SPEC:id` where two specs
  define it, ReqIF.Name = the title,
  ReqIF.Text = the description, then Spec, Level, Profiles, Category, Section, Status, Tags, Source,
  Notes) and `Section` (ReqIF.ChapterName), for the headings of the hierarchy;
- spec relation types `traces`, `refines` and `depends`, one spec relation per link between two known
  requirements (a link stated at both ends is one relation);
- test cases (`kind: testcases`) as spec objects of type `Test case` (ReqIF.ForeignID, ReqIF.Name,
  ReqIF.Text, Suite, Tool, Criteria, Priority, Source) in a specification of their own, and a
  `verifies` relation from each to every requirement it verifies (globs and sections expanded);
- one specification per spec, whose hierarchy is the spec's sections (in the order first seen) holding
  their requirements; requirements without a section sit directly under the specification.

Text is written as attribute values (ReqIF strings), which XML escaping keeps intact, line breaks
included. Characters XML 1.0 cannot carry at all (most control characters) are replaced by U+FFFD, and
the command says how many it replaced. Identifiers are XML IDs derived from the requirement IDs plus a
hash, so they are unique and the same in every export; the requirement ID itself is ReqIF.ForeignID.
LAST-CHANGE and CREATION-TIME are the export time, or SOURCE_DATE_EPOCH when set (reproducible builds).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import re
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from ra2docs import __version__, model
from ra2docs.refs import resolve_links
from ra2docs.schema import LEVELS

LEVEL_UNSTATED = "EV-level-unstated"


def level_value_id(level: str) -> str:
    """The ReqIF enumeration value of a normative level ("" = not stated)."""
    return f"EV-level-{level}" if level else LEVEL_UNSTATED

FORMAT = "reqif"
HELP = "requirements, their attributes and links as a ReqIF 1.2 document"
EXIT_CODES = ((0, "exported"),
              (2, "usage error, a file of the tree cannot be read, or the output cannot be written"))

NS = "http://www.omg.org/spec/ReqIF/20110401/reqif.xsd"
LINK_TYPES = ("traces", "refines", "depends")
TEST_ATTRIBUTES: tuple[tuple[str, str], ...] = (
    ("ReqIF.ForeignID", "id"), ("ReqIF.Name", "title"), ("ReqIF.Text", "description"), ("Suite", "suite"),
    ("Tool", "tool"), ("Criteria", "criteria"), ("Priority", "priority"), ("Source", "source"),
)
# (attribute LONG-NAME, how to read it from a requirement)
STRING_ATTRIBUTES: tuple[tuple[str, str], ...] = (
    ("ReqIF.ForeignID", "id"), ("ReqIF.Name", "title"), ("ReqIF.Text", "description"), ("Spec", "spec"),
    ("Profiles", "profiles"), ("Category", "category"), ("Section", "section"), ("Status", "status"),
    ("Tags", "tags"), ("Source", "source"), ("Notes", "notes"),
)
LEVEL_ATTRIBUTE = "Level"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_id(prefix: str, text: str) -> str:
    """A valid, stable XML ID for `text`: readable letters of it plus a hash for uniqueness."""
    readable = re.sub(r"[^A-Za-z0-9_.-]", "_", text)[:60]
    return f"{prefix}-{readable}-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:12]}"


def attribute_value(req: model.Requirement, what: str) -> str:
    if what == "profiles":
        return "\n".join(p if lvl == req.level else f"{p}={lvl}" for p, lvl in req.profiles.items())
    if what == "tags":
        return "\n".join(req.tags)
    if what == "source":
        return str(req.source or "")
    if what == "id":  # qualified (RA1:gen.cnt.02) where another spec defines the ID: foreign IDs stay unique
        return req.key
    return str(getattr(req, what))


@dataclass
class _Writer:
    stamp: str
    replaced: int = 0
    seen_ids: set[str] = field(default_factory=set)

    def text(self, value: str) -> str:
        cleaned, count = _NOT_XML.subn("\ufffd", value)
        self.replaced += count
        return cleaned

    def el(self, parent: ET.Element | None, tag: str, identifier: str = "", long_name: str | None = None,
           **attrs: str) -> ET.Element:
        full = {}
        if identifier:
            full["IDENTIFIER"] = identifier
            full["LAST-CHANGE"] = self.stamp
        if long_name is not None:
            full["LONG-NAME"] = self.text(long_name)
        full.update({k.replace("_", "-"): v for k, v in attrs.items()})
        node = ET.Element(f"{{{NS}}}{tag}", full) if parent is None else \
            ET.SubElement(parent, f"{{{NS}}}{tag}", full)
        return node

    def ref(self, parent: ET.Element, holder: str, tag: str, target: str) -> None:
        ET.SubElement(ET.SubElement(parent, f"{{{NS}}}{holder}"), f"{{{NS}}}{tag}").text = target


def reqif_document(tree: model.Tree, stamp: str, title: str = "") -> tuple[bytes, int]:
    """The ReqIF XML of a tree's requirements, and how many characters XML could not carry."""
    from ra2docs.verification_exchange import expanded

    w = _Writer(stamp)
    reqs = tree.requirement_index()
    tests, verifies = expanded(tree)
    root = w.el(None, "REQ-IF")
    header = w.el(w.el(root, "THE-HEADER"), "REQ-IF-HEADER", IDENTIFIER="header")  # no LAST-CHANGE here
    for tag, text in (("CREATION-TIME", stamp), ("REQ-IF-TOOL-ID", f"ra2docs {__version__}"),
                      ("REQ-IF-VERSION", "1.0"), ("SOURCE-TOOL-ID", f"ra2docs {__version__}"),
                      ("TITLE", w.text(title or ", ".join(s.title for s in tree.specs) or "ra2docs export"))):
        w.el(header, tag).text = text
    content = w.el(w.el(root, "CORE-CONTENT"), "REQ-IF-CONTENT")

    datatypes = w.el(content, "DATATYPES")
    longest = max((len(attribute_value(r, what)) for r in reqs.values() for _, what in STRING_ATTRIBUTES),
                  default=0)
    longest = max([longest, *(len(str(getattr(tc, what) or "")) for tc in tests for _, what in TEST_ATTRIBUTES)])
    w.el(datatypes, "DATATYPE-DEFINITION-STRING", "DT-string", "String", MAX_LENGTH=str(max(longest, 255)))
    enum = w.el(datatypes, "DATATYPE-DEFINITION-ENUMERATION", "DT-level", "Normative level")
    values = w.el(enum, "SPECIFIED-VALUES")
    for number, level in enumerate(LEVELS):
        value = w.el(values, "ENUM-VALUE", f"EV-level-{level}", level)
        w.el(w.el(value, "PROPERTIES"), "EMBEDDED-VALUE", KEY=str(number), OTHER_CONTENT=level)
    value = w.el(values, "ENUM-VALUE", LEVEL_UNSTATED, "unstated")  # a requirement that states no level
    w.el(w.el(value, "PROPERTIES"), "EMBEDDED-VALUE", KEY=str(len(LEVELS)), OTHER_CONTENT="unstated")

    types = w.el(content, "SPEC-TYPES")
    req_type = w.el(types, "SPEC-OBJECT-TYPE", "SOT-requirement", "Requirement")
    attrs = w.el(req_type, "SPEC-ATTRIBUTES")
    for long_name, _ in STRING_ATTRIBUTES:
        ad = w.el(attrs, "ATTRIBUTE-DEFINITION-STRING", f"AD-{long_name}", long_name)
        w.ref(ad, "TYPE", "DATATYPE-DEFINITION-STRING-REF", "DT-string")
    ad = w.el(attrs, "ATTRIBUTE-DEFINITION-ENUMERATION", f"AD-{LEVEL_ATTRIBUTE}", LEVEL_ATTRIBUTE,
              MULTI_VALUED="false")
    w.ref(ad, "TYPE", "DATATYPE-DEFINITION-ENUMERATION-REF", "DT-level")
    section_type = w.el(types, "SPEC-OBJECT-TYPE", "SOT-section", "Section")
    ad = w.el(w.el(section_type, "SPEC-ATTRIBUTES"), "ATTRIBUTE-DEFINITION-STRING", "AD-ReqIF.ChapterName",
              "ReqIF.ChapterName")
    w.ref(ad, "TYPE", "DATATYPE-DEFINITION-STRING-REF", "DT-string")
    resolved = resolve_links(tree)[0]
    if tests:
        test_type = w.el(types, "SPEC-OBJECT-TYPE", "SOT-testcase", "Test case")
        test_attrs = w.el(test_type, "SPEC-ATTRIBUTES")
        for long_name, _ in TEST_ATTRIBUTES:
            ad = w.el(test_attrs, "ATTRIBUTE-DEFINITION-STRING", f"AD-T-{long_name}", long_name)
            w.ref(ad, "TYPE", "DATATYPE-DEFINITION-STRING-REF", "DT-string")
    for link_type in dict.fromkeys([*LINK_TYPES, *sorted({lk.type for lk in resolved}),
                                    *(("verifies",) if tests else ())]):
        w.el(types, "SPEC-RELATION-TYPE", f"SRT-{link_type}", link_type)
    w.el(types, "SPECIFICATION-TYPE", "ST-specification", "Specification")

    objects = w.el(content, "SPEC-OBJECTS")
    object_ids = {rid: xml_id("REQ", rid) for rid in reqs}
    by_spec: dict[str, dict[str, list[str]]] = {}
    for rid, req in reqs.items():
        obj = w.el(objects, "SPEC-OBJECT", object_ids[rid])
        vals = w.el(obj, "VALUES")
        for long_name, what in STRING_ATTRIBUTES:
            av = w.el(vals, "ATTRIBUTE-VALUE-STRING", THE_VALUE=w.text(attribute_value(req, what)))
            w.ref(av, "DEFINITION", "ATTRIBUTE-DEFINITION-STRING-REF", f"AD-{long_name}")
        av = w.el(vals, "ATTRIBUTE-VALUE-ENUMERATION")
        w.ref(av, "DEFINITION", "ATTRIBUTE-DEFINITION-ENUMERATION-REF", f"AD-{LEVEL_ATTRIBUTE}")
        w.ref(av, "VALUES", "ENUM-VALUE-REF", level_value_id(req.level))
        w.ref(obj, "TYPE", "SPEC-OBJECT-TYPE-REF", "SOT-requirement")
        by_spec.setdefault(req.spec, {}).setdefault(req.section, []).append(rid)
    section_ids: dict[tuple[str, str], str] = {}
    for spec_id, sections in by_spec.items():
        for section in sections:
            if section:
                sid = section_ids[(spec_id, section)] = xml_id("SEC", f"{spec_id}\n{section}")
                obj = w.el(objects, "SPEC-OBJECT", sid)
                av = w.el(w.el(obj, "VALUES"), "ATTRIBUTE-VALUE-STRING", THE_VALUE=w.text(section))
                w.ref(av, "DEFINITION", "ATTRIBUTE-DEFINITION-STRING-REF", "AD-ReqIF.ChapterName")
                w.ref(obj, "TYPE", "SPEC-OBJECT-TYPE-REF", "SOT-section")

    test_ids = {tc.id: xml_id("TEST", tc.id) for tc in tests}
    for tc in tests:
        obj = w.el(objects, "SPEC-OBJECT", test_ids[tc.id])
        vals = w.el(obj, "VALUES")
        for long_name, what in TEST_ATTRIBUTES:
            av = w.el(vals, "ATTRIBUTE-VALUE-STRING", THE_VALUE=w.text(str(getattr(tc, what) or "")))
            w.ref(av, "DEFINITION", "ATTRIBUTE-DEFINITION-STRING-REF", f"AD-T-{long_name}")
        w.ref(obj, "TYPE", "SPEC-OBJECT-TYPE-REF", "SOT-testcase")

    relations = w.el(content, "SPEC-RELATIONS")
    for tc in tests:
        for rid in verifies.get(tc.id, ()):
            rel = w.el(relations, "SPEC-RELATION", xml_id("REL", f"{tc.id}\n{rid}\nverifies"))
            w.ref(rel, "SOURCE", "SPEC-OBJECT-REF", test_ids[tc.id])
            w.ref(rel, "TARGET", "SPEC-OBJECT-REF", object_ids[rid])
            w.ref(rel, "TYPE", "SPEC-RELATION-TYPE-REF", "SRT-verifies")
    seen: set[tuple[str, str, str]] = set()
    for link in sorted(resolved, key=lambda lk: (lk.source_id, lk.target_id, lk.type)):
        key = (link.source_id, link.target_id, link.type)
        if key in seen or link.source_id not in reqs or link.target_id not in reqs:
            continue
        seen.add(key)
        rel = w.el(relations, "SPEC-RELATION", xml_id("REL", "\n".join(key)), link.note or None)
        w.ref(rel, "SOURCE", "SPEC-OBJECT-REF", object_ids[link.source_id])
        w.ref(rel, "TARGET", "SPEC-OBJECT-REF", object_ids[link.target_id])
        w.ref(rel, "TYPE", "SPEC-RELATION-TYPE-REF", f"SRT-{link.type}")

    specifications = w.el(content, "SPECIFICATIONS")
    spec_titles = {s.id: s.title for s in tree.specs}
    for spec_id, sections in by_spec.items():
        spec_el = w.el(specifications, "SPECIFICATION", xml_id("SPEC", spec_id), spec_titles.get(spec_id, spec_id))
        w.ref(spec_el, "TYPE", "SPECIFICATION-TYPE-REF", "ST-specification")
        children = w.el(spec_el, "CHILDREN")
        for section, rids in sections.items():
            parent = children
            if section:
                sid = section_ids[(spec_id, section)]
                heading = w.el(children, "SPEC-HIERARCHY", f"H-{sid}")
                w.ref(heading, "OBJECT", "SPEC-OBJECT-REF", sid)
                parent = w.el(heading, "CHILDREN")
            for rid in rids:
                node = w.el(parent, "SPEC-HIERARCHY", f"H-{object_ids[rid]}")
                w.ref(node, "OBJECT", "SPEC-OBJECT-REF", object_ids[rid])
    if tests:
        spec_el = w.el(specifications, "SPECIFICATION", xml_id("SPEC", "test cases"), "Test cases")
        w.ref(spec_el, "TYPE", "SPECIFICATION-TYPE-REF", "ST-specification")
        children = w.el(spec_el, "CHILDREN")
        for tc in tests:
            node = w.el(children, "SPEC-HIERARCHY", f"H-{test_ids[tc.id]}")
            w.ref(node, "OBJECT", "SPEC-OBJECT-REF", test_ids[tc.id])
    ET.register_namespace("", NS)
    ET.indent(root)
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True) + b"\n", w.replaced


def export_stamp() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch and epoch.isdigit() else dt.datetime.now(dt.UTC)
    return when.replace(microsecond=0).isoformat()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from ra2docs.exports.common import add_common_arguments

    add_common_arguments(parser, "spec.reqif")
    parser.add_argument("--title", default="", help="title of the ReqIF header (default: the spec titles)")


def run(args: argparse.Namespace) -> int:
    from ra2docs.exports.common import emit, load_for_export, warn_duplicates

    tree = load_for_export(args).tree
    warn_duplicates(FORMAT, tree)
    data, replaced = reqif_document(tree, export_stamp(), args.title)
    if replaced:
        sys.stderr.write(f"ra2docs export reqif: warning: replaced {replaced} character(s) XML cannot carry "
                         "(control characters) with U+FFFD\n")
    emit(args.output, data)
    return 0
