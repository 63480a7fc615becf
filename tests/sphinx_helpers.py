"""Building the sample Sphinx projects under tests/roots with the real Sphinx application."""

from __future__ import annotations

import io
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util.docutils import docutils_namespace

ROOTS = Path(__file__).resolve().parent / "roots"


@dataclass
class Build:
    app: Sphinx
    warnings: str
    read: list[str] = field(default_factory=list)  # docnames (re-)read by this build

    @property
    def out(self) -> Path:
        return Path(self.app.outdir)

    def html(self, docname: str) -> str:
        return (self.out / f"{docname}.html").read_text(encoding="utf-8")


def copy_root(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copytree(ROOTS / name, target)
    return target


def build(srcdir: Path, outdir: Path | None = None, parallel: int = 0, warningiserror: bool = False,
          confdir: Path | None = None, **overrides: Any) -> Build:
    """Build `srcdir` as HTML (incrementally when `outdir` already holds a build)."""
    outdir = outdir or srcdir / "_build"
    warnings = io.StringIO()
    with docutils_namespace():
        return _build(srcdir, confdir or srcdir, outdir, parallel, warningiserror, warnings, overrides)


def _build(srcdir: Path, confdir: Path, outdir: Path, parallel: int, warningiserror: bool, warnings: io.StringIO,
           overrides: dict[str, Any]) -> Build:
    app = Sphinx(str(srcdir), str(confdir), str(outdir / "html"), str(outdir / "doctrees"), "html",
                 confoverrides={"html_theme": "basic", **overrides}, status=io.StringIO(), warning=warnings,
                 warningiserror=warningiserror, keep_going=True, parallel=parallel)
    read: list[str] = []
    app.connect("env-before-read-docs", lambda _app, _env, docnames: read.extend(docnames))
    app.build()
    return Build(app, warnings.getvalue(), sorted(read))


def html_files(directory: Path) -> dict[str, str]:
    return {str(p.relative_to(directory)): p.read_text(encoding="utf-8") for p in sorted(directory.rglob("*.html"))}
