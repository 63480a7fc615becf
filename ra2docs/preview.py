"""The live preview's server: sphinx-autobuild's watcher, reload script and static server, our rebuild.

sphinx-autobuild rebuilds by starting `python -m sphinx` for every change: a new interpreter importing
Sphinx, the theme and ra2docs each time, about half of an incremental build's CPU on the shipped site.
Here the serving process imports them once, and each rebuild runs `sphinx build` in the worker process
sphinx-autobuild forks for it (its RebuildServer runs the callback in a process pool), so a rebuild starts
with everything imported and costs what the edit costs: the changed YAML files are parsed (the rest
comes from the parse cache in the doctree folder), the pages showing them re-read and written.

The watching, the reload websocket and the file serving are sphinx-autobuild's own classes; when they
cannot be imported as expected, `run_autobuild` starts sphinx-autobuild's command line instead.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import traceback
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import suppress
from pathlib import Path

IGNORED = (".git", ".hg", ".venv", "venv", "node_modules", ".pytest_cache", ".ruff_cache", "__pycache__")
PRELOADED = ("sphinx.cmd.build", "sphinx.builders.html", "sphinx.ext.graphviz", "ra2docs.sphinx", "furo")


class Rebuild:
    """One incremental `sphinx build`, run in the worker process (picklable: module-level, plain fields)."""

    def __init__(self, sphinx_args: Sequence[str], url: str) -> None:
        self.sphinx_args = list(sphinx_args)
        self.url = url

    def __call__(self, *, changed_paths: Sequence[Path] = ()) -> None:
        from sphinx.cmd.build import build_main

        if changed_paths:
            shown = ", ".join(_shown(p) for p in list(changed_paths)[:5])
            print(f"[ra2docs serve] changed: {shown}; rebuilding", flush=True)
        try:
            code = build_main(self.sphinx_args)
        except Exception:  # a broken extension or conf.py: say so and keep serving
            traceback.print_exc()
            code = 2
        if code:
            print(f"[ra2docs serve] the build failed (exit {code}); still serving the last pages", flush=True)
        print(f"[ra2docs serve] serving on {self.url}", flush=True)


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def preload() -> None:
    """Import what every build needs once, in the serving process: forked workers inherit it."""
    import ra2docs.sphinx

    for name in (*PRELOADED, *ra2docs.sphinx.FEATURE_MODULES):
        with suppress(ImportError):  # a theme not installed: the build says so itself
            importlib.import_module(name)


def run_server(sphinx_args: Sequence[str], watched: Sequence[Path], out: Path, host: str, port: int) -> None:
    import uvicorn
    from sphinx_autobuild.filter import IgnoreFilter
    from sphinx_autobuild.middleware import JavascriptInjectorMiddleware
    from sphinx_autobuild.server import RebuildServer
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.routing import Mount, WebSocketRoute
    from starlette.staticfiles import StaticFiles

    url = f"http://{host}:{port}/"
    rebuild = Rebuild(sphinx_args, url)
    preload()
    out.mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor(max_workers=1) as pool:  # the first build, in a worker like every rebuild
        pool.submit(rebuild).result()
    ignore = IgnoreFilter([*(str(p) for p in IGNORED), str(out)], [])  # the doctrees are in out/.doctrees
    watcher = RebuildServer(list(watched), ignore, change_callback=rebuild)
    app = Starlette(routes=[WebSocketRoute("/websocket-reload", watcher, name="reload"),
                            Mount("/", app=StaticFiles(directory=out, html=True), name="static")],
                    middleware=[Middleware(JavascriptInjectorMiddleware, ws_url=f"{host}:{port}")],
                    lifespan=watcher.lifespan)
    uvicorn.run(app, host=host, port=port, log_level="warning")


def run_autobuild(sphinx_args: Sequence[str], watched: Sequence[Path], host: str, port: int) -> int:
    """sphinx-autobuild's own command line: a new `python -m sphinx` per rebuild."""
    command = [sys.executable, "-m", "sphinx_autobuild", *sphinx_args, "--host", host, "--port", str(port)]
    for path in watched:
        command += ["--watch", str(path)]
    proc = subprocess.Popen(command)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        return proc.wait()


def in_process_available() -> bool:
    try:
        from sphinx_autobuild.filter import IgnoreFilter  # noqa: F401
        from sphinx_autobuild.middleware import JavascriptInjectorMiddleware  # noqa: F401
        from sphinx_autobuild.server import RebuildServer  # noqa: F401
    except ImportError:
        return False
    return os.environ.get("RA2DOCS_SERVE_SUBPROCESS") != "1"
