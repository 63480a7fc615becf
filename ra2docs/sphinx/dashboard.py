"""``.. ra2:dashboard::`` — coverage per spec, chapter and profile as bar charts, made at build time.

Each coverage rule of the policy gets one chart: a bar per chapter (and one for the whole spec) under each
profile the rule names, split into covered, waived and open gaps. The charts are inline SVG (no JavaScript;
text takes the page's colour, so they read in dark mode too), every bar segment links to the list of the
requirements behind it below the chart, and every count is written as text beside its bar, so nothing
depends on seeing colour. Other builders get the same numbers as a table.

``:spec:`` limits the dashboard to the rules of one spec.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util.typing import OptionSpec

from ra2docs import model
from ra2docs.sphinx import deps, html_parts
from ra2docs.sphinx.coverage_scope import coverage_rules, scope_states
from ra2docs.sphinx.data import Loaded
from ra2docs.sphinx.nodes import Ra2Directive, RenderContext, para, register, table
from ra2docs.sphinx.trace import coverage_files

STATES = (("covered", "Covered", "#2e7d32"), ("waived", "Waived (accepted gap)", "#9a6700"),
          ("gap", "Open gap", "#c62828"))
LABEL_W, BAR_W, COUNT_W, ROW_H, TOP = 230, 300, 230, 24, 8
LABEL_CHARS = 32


@dataclass
class Bar:
    label: str
    anchor: str
    ids: dict[str, list[str]] = field(default_factory=lambda: {s: [] for s, _, _ in STATES})
    total_row: bool = False

    @property
    def total(self) -> int:
        return sum(len(v) for v in self.ids.values())


@dataclass
class Chart:
    rule: model.Rule
    profile: str
    bars: list[Bar]


def charts(loaded: Loaded, spec: str = "") -> list[Chart]:
    """One chart per (rule, profile): a bar per chapter in the spec's order, then the whole spec."""
    out = []
    titles = _chapter_titles(loaded)
    for rule in coverage_rules(loaded):
        if spec and rule.spec != spec:
            continue
        order = list(titles.get(rule.spec, {}))
        for profile in rule.profiles or ("",):
            by_chapter: dict[str, Bar] = {}
            whole = Bar(f"All of {rule.spec}", _anchor(rule.id, profile, "all"), total_row=True)
            for req, state in scope_states(loaded, rule, profile or None):
                chapter = loaded.chapter_of(req)
                bar = by_chapter.get(chapter)
                if bar is None:
                    label = titles.get(rule.spec, {}).get(chapter, chapter or "(no chapter)")
                    bar = by_chapter[chapter] = Bar(label, _anchor(rule.id, profile, chapter or "none"))
                bar.ids[state].append(req.key)
                whole.ids[state].append(req.key)
            chapters = sorted(by_chapter, key=lambda c: (order.index(c) if c in order else len(order), c))
            out.append(Chart(rule, profile, [by_chapter[c] for c in chapters] + [whole]))
    return out


def _anchor(rule: str, profile: str, chapter: str) -> str:
    return "ra2-dash-" + "-".join(nodes.make_id(p) for p in (rule, profile or "all", chapter))


def _chapter_titles(loaded: Loaded) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for spec in loaded.project.graph.specs.values():
        titles = {c.id: c.title or c.id for c in spec.sections}
        titles.update({c.id: c.title or c.id for c in spec.categories})
        out[spec.id] = titles
    return out


def chart_svg(chart: Chart, title: str) -> str:
    """A horizontal stacked bar per chapter; each segment links to its requirements' list."""
    h = html_parts
    height = TOP + ROW_H * len(chart.bars) + 6
    width = LABEL_W + BAR_W + COUNT_W
    scale = max((b.total for b in chart.bars), default=0) or 1
    out = [f'<svg class="ra2-chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
           f'xmlns="http://www.w3.org/2000/svg"><title>{h.text(title)}</title>']
    for index, bar in enumerate(chart.bars):
        y = TOP + index * ROW_H
        weight = ' font-weight="bold"' if bar.total_row else ""
        label = bar.label if len(bar.label) <= LABEL_CHARS else bar.label[:LABEL_CHARS - 1] + "…"
        out.append(f'<text x="{LABEL_W - 8}" y="{y + 15}" text-anchor="end"{weight}><title>{h.text(bar.label)}'
                   f"</title>{h.text(label)}</text>")
        x = float(LABEL_W)
        for state, name, colour in STATES:
            count = len(bar.ids[state])
            if not count:
                continue
            w = BAR_W * count / scale
            out.append(f'<a href="#{bar.anchor}-{state}"><rect x="{x:.1f}" y="{y + 3}" width="{max(w, 2):.1f}" '
                       f'height="{ROW_H - 8}" fill="{colour}"><title>{h.text(f"{bar.label}: {count} {name.lower()}")}'
                       "</title></rect></a>")
            x += w
        counts = " · ".join(f"{len(bar.ids[s])} {short}" for (s, _, _), short in
                            zip(STATES, ("covered", "waived", "gaps"), strict=True) if bar.ids[s])
        if bar.total:
            counts += f" ({100 * len(bar.ids['covered']) / bar.total:.0f} %)"
        out.append(f'<text x="{LABEL_W + BAR_W + 8}" y="{y + 15}"{weight}>{h.text(counts or "none")}</text>')
    out.append("</svg>")
    return "".join(out)


def legend_html() -> str:
    items = "".join(f'<span><span class="ra2-swatch" style="background:{colour}"></span>{html_parts.text(name)}</span>'
                    for _, name, colour in STATES)
    return f'<p class="ra2-chart-legend"><strong>Legend:</strong> {items}</p>\n'


def drill_down_html(ctx: RenderContext, chart: Chart) -> str:
    """The requirements behind each bar segment, each list the target of its segment's link."""
    h = html_parts
    out = ['<dl class="ra2-drill-down">\n']
    for bar in chart.bars:
        if bar.total_row:
            continue
        for state, name, _ in STATES:
            ids = bar.ids[state]
            if ids:
                links = h.joined(h.xref(ctx, i) for i in ids)
                out.append(f'<dt id="{bar.anchor}-{state}">{h.text(f"{bar.label}: {name.lower()} ({len(ids)})")}</dt>'
                           f"<dd>{links}</dd>\n")
    for state, name, _ in STATES:  # the whole spec's segments link to the same lists, chapter by chapter
        whole = chart.bars[-1]
        out.append(f'<dt id="{whole.anchor}-{state}">{h.text(f"{whole.label}: {name.lower()} ")}'
                   f"({len(whole.ids[state])}, listed per chapter above)</dt><dd></dd>\n")
    out.append("</dl>\n")
    return "".join(out)


def _title(chart: Chart) -> str:
    rule = chart.rule
    profile = f", profile {chart.profile}" if chart.profile else ""
    return f"Coverage of {rule.spec} under rule {rule.id}{profile}: {rule.title or ''}".rstrip(": ")


def dashboard_files(loaded: Loaded, options: dict[str, str]) -> set[str]:
    return coverage_files(loaded, options)


def dashboard_digest(loaded: Loaded, options: dict[str, str]) -> object:
    graph = loaded.project.graph
    return [(c.rule, c.profile, [(b.label, b.ids) for b in c.bars],
             [deps.placement(graph.requirements[i], loaded) for b in c.bars[:-1] for ids in b.ids.values()
              for i in ids]) for c in charts(loaded, options.get("spec", ""))]


class DashboardDirective(Ra2Directive):
    NAME = "dashboard"
    select = staticmethod(dashboard_files)
    digest = staticmethod(dashboard_digest)

    @staticmethod
    def render(ctx: RenderContext, args: dict[str, Any], /) -> list[nodes.Node]:
        return render_dashboard(ctx, args)  # defined below

    option_spec: ClassVar[OptionSpec] = {"spec": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        self.depend()
        return [self.placeholder(spec=self.options.get("spec", ""))]


def render_dashboard(ctx: RenderContext, args: dict[str, Any]) -> list[nodes.Node]:
    found = charts(ctx.loaded, args["spec"])
    if not found:
        return [para("No coverage rule applies.", ["ra2-empty"])]
    out: list[nodes.Node] = []
    for chart in found:
        out.append(nodes.rubric("", "", nodes.Text(_title(chart))))
        if ctx.builder.format == "html":
            html = (f'<div class="ra2-dashboard">{chart_svg(chart, _title(chart))}\n{legend_html()}'
                    f"<details><summary>The requirements behind the bars</summary>\n{drill_down_html(ctx, chart)}"
                    "</details></div>\n")
            out.append(html_parts.block(html))
        else:
            out.append(table([["Chapter", "Covered", "Waived", "Gaps"]], _rows(chart.bars), ["ra2-dashboard"]))
    return out


def _rows(bars: Iterable[Bar]) -> list[list[object]]:
    return [[b.label, *(str(len(b.ids[s])) for s, _, _ in STATES)] for b in bars]


def setup(app: Sphinx) -> None:
    register(app, DashboardDirective)
