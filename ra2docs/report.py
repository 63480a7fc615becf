"""Findings -> text for people, JSON, JUnit XML and GitHub annotations for machines."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable

from ra2docs.errors import CATALOGUE, CHECK_CODES, UNREAD_CODES, Finding, Severity
from ra2docs.status import Status
from ra2docs.text_safety import escape_controls
from ra2docs.validate import CheckResult

FORMATS = ("text", "json", "junit", "github")
_COUNTED = ("files", "specs", "requirements", "components", "matrices", "cells", "links", "stacks",
            "waivers", "responses", "testcases", "results")


_SINGULAR = {"files": "file", "specs": "spec", "requirements": "requirement", "components": "component",
             "matrices": "matrix", "cells": "cell", "links": "link", "stacks": "stack", "waivers": "waiver",
             "responses": "response", "testcases": "test case", "results": "results file", "folders": "folder"}
_PLURAL = {"testcases": "test cases", "results": "results files"}


def _count(n: int, plural: str) -> str:
    return f"{n} {_PLURAL.get(plural, plural) if n != 1 else _SINGULAR[plural]}"


def line(f: Finding) -> str:
    """`file:line:col: severity: message [code]`, control characters of the YAML text escaped (one line)."""
    text = f"{f.location}: {f.effective_severity}: {f.message} [{f.code}]"
    return escape_controls(f"{text} (waived: {f.waived_by})" if f.waived_by else text)


def summary(result: CheckResult) -> str:
    counts = result.counts
    checked = ", ".join(_count(counts[k], k) for k in _COUNTED[1:] if counts[k])
    by_severity = Counter(f.effective_severity for f in result.open)
    parts = [f"{by_severity[s]} {s}{'s' if by_severity[s] != 1 else ''}"
             for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)]
    text = (f"checked {_count(counts['files'], 'files')} ({checked or 'nothing'}): {', '.join(parts)}, "
            f"{len(result.waived)} waived")
    unread = unread_files(result)
    folders = sum(1 for u in unread if u.endswith("/"))
    files = len(unread) - folders
    what = " and ".join(_count(n, k) for n, k in ((folders, "folders"), (files, "files")) if n)
    if result.held_back:
        it = "it" if len(unread) == 1 else "them"
        text += f"; {what} could not be read: fix {it} first; {held_back_note(result)}"
    elif len(unread) == 1:
        text += f"; {what} could not be read: fix it first, other findings may only follow from its missing content"
    elif unread:
        text += (f"; {what} could not be read: fix them first, other findings may only follow from "
                 "their missing content")
    return text


def held_back_note(result: CheckResult) -> str:
    """What `run_checks` held back while files cannot be read (`validate.hold_back`), or ""."""
    held = len(result.held_back)
    if not held:
        return ""
    files = unread_files(result)
    return (f"{held} finding{'s' if held != 1 else ''} held back until {', '.join(files)} can be read (each says "
            f"something is missing, which {'it' if len(files) == 1 else 'they'} may hold)")


def unread_files(result: CheckResult) -> list[str]:
    """Files whose content could not be read at all (syntax errors, undecodable bytes)."""
    return sorted({f.location.file for f in result.findings if f.code in UNREAD_CODES})


def render_text(result: CheckResult, threshold: Severity = Severity.INFO, show_waived: bool = False,
                hints: bool = False) -> str:
    out = []
    # The files that could not be read come first: the other findings may only be their consequences.
    ordered = sorted(result.findings, key=lambda f: f.code not in UNREAD_CODES)
    for f in ordered:
        if f.waived_by and not show_waived:
            continue
        if not f.waived_by and f.effective_severity < threshold:
            continue
        out.append(line(f))
        if hints:
            out.append(f"    hint: {escape_controls(f.effective_hint)}")
    out.append(summary(result))
    return "\n".join(out) + "\n"


def finding_dict(f: Finding) -> dict[str, object]:
    """A finding as JSON; one in a workbook has `part` (`Sheet!Cell`) where a YAML file's has line and column."""
    where: dict[str, object] = {"part": f.location.part} if f.location.part else {}
    return {"code": f.code, "severity": str(f.effective_severity), "message": f.message,
            "file": f.location.file, "line": f.location.line, "column": f.location.column, **where,
            "subject": f.subject, "scope": f.scope, "waived": bool(f.waived_by), "waiver_reason": f.waived_by,
            "hint": f.effective_hint, **({"items": list(f.items)} if f.items else {}),
            **({"folded": [finding_dict(g) for g in f.folded]} if f.folded else {})}


def render_json(result: CheckResult, statuses: Iterable[Status] = (), extra: dict[str, object] | None = None) -> str:
    """The findings as JSON; with `statuses`, a `statuses` member lists each requirement's coverage status;
    `extra` members (e.g. `verification`) are added to the document."""
    by_severity = Counter(str(f.effective_severity) for f in result.open)
    doc = {"version": 1, "checked": dict(result.counts),
           "summary": {"errors": by_severity["error"], "warnings": by_severity["warning"],
                       "infos": by_severity["info"], "waived": len(result.waived),
                       **({"held_back": len(result.held_back)} if result.held_back else {})},
           **({"held_back_until": unread_files(result)} if result.held_back else {}),
           "findings": [finding_dict(f) for f in result.findings], **(extra or {})}
    listed = [st.as_dict() for st in statuses]
    if listed:
        doc["statuses"] = listed
    import json  # only --format json: not imported by every check

    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def render_junit(result: CheckResult, threshold: Severity = Severity.ERROR) -> str:
    held = held_back_note(result)  # said once, with the first unread file's findings
    first = next((f.code for f in result.open if f.code in UNREAD_CODES), "")
    notes = {first: held} if held and first else {}
    return junit_xml(result.open, "ra2docs check", CHECK_CODES, threshold, notes)


def junit_xml(findings: Iterable[Finding], suite_name: str, codes: Iterable[str],
              threshold: Severity = Severity.ERROR, notes: dict[str, str] | None = None) -> str:
    """One test case per code of the command: it fails with the findings at or above the threshold."""
    by_code: dict[str, list[Finding]] = {code: [] for code in codes}
    for f in findings:
        by_code.setdefault(f.code, []).append(f)
    suite = ET.Element("testsuite", name=suite_name, tests=str(len(by_code)))
    failures = 0
    for code, found in by_code.items():
        case = ET.SubElement(suite, "testcase", classname="ra2docs", name=code)
        failing = [f for f in found if f.effective_severity >= threshold]
        if failing:
            failures += 1
            failure = ET.SubElement(case, "failure", message=f"{len(failing)} finding(s)", type=code)
            failure.text = "\n".join([*(line(f) for f in failing), *filter(None, [(notes or {}).get(code)])])
        elif found:
            ET.SubElement(case, "system-out").text = "\n".join(line(f) for f in found)
    suite.set("failures", str(failures))
    root = ET.Element("testsuites")
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _escape_github(text: str, prop: bool = False) -> str:
    text = escape_controls(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def github_annotations(findings: Iterable[Finding], threshold: Severity = Severity.INFO) -> list[str]:
    """One `::error file=...::message` workflow command per finding (a workbook's Sheet!Cell leads the message)."""
    kind = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
    out = []
    for f in findings:
        if f.effective_severity < threshold:
            continue
        loc = f.location
        props = [f"file={_escape_github(loc.file, True)}"]
        if loc.line:
            props += [f"line={loc.line}", f"col={loc.column or 1}"]
        props.append(f"title={_escape_github(f.code, True)}")
        message = f"{loc.part}: {f.message}" if loc.part and not loc.line else f.message
        out.append(f"::{kind[f.effective_severity]} {','.join(props)}::{_escape_github(message)}")
    return out


def render_github(result: CheckResult, threshold: Severity = Severity.INFO) -> str:
    return "\n".join([*github_annotations(result.open, threshold), summary(result)]) + "\n"


def render(result: CheckResult, fmt: str, threshold: Severity, show_waived: bool = False,
           hints: bool = False, statuses: Iterable[Status] = (), extra: dict[str, object] | None = None) -> str:
    if fmt == "json":
        return render_json(result, statuses, extra)
    if fmt == "junit":
        return render_junit(result, threshold)
    if fmt == "github":
        return render_github(result)
    return render_text(result, show_waived=show_waived, hints=hints)


def catalogue_text(codes: Iterable[str] = CHECK_CODES) -> str:
    rows = []
    for code in codes:
        c = CATALOGUE[code]
        rows.append(f"{c.code:28} {c.severity!s:8} {c.summary}\n{'':37} what to do: {c.hint}")
    return "\n".join(rows) + "\n"
