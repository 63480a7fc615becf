"""``.. ra2:diagram:: <requirement ID>`` — the requirement's neighbourhood drawn by Graphviz (see `dot`).

The directive leaves a placeholder; once every page is read (`doctree-resolved`) it becomes a
`sphinx.ext.graphviz` node whose boxes link to the pages showing each requirement and component.
Labels from YAML are DOT-quoted strings, so they are shown as text whatever they contain.
"""

from __future__ import annotations

import html
import posixpath
import textwrap
from typing import ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.ext.graphviz import graphviz
from sphinx.util.typing import OptionSpec

from ra2docs.graph import COMPONENT, FEATURE, REQUIREMENT
from ra2docs.sphinx import deps, dot
from ra2docs.sphinx.data import Loaded, get_loaded
from ra2docs.sphinx.domain import get_domain
from ra2docs.sphinx.nodes import Ra2Directive, register
from ra2docs.sphinx.requirements import files_of

SPEC_COLOURS = ("#dbe9f6", "#fde9c9", "#e2f0d9", "#eadcf2", "#f8d7da")
EDGE_STYLE = {"traces": "solid", "refines": "bold", "depends": "dotted", "supports": "dashed",
              "includes": "dotted"}


class ra2_diagram(nodes.General, nodes.Element):
    """Placeholder for a diagram, replaced once every page has been read."""


def dot_string(text: str) -> str:
    """A DOT double-quoted string showing `text` literally."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _radius(loaded: Loaded, options: dict[str, str]) -> int:
    return int(options.get("radius", "1") or 1)


def diagram_files(loaded: Loaded, options: dict[str, str]) -> set[str]:
    graph = loaded.project.graph
    sub = graph.neighbourhood(options.get("_argument", ""), _radius(loaded, options))
    reqs = [graph.requirements[n] for n in sub if n in graph.requirements]
    files = files_of(loaded, reqs)
    files.update(graph.components[n].location.file for n in sub if n in graph.components)
    files.update(m.location.file for m in loaded.tree.matrices)  # support edges and their levels
    files.update(v.location.file for v in loaded.tree.vocabularies)
    return files


def diagram_digest(loaded: Loaded, options: dict[str, str]) -> object:
    req_id = options.get("_argument", "")
    if req_id not in loaded.project.graph.requirements:
        return None
    radius = _radius(loaded, options)
    graph = loaded.project.graph
    nodes_shown = graph.neighbourhood(req_id, radius)
    placements = [deps.placement(graph.requirements[n], loaded) for n in nodes_shown if n in graph.requirements]
    comps = [(graph.components[n].id, graph.components[n].kind) for n in nodes_shown if n in graph.components]
    return dot_code(loaded, req_id, radius, "no-components" not in options, {}), placements, comps


class DiagramDirective(Ra2Directive):
    # its own placeholder (ra2_diagram), made into a graphviz node by `fill_diagrams`, not `render`
    NAME = "diagram"
    select = staticmethod(diagram_files)
    digest = staticmethod(diagram_digest)
    required_arguments = 1
    option_spec: ClassVar[OptionSpec] = {"radius": directives.positive_int, "no-components": directives.flag}

    def run(self) -> list[nodes.Node]:
        loaded = self.loaded
        req_id = self.arguments[0]
        self.depend()
        if req_id not in loaded.project.graph.requirements:
            return self.problem(f"ra2:diagram: unknown requirement {req_id!r}")
        node = ra2_diagram(req_id=req_id, radius=self.options.get("radius", 1),
                           components="no-components" not in self.options)
        node.source, node.line = self.get_source_info()
        return [node]


def dot_code(loaded: Loaded, req_id: str, radius: int, components: bool, url_of: dict[str, str]) -> str:
    graph = loaded.project.graph
    sub = graph.neighbourhood(req_id, radius)
    specs = list(graph.specs)
    # Verdana: renderers have its metrics, wide enough that the text fits whichever sans-serif font shows it
    lines = ["digraph ra2 {", '  rankdir="LR";', '  node [fontname="Verdana", fontsize=10, shape=box, '
             'style="rounded,filled", fillcolor="#ffffff"];', '  edge [fontname="Verdana", fontsize=9];']
    shown: set[str] = set()
    # Graphviz lays nodes out in the order they are stated: the subgraph's own order follows set iteration
    # (PYTHONHASHSEED), so state them sorted, the requirement drawn first.
    for node, data in sorted(sub.nodes(data=True), key=lambda item: (item[0] != req_id, str(item[0]))):
        kind = data.get("type")
        if kind == REQUIREMENT:
            req = graph.requirements[node]
            colour = SPEC_COLOURS[specs.index(req.spec) % len(SPEC_COLOURS)] if req.spec in specs else "#ffffff"
            label = f"{node}\n" + "\n".join(textwrap.wrap(req.title, 32)[:3])
            attrs = [f"label={dot_string(label)}", f"fillcolor={dot_string(colour)}",
                     f"tooltip={dot_string(req.title)}"]
            if node == req_id:
                attrs.append("penwidth=2.5")
        elif kind == COMPONENT and components:
            comp = graph.components[node]
            attrs = [f"label={dot_string(comp.name + chr(10) + comp.kind)}", "shape=component",
                     'fillcolor="#f2f2f2"', f"tooltip={dot_string(comp.name)}"]
        elif kind == FEATURE:
            attrs = [f"label={dot_string(str(data.get('title') or node.split('/', 1)[1]))}", "shape=note"]
        else:
            continue
        if node in url_of:
            attrs.append(f"URL={dot_string(url_of[node])}")
            attrs.append('target="_top"')
        shown.add(node)
        lines.append(f"  {dot_string(node)} [{', '.join(attrs)}];")
    levels = {}
    for matrix in loaded.tree.matrices:
        vocab = graph.vocabularies.get(matrix.vocabulary)
        for level in vocab.levels if vocab else ():
            levels[(matrix.id, level.id)] = level.label
    for source, target, key, data in sorted(sub.edges(keys=True, data=True), key=lambda e: (str(e[0]), str(e[1]),
                                                                                             str(e[2]))):
        if source not in shown or target not in shown or str(key).endswith(":to"):
            continue  # a link stated at both ends is drawn once
        kind = str(data.get("type"))
        attrs = [f"style={EDGE_STYLE.get(kind, 'solid')}"]
        label = kind if kind != "supports" else levels.get((str(key), str(data.get("level"))), str(data.get("level")))
        attrs.append(f"label={dot_string(label)}")
        lines.append(f"  {dot_string(source)} -> {dot_string(target)} [{', '.join(attrs)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def fill_diagrams(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    placeholders = list(doctree.findall(ra2_diagram))
    if not placeholders:
        return
    loaded = get_loaded(app.env)
    objects = get_domain(app.env).objects
    for placeholder in placeholders:
        req_id = placeholder["req_id"]
        url_of = {}
        for obj_id in loaded.project.graph.neighbourhood(req_id, placeholder["radius"]):
            entry = objects.get(obj_id)
            if entry is not None:
                # the SVG's links are rewritten relative to the image folder: name the page even for itself
                page = (app.builder.get_relative_uri(docname, entry[0]) if entry[0] != docname
                        else posixpath.basename(app.builder.get_target_uri(docname)))
                url = f"{page}#{entry[1]}"
                url_of[obj_id] = url
        node = graphviz()
        node["code"] = dot_code(loaded, req_id, placeholder["radius"], placeholder["components"], url_of)
        node["options"] = {"docname": docname}
        node["alt"] = html.escape(f"Traceability diagram of {req_id}")
        node["classes"] = ["ra2-diagram"]
        placeholder.replace_self(node)


def setup(app: Sphinx) -> None:
    dot.setup(app)
    app.add_node(ra2_diagram)
    register(app, DiagramDirective)
    app.connect("doctree-resolved", fill_diagrams)
