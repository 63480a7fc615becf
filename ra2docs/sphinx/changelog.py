"""The `ra2:changelog` directive: a release's change log, computed from two trees.

.. code-block:: rst

   .. ra2:changelog::
      :old: v1.0
      :new: .

`:old:` (required) and `:new:` (default: the tree the documentation is built from, `ra2docs_root`)
are folders relative to the configuration directory, or git revisions (`REV` or `REV:PATH`, see
`ra2docs.diff_sources`). The page lists requirements added, removed, renamed and changed (field by
field), links gained and lost, coverage gained and lost and support cells changed, as docutils nodes:
text from the YAML is never parsed as markup.

A folder's files are dependencies of the page; a page comparing git revisions is read again on every
build, since a revision such as HEAD~1 moves without any file changing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.typing import OptionSpec

from ra2docs.diff import TreeDiff, cell_text, diff_trees, summary
from ra2docs.diff_sources import tree_at
from ra2docs.errors import UsageError
from ra2docs.project import Project
from ra2docs.sphinx.data import get_project, tree_root
from ra2docs.sphinx.nodes import Ra2Directive, register

logger = logging.getLogger(__name__)


def _item(*parts: nodes.Node | str) -> nodes.list_item:
    para = nodes.paragraph()
    for part in parts:
        para += nodes.Text(part) if isinstance(part, str) else part
    return nodes.list_item("", para)


def _ident(text: str) -> nodes.literal:
    return nodes.literal(text, text)


def _short(value: Any, limit: int = 200) -> str:
    if isinstance(value, list):
        text = ", ".join(map(str, value))
    elif isinstance(value, dict):
        text = ", ".join(f"{k}={v}" for k, v in value.items())
    else:
        text = str(value)
    text = " ".join(text.split())
    return "(none)" if not text else text if len(text) <= limit else text[: limit - 1] + "…"


def _group(title: str, items: list[nodes.list_item]) -> list[nodes.Node]:
    if not items:
        return []
    bullets = nodes.bullet_list()
    bullets.extend(items)
    return [nodes.rubric(text=f"{title} ({len(items)})"), bullets]


def changelog_nodes(d: TreeDiff) -> list[nodes.Node]:
    out: list[nodes.Node] = [nodes.paragraph(text=f"Changes from {d.old_label} to {d.new_label}: {summary(d)}.")]
    out += _group("Requirements added", [_item(_ident(i), f" {t}") for i, t in d.added])
    out += _group("Requirements removed", [_item(_ident(i), f" {t}") for i, t in d.removed])
    out += _group("Requirements renamed", [_item(_ident(o), " is now ", _ident(n)) for o, n in d.renamed])
    changed = []
    for rid, changes in d.changed.items():
        item = _item(_ident(rid))
        fields = nodes.bullet_list()
        fields.extend(_item(nodes.strong(text=c.field), f": {_short(c.old)} → {_short(c.new)}") for c in changes)
        item += fields
        changed.append(item)
    out += _group("Requirements changed", changed)
    out += _group("Links gained", [_item(_ident(f), f" {k} ", _ident(t)) for f, t, k in d.links_gained])
    out += _group("Links lost", [_item(_ident(f), f" {k} ", _ident(t)) for f, t, k in d.links_lost])
    for title, coverage in (("Coverage gained", d.coverage_gained), ("Coverage lost", d.coverage_lost)):
        out += _group(title, [_item(_ident(c.requirement), f" (rule {c.rule}"
                                    + (f", profile {c.profile})" if c.profile else ")")) for c in coverage])
    out += _group("Support cells changed", [_item(cell_text(c)) for c in d.cells_changed])
    out += _group("Test cases added", [_item(_ident(i), f" {t}") for i, t in d.tests_added])
    out += _group("Test cases removed", [_item(_ident(i), f" {t}") for i, t in d.tests_removed])
    out += _group("Verification gained", [_item(_ident(r), " verified by ", _ident(t))
                                          for r, t in d.verification_gained])
    out += _group("Verification lost", [_item(_ident(r), " no longer verified by ", _ident(t))
                                        for r, t in d.verification_lost])
    return out


class ChangelogDirective(Ra2Directive):
    """Compares trees the loaded project does not hold (a folder, a git revision): it selects no file of
    the loaded tree through `deps` and notes its own with Sphinx instead (`_note`)."""

    NAME = "changelog"
    option_spec: ClassVar[OptionSpec] = {"old": directives.unchanged, "new": directives.unchanged}

    def _note(self, project: Project, spec: str) -> None:
        """Rebuild the page when a file of a folder changes; always, for a git revision."""
        if (Path(self.env.app.confdir) / spec).is_dir():
            for path in project.tree.files:
                self.env.note_dependency(path)
        else:
            self.env.note_reread()

    def run(self) -> list[nodes.Node]:
        old_spec = self.options.get("old")
        if not old_spec:
            logger.warning("ra2:changelog needs an :old: tree (a folder or a git revision)",
                           location=self.get_location())
            return []
        confdir = Path(self.env.app.confdir)
        new_spec = self.options.get("new")
        try:
            with tree_at(old_spec, confdir) as old_root:
                old = Project.load(old_root, display_root="")
                self._note(old, old_spec)
                if new_spec:
                    with tree_at(new_spec, confdir) as new_root:
                        new = Project.load(new_root, display_root="")
                        self._note(new, new_spec)
                else:
                    new = get_project(self.env)
                    self._note(new, str(tree_root(self.env)))
        except UsageError as exc:
            logger.warning("ra2:changelog: %s", exc, location=self.get_location())
            return []
        label = new_spec or "the current tree"
        result = diff_trees(old.tree, new.tree, old_spec, label, old.graph, new.graph)
        container = nodes.container(classes=["ra2-changelog"])
        container.extend(changelog_nodes(result))
        return [container]


def setup(app: Sphinx) -> None:
    register(app, ChangelogDirective)
