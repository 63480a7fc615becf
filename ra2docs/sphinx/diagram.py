"""``.. ra2:diagram::`` — requirements, components and their links drawn by Graphviz (see `dot`), with a legend.

Usage::

    .. ra2:diagram:: ra2.ntw.003      one requirement and its neighbourhood (:radius: N, :no-components:)

    .. ra2:diagram::                  a chapter: the requirements a ``ra2:requirements`` block with the same
       :spec: RA2                     :spec: / :category: / :section: shows, what they trace to and the
       :category: ntw                 components supporting them, each support labelled with its level

    .. ra2:diagram::                  a component kind (or ``all``: one diagram per kind): its components
       :kind: cni-plugin              and the requirements and matrix rows they support, at which level

Each diagram has a caption saying what it shows (`diagram_scope`) and a legend cluster naming every shape,
fill and line style it uses; support levels are written on their links, so nothing depends on seeing colour.
The directive leaves a placeholder; once every page is read (`doctree-resolved`) it becomes a
`sphinx.ext.graphviz` node whose boxes link to the pages showing each requirement and component.
Labels from YAML are DOT-quoted strings, so they are shown as text whatever they contain.
"""

from __future__ import annotations

import hashlib
import html
import posixpath
import subprocess
import textwrap
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.errors import NoUri
from sphinx.ext.graphviz import graphviz
from sphinx.util import logging
from sphinx.util.typing import OptionSpec

from ra2docs.graph import COMPONENT, REQUIREMENT
from ra2docs.sphinx import deps, dot
from ra2docs.sphinx.data import Loaded, get_loaded
from ra2docs.sphinx.diagram_scope import Scope, chapter_scope, kind_scope, kinds, requirement_scope
from ra2docs.sphinx.domain import get_domain
from ra2docs.sphinx.nodes import Ra2Directive, register
from ra2docs.sphinx.requirements import files_of, requirement_files

# light fills under black text (each at least 14:1, see tests/test_site_present.py), one per spec
SPEC_COLOURS = ("#dbe9f6", "#fde9c9", "#e2f0d9", "#eadcf2", "#f8d7da")
COMPONENT_FILL, FEATURE_FILL, PLAIN_FILL = "#eeeeee", "#fffbe6", "#ffffff"
EDGE_STYLE = {"traces": "solid", "refines": "bold", "depends": "dotted", "supports": "dashed"}
EDGE_MEANING = {"traces": "traces to", "refines": "refines", "depends": "depends on",
                "supports": "a matrix cell: the component's support, at the level written on the line"}
FOCUS_PEN = "2.5"
logger = logging.getLogger(__name__)


class ra2_diagram(nodes.General, nodes.Element):
    """Placeholder for a diagram, replaced once every page has been read."""


def dot_string(text: str) -> str:
    """A DOT double-quoted string showing `text` literally."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _radius(options: dict[str, str]) -> int:
    return int(options.get("radius", "1") or 1)


def scopes(loaded: Loaded, options: dict[str, str]) -> list[tuple[str, Scope]]:
    """(heading, scope) of each diagram these options draw; the heading is empty for a single diagram."""
    if options.get("_argument"):
        req_id = options["_argument"]
        if req_id not in loaded.project.graph.requirements:
            return []
        return [("", requirement_scope(loaded, req_id, _radius(options), "no-components" not in options))]
    kind = options.get("kind", "")
    if kind == "all":
        return [(f"Components of kind {k}", kind_scope(loaded, k)) for k in kinds(loaded)]
    if kind:
        return [("", kind_scope(loaded, kind))]
    return [("", chapter_scope(loaded, options))]


def diagram_files(loaded: Loaded, options: dict[str, str]) -> set[str]:
    graph = loaded.project.graph
    files: set[str] = set()
    if options.get("kind"):  # a component of the kind may be added in any mappings file
        files.update(c.location.file for c in graph.components.values())
    elif not options.get("_argument"):
        files.update(requirement_files(loaded, options))
    for _, scope in scopes(loaded, options):
        files |= files_of(loaded, [graph.requirements[n] for n in scope.nodes if n in graph.requirements])
        files.update(graph.components[n].location.file for n in scope.nodes if n in graph.components)
    files.update(m.location.file for m in loaded.tree.matrices)  # support edges and their levels
    files.update(v.location.file for v in loaded.tree.vocabularies)
    return files


def diagram_digest(loaded: Loaded, options: dict[str, str]) -> object:
    graph = loaded.project.graph
    out: list[object] = []
    for heading, scope in scopes(loaded, options):
        placements = [deps.placement(graph.requirements[n], loaded) for n in scope.nodes if n in graph.requirements]
        out.append((heading, scope.caption, dot_code(loaded, scope, {}), placements))
    return out


def _check_options(loaded: Loaded, argument: str, options: dict[str, Any]) -> str:
    """What is wrong with the directive's arguments, or ""."""
    graph = loaded.project.graph
    modes = [m for m in (argument, options.get("spec"), options.get("kind")) if m]
    if len(modes) != 1:
        return "ra2:diagram: give one of a requirement ID, :spec: (a chapter) or :kind: (a component kind)"
    if argument and argument not in graph.requirements:
        return f"ra2:diagram: unknown requirement {argument!r}"
    if options.get("spec") and options["spec"] not in graph.specs:
        return f"ra2:diagram: unknown spec {options['spec']!r} (specs: {', '.join(graph.specs)})"
    kind = options.get("kind", "")
    if kind and kind != "all" and kind not in kinds(loaded):
        return f"ra2:diagram: no component of kind {kind!r} (kinds: {', '.join(kinds(loaded))}, or all)"
    return ""


class DiagramDirective(Ra2Directive):
    # its own placeholder (ra2_diagram), made into a graphviz node by `fill_diagrams`, not `render`
    NAME = "diagram"
    select = staticmethod(diagram_files)
    digest = staticmethod(diagram_digest)
    optional_arguments = 1
    option_spec: ClassVar[OptionSpec] = {
        "radius": directives.positive_int, "no-components": directives.flag, "spec": directives.unchanged,
        "category": directives.unchanged, "section": directives.unchanged, "kind": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        loaded = self.loaded
        key = self.selection_key()
        self.depend()
        problem = _check_options(loaded, self.arguments[0] if self.arguments else "", self.options)
        if problem:
            return self.problem(problem)
        node = ra2_diagram(selection=key)
        node.source, node.line = self.get_source_info()
        return [node]


def _level_labels(loaded: Loaded) -> dict[tuple[str, str], str]:
    graph = loaded.project.graph
    levels = {}
    for matrix in loaded.tree.matrices:
        vocab = graph.vocabularies.get(matrix.vocabulary)
        for level in vocab.levels if vocab else ():
            levels[(matrix.id, level.id)] = level.label
    return levels


def _node_attrs(loaded: Loaded, node: str, focus: bool) -> tuple[list[str], str]:
    """DOT attributes of one drawn node, and the legend entry it needs."""
    graph = loaded.project.graph
    data = graph.g.nodes[node]
    kind = data.get("type")
    specs = list(graph.specs)
    if kind == REQUIREMENT:
        req = graph.requirements[node]
        colour = SPEC_COLOURS[specs.index(req.spec) % len(SPEC_COLOURS)] if req.spec in specs else PLAIN_FILL
        label = f"{node}\n" + "\n".join(textwrap.wrap(req.title, 32)[:3])
        attrs = [f"label={dot_string(label)}", f"fillcolor={dot_string(colour)}",
                 f"tooltip={dot_string(req.title)}", 'class="ra2-diagram-requirement"']
        entry = f"spec:{req.spec}"
    elif kind == COMPONENT:
        comp = graph.components[node]
        attrs = [f"label={dot_string(comp.name + chr(10) + comp.kind)}", "shape=component",
                 f"fillcolor={dot_string(COMPONENT_FILL)}", f"tooltip={dot_string(comp.name)}",
                 'class="ra2-diagram-component"']
        entry = "component"
    else:
        title = str(data.get("title") or node.split("/", 1)[-1])
        attrs = [f"label={dot_string(chr(10).join(textwrap.wrap(title, 32)[:3]))}", "shape=note",
                 f"fillcolor={dot_string(FEATURE_FILL)}", 'class="ra2-diagram-feature"']
        entry = "feature"
    if focus:
        attrs.append(f"penwidth={FOCUS_PEN}")
    return attrs, entry


def legend_lines(loaded: Loaded, entries: list[str], edge_kinds: list[str], focus_label: str) -> list[str]:
    """A cluster drawing one sample of every shape, fill and line style the diagram uses, each named."""
    lines = ['  subgraph "cluster_legend" {', '    label="Legend"; class="ra2-diagram-legend"; fontsize=10; '
             'fontname="Verdana"; style="rounded"; color="#555555";']
    spec_titles = {s: (spec.title or s) for s, spec in loaded.project.graph.specs.items()}
    specs = list(loaded.project.graph.specs)
    samples: list[tuple[str, list[str]]] = [(
        focus_label, ["shape=box", f"penwidth={FOCUS_PEN}", f"fillcolor={dot_string(PLAIN_FILL)}"])]
    for entry in entries:
        if entry.startswith("spec:"):
            spec = entry[5:]
            colour = SPEC_COLOURS[specs.index(spec) % len(SPEC_COLOURS)] if spec in specs else PLAIN_FILL
            samples.append((f"requirement of {spec_titles.get(spec, spec)}", [f"fillcolor={dot_string(colour)}"]))
        elif entry == "component":
            samples.append(("component (name, kind)", ["shape=component", f"fillcolor={dot_string(COMPONENT_FILL)}"]))
        elif entry == "feature":
            samples.append(("matrix row (a feature)", ["shape=note", f"fillcolor={dot_string(FEATURE_FILL)}"]))
    for n, (text, attrs) in enumerate(samples):
        lines.append(f'    "legend:{n}" [label={dot_string(text)}, class="ra2-diagram-legend", {", ".join(attrs)}];')
    for kind in edge_kinds:
        lines.append(f'    "legend:{kind}:a" [shape=point, width=0.05, class="ra2-diagram-legend"];')
        lines.append(f'    "legend:{kind}:b" [shape=point, width=0.05, class="ra2-diagram-legend"];')
        lines.append(f'    "legend:{kind}:a" -> "legend:{kind}:b" [style={EDGE_STYLE[kind]}, '
                     f'label={dot_string(EDGE_MEANING[kind])}];')
    lines.append("  }")
    return lines


def dot_code(loaded: Loaded, scope: Scope, url_of: dict[str, str]) -> str:
    graph = loaded.project.graph
    # Verdana: renderers have its metrics, wide enough that the text fits whichever sans-serif font shows it
    lines = ["digraph ra2 {", '  rankdir="LR";', '  node [fontname="Verdana", fontsize=10, shape=box, '
             'style="rounded,filled", fillcolor="#ffffff", fontcolor="#000000"];',
             '  edge [fontname="Verdana", fontsize=9, color="#333333", fontcolor="#000000"];']
    entries: dict[str, None] = {}
    # Graphviz lays nodes out in the order they are stated: Scope keeps them sorted, the focus first
    for node in scope.nodes:
        attrs, entry = _node_attrs(loaded, node, node in scope.focus)
        entries.setdefault(entry, None)
        if node in url_of:
            attrs += [f"URL={dot_string(url_of[node])}", 'target="_top"']
        lines.append(f"  {dot_string(node)} [{', '.join(attrs)}];")
    levels = _level_labels(loaded)
    edge_kinds: dict[str, None] = {}
    for source, target, key, data in scope.edges:
        kind = str(data.get("type"))
        edge_kinds.setdefault(kind, None)
        attrs = [f"style={EDGE_STYLE.get(kind, 'solid')}"]
        if kind == "supports":
            level = levels.get((key, str(data.get("level"))), str(data.get("level")))
            via = graph.components.get(str(data.get("via") or ""))
            attrs.append(f"label={dot_string(level + (f' (via {via.name})' if via else ''))}")
        lines.append(f"  {dot_string(source)} -> {dot_string(target)} [{', '.join(attrs)}];")
    ordered = sorted(entries, key=lambda e: (not e.startswith("spec:"), e))
    lines += legend_lines(loaded, ordered, [k for k in EDGE_STYLE if k in edge_kinds], scope.focus_label)
    lines.append("}")
    return "\n".join(lines) + "\n"


def _url_of(app: Sphinx, docname: str, scope: Scope) -> dict[str, str]:
    objects = get_domain(app.env).objects
    url_of = {}
    for obj_id in scope.nodes:
        entry = objects.get(obj_id)
        if entry is None:
            continue
        try:
            # the SVG's links are rewritten relative to the image folder: name the page even for itself
            page = (app.builder.get_relative_uri(docname, entry[0]) if entry[0] != docname
                    else posixpath.basename(app.builder.get_target_uri(docname)))
        except NoUri:  # the output being written does not hold that page (a PDF of one spec)
            continue
        url_of[obj_id] = f"{page}#{entry[1]}"
    return url_of


def vector(code: str, docname: str, scope: Scope) -> graphviz:
    """Sphinx's graphviz node: an SVG whose boxes link to their pages."""
    node = graphviz()
    node["code"] = code
    node["options"] = {"docname": docname}
    node["alt"] = html.escape(scope.caption)
    node["classes"] = ["ra2-diagram"]
    return node


def raster(app: Sphinx, code: str, scope: Scope) -> nodes.Node:
    """A PNG image for the other builders (the PDF): the bundled renderer writes SVG and PNG, neither PDF
    nor the image map Sphinx's own PNG path asks for, so the program is run here."""
    name = f"ra2-diagram-{hashlib.sha1(code.encode(), usedforsecurity=False).hexdigest()}.png"
    path = Path(app.outdir) / "_images" / name
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            subprocess.run([app.config.graphviz_dot, "-Tpng", "-Gdpi=150", "-o", str(path)], input=code.encode(),
                           capture_output=True, check=True, timeout=300)
        except (OSError, subprocess.SubprocessError) as exc:
            logger.warning("ra2:diagram: %s could not draw a diagram: %s", app.config.graphviz_dot, exc,
                           type="ra2docs", subtype="diagram")
            return nodes.paragraph("", scope.caption)
    return nodes.image(uri=str(path), alt=scope.caption, candidates={"*": str(path)}, classes=["ra2-diagram"])


def caption_node(scope: Scope, url_of: dict[str, str], docname: str, app: Sphinx) -> nodes.paragraph:
    """The caption; an ID it starts with (a one-requirement diagram) links to where that requirement is shown."""
    out = nodes.paragraph("", "", classes=["ra2-diagram-caption"])
    first = scope.focus[0] if len(scope.focus) == 1 else ""
    if first and scope.caption.startswith(first) and first in url_of:
        page, anchor = url_of[first].split("#", 1)
        same = page == posixpath.basename(app.builder.get_target_uri(docname))
        out += nodes.reference("", first, refuri=f"#{anchor}" if same else url_of[first], internal=True)
        out += nodes.Text(scope.caption[len(first):])
    else:
        out += nodes.Text(scope.caption)
    return out


def _sentence(app: Sphinx, docname: str, text: str, components: list[str], cls: str) -> nodes.paragraph:
    """`text` followed by the components named, each linked to where it is described."""
    graph = get_loaded(app.env).project.graph
    url_of = _url_of(app, docname, Scope(components, components))
    out = nodes.paragraph("", text + " ", classes=[cls])
    for i, comp in enumerate(components):
        label: nodes.Element = nodes.literal("", comp, classes=["ra2-id"])
        if comp in url_of:
            page, anchor = url_of[comp].split("#", 1)
            same = page == posixpath.basename(app.builder.get_target_uri(docname))
            label = nodes.reference("", "", label, refuri=f"#{anchor}" if same else url_of[comp], internal=True)
        out += label
        out += nodes.Text(f" ({graph.components[comp].name})" + (", " if i < len(components) - 1 else "."))
    return out


def fill_diagrams(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    placeholders = list(doctree.findall(ra2_diagram))
    if not placeholders:
        return
    loaded = get_loaded(app.env)
    for placeholder in placeholders:
        out: list[nodes.Node] = []
        for heading, scope in scopes(loaded, placeholder["selection"]):
            if heading:
                out.append(nodes.rubric("", heading))
            if not scope.focus:  # nothing to draw: an empty picture would say less than its caption
                out.append(_sentence(app, docname, scope.caption, scope.idle, "ra2-diagram-none"))
                continue
            url_of = _url_of(app, docname, scope)
            code = dot_code(loaded, scope, url_of)
            figure = nodes.container(classes=["ra2-diagram-figure"])
            figure += vector(code, docname, scope) if app.builder.format == "html" else raster(app, code, scope)
            figure += caption_node(scope, url_of, docname, app)
            out.append(figure)
            if scope.not_drawn:
                out.append(_sentence(app, docname, scope.not_drawn, scope.idle, "ra2-diagram-not-drawn"))
        if out:
            placeholder.replace_self(out)
        else:
            placeholder.parent.remove(placeholder)


def setup(app: Sphinx) -> None:
    dot.setup(app)
    app.add_node(ra2_diagram)
    register(app, DiagramDirective)
    app.connect("doctree-resolved", fill_diagrams)
