"""Findings as Sphinx warnings, the ``ra2:findings`` page ("known issues") and the ``ra2:codes`` catalogue.

Each open finding becomes one warning per build, located at its YAML file and line, with
``type="ra2docs"`` and ``subtype=<code>``: ``suppress_warnings = ["ra2docs.ra2.placeholder"]`` silences a
code, and ``-W`` fails the build on an unwaived gap. Waived findings are no warnings; the findings page
lists them with the reason they were accepted.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.logging import is_suppressed_warning
from sphinx.util.typing import OptionSpec

from ra2docs import model
from ra2docs.errors import CATALOGUE, Finding, Severity
from ra2docs.report import held_back_note
from ra2docs.sphinx import pdf
from ra2docs.sphinx.data import Loaded, get_loaded
from ra2docs.sphinx.domain import anchor, get_domain
from ra2docs.sphinx.nodes import Ra2Directive, RenderContext, linked_text, para, register, table, xref
from ra2docs.validate import waiver_matches

logger = logging.getLogger(__name__)


def emit_warnings(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Once per build, in the main process, before pages are read."""
    result = get_loaded(env).project.result
    suppressed = app.config.suppress_warnings
    for finding in result.open:
        if is_suppressed_warning("ra2docs", finding.code, suppressed):
            continue  # checked here: thousands of suppressed warnings still cost the logging machinery
        severity = finding.effective_severity
        where = str(finding.location)
        text = f"{finding.message} [{severity}]"
        if severity >= Severity.WARNING:
            logger.warning(text, location=where, type="ra2docs", subtype=finding.code)
        else:
            logger.info(f"{where}: {text} [{finding.code}]")
    if result.waived:
        logger.info(f"ra2docs: {len(result.waived)} waived finding(s), listed on the findings page")
    if result.held_back:  # no warning: the unread file's own finding already is one
        logger.info(f"ra2docs: {held_back_note(result)}")


def findings_digest(loaded: Loaded, options: dict[str, str]) -> object:
    return loaded.project.result.findings, loaded.tree.waivers


def findings_files(loaded: Loaded, options: dict[str, str]) -> set[str]:
    return set(loaded.all_files)


def _where(finding: Finding) -> nodes.Node:
    return nodes.literal("", str(finding.location), classes=["ra2-location"])


def _code(code: str) -> nodes.Node:
    return xref(code, "", "code")


def _waiver(loaded: Loaded, finding: Finding) -> model.Waiver | None:
    return next((w for w in loaded.tree.waivers if waiver_matches(w, finding)), None)


class FindingsDirective(Ra2Directive):
    NAME = "findings"
    select = staticmethod(findings_files)
    digest = staticmethod(findings_digest)

    @staticmethod
    def render(ctx: RenderContext, args: dict[str, Any], /) -> list[nodes.Node]:
        return render_findings(ctx, args)  # defined below

    option_spec: ClassVar[OptionSpec] = {"show": lambda arg: directives.choice(arg, ("open", "waived", "all"))}

    def run(self) -> list[nodes.Node]:
        self.depend()
        return [self.placeholder(show=self.options.get("show", "all"), limit=self.config.ra2docs_list_limit)]


def _capped(findings: list[Finding], limit: int) -> tuple[list[Finding], list[nodes.Node]]:
    """At most `limit` findings of each code; a line says how many more `ra2docs check` lists."""
    shown, left_out, per_code = [], 0, Counter[str]()
    for finding in findings:
        per_code[finding.code] += 1
        if per_code[finding.code] <= limit:
            shown.append(finding)
        else:
            left_out += 1
    if not left_out:
        return shown, []
    return shown, [para(f"{left_out} more findings (over {limit} of one code) are not listed here; "
                        "`ra2docs check` lists them all.", ["ra2-more"])]


def _about(subject: str) -> nodes.Node:
    return nodes.paragraph("", "", *linked_text(subject))


def _by_code(findings: list[Finding]) -> dict[str, list[Finding]]:
    """Findings grouped by code, in the catalogue's order (unknown codes last)."""
    groups: dict[str, list[Finding]] = {}
    for finding in findings:
        groups.setdefault(finding.code, []).append(finding)
    order = list(CATALOGUE)
    return dict(sorted(groups.items(), key=lambda kv: (order.index(kv[0]) if kv[0] in order else len(order), kv[0])))


def _group_anchor(kind: str, code: str) -> str:
    return f"ra2-findings-{kind}-{nodes.make_id(code)}"


def _summary(open_groups: dict[str, list[Finding]], waived_groups: dict[str, list[Finding]],
             show: str) -> nodes.Node:
    """One row per code: how many findings are open and waived, each count a link to its group."""
    def count(kind: str, groups: dict[str, list[Finding]], code: str) -> object:
        if code not in groups:
            return "0"
        ref = nodes.reference("", str(len(groups[code])), internal=True, refid=_group_anchor(kind, code))
        return nodes.paragraph("", "", ref)

    rows = []
    for code in _by_code([f for g in (*open_groups.values(), *waived_groups.values()) for f in g[:1]]):
        summary = CATALOGUE[code].summary if code in CATALOGUE else ""
        row: list[object] = [_code(code), summary]
        row += [count("open", open_groups, code)] * (show in ("open", "all"))
        row += [count("waived", waived_groups, code)] * (show in ("waived", "all"))
        rows.append(row)
    header = ["Code", "What it means"] + ["Open"] * (show in ("open", "all")) + ["Waived"] * (show in ("waived", "all"))
    return table([header], rows, ["ra2-findings-summary"], filterable=False)


def render_findings(ctx: RenderContext, args: dict[str, Any]) -> list[nodes.Node]:
    """Findings grouped by code, each group with its count; a summary table of the counts first."""
    loaded, show, limit = ctx.loaded, args["show"], pdf.list_limit(ctx.builder, args["limit"])
    result = loaded.project.result
    open_groups = _by_code(result.open) if show in ("open", "all") else {}
    waived_groups = _by_code(result.waived) if show in ("waived", "all") else {}
    out: list[nodes.Node] = []
    if open_groups or waived_groups:
        out.append(nodes.rubric("", "", nodes.Text("Findings by code")))
        out.append(_summary(open_groups, waived_groups, show))
    if show in ("open", "all"):
        out.append(nodes.rubric("", "", nodes.Text(f"Open findings ({len(result.open)})")))
        if result.held_back:
            out.append(para(held_back_note(result)[0].upper() + held_back_note(result)[1:] + ".", ["ra2-held-back"]))
        if not result.open:
            out.append(para("None: every check passes or its finding is waived.", ["ra2-empty"]))
        for code, findings in open_groups.items():
            out.append(_group_title("open", code, len(findings)))
            shown, more = _capped(findings, limit)
            rows = [[(str(f.effective_severity), [f"ra2-severity-{f.effective_severity}"]), _about(f.subject),
                     nodes.paragraph("", "", *linked_text(f.message)), _where(f)] for f in shown]
            out.append(table([["Severity", "About", "Finding", "Where"]], rows, ["ra2-findings"],
                             widths=[8, 14, 58, 20], wide=True))
            out.extend(more)
    if show in ("waived", "all"):
        out.append(nodes.rubric("", "", nodes.Text(f"Accepted (waived) findings ({len(result.waived)})")))
        if not result.waived:
            out.append(para("None.", ["ra2-empty"]))
        for code, findings in waived_groups.items():
            out.append(_group_title("waived", code, len(findings)))
            shown, more = _capped(findings, limit)
            details = []
            for f in shown:
                waiver = _waiver(loaded, f)
                details.append((f, waiver.expires.isoformat() if waiver and waiver.expires else "",
                                waiver.upstream if waiver else ""))
            # expiry and upstream columns only when some waiver states them
            with_expiry, with_upstream = any(d[1] for d in details), any(d[2] for d in details)
            header = ["About", "Finding", "Why it is accepted"]
            header += ["Expires"] * with_expiry + ["Upstream"] * with_upstream + ["Where"]
            rows = [[_about(f.subject), nodes.paragraph("", "", *linked_text(f.message)),
                     nodes.paragraph("", "", *linked_text(f.waived_by)), *([expires or "never"] * with_expiry),
                     *([nodes.paragraph("", "", *linked_text(upstream))] * with_upstream), _where(f)]
                    for f, expires, upstream in details]
            out.append(table([header], rows, ["ra2-findings", "ra2-waived"], wide=True))
            out.extend(more)
    return out


def _group_title(kind: str, code: str, count: int) -> nodes.Node:
    summary = CATALOGUE[code].summary if code in CATALOGUE else ""
    title = nodes.rubric("", "", _code(code), nodes.Text(f" ({count} {kind})" + (f": {summary}" if summary else "")),
                         ids=[_group_anchor(kind, code)], classes=["ra2-findings-group"])
    return title


class CodesDirective(Ra2Directive):
    """The catalogue of finding codes, each a link target for ``:ra2:code:``."""
    NAME = "codes"  # selects no file: the catalogue is code, not data

    @staticmethod
    def render(ctx: RenderContext, args: dict[str, Any], /) -> list[nodes.Node]:
        return render_codes(ctx, args)  # defined below

    def run(self) -> list[nodes.Node]:
        self.depend()
        domain = get_domain(self.env)
        for code in CATALOGUE.values():
            domain.note_object(code.code, "code", code.summary, self.state.document)
        return [self.placeholder()]


def render_codes(ctx: RenderContext, args: dict[str, Any]) -> list[nodes.Node]:
    rows = []
    for code in CATALOGUE.values():
        name = nodes.paragraph("", "", nodes.literal("", code.code, classes=["ra2-id"]),
                               ids=[anchor("code", code.code)])
        rows.append([name, (str(code.severity), [f"ra2-severity-{code.severity}"]), code.summary, code.hint])
    return [table([["Code", "Default severity", "What it means", "What to do"]], rows, ["ra2-codes"],
                  widths=[18, 8, 37, 37])]


def setup(app: Sphinx) -> None:
    app.connect("env-before-read-docs", emit_warnings)
    register(app, FindingsDirective, CodesDirective)
