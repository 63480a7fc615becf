"""The live preview's server: sphinx-autobuild's watcher, reload script and static server, our rebuild.

sphinx-autobuild rebuilds by starting `python -m sphinx` for every change: a new interpreter importing
Sphinx, the theme and ra2docs, setting up a new application, unpickling the environment and loading the
spec tree each time, most of a one-page rebuild of the shipped site. Here the serving process keeps one
Sphinx application (`PersistentBuild`) and builds it again on each change, as Sphinx's own tests do:
the environment stays in memory, the templates stay compiled, the spec tree is reloaded by the extension
only when a file of it changed (its unchanged files' model objects, kept in memory by the parse cache, are
used again, and the graph too when nothing it is made from changed: `load.load_tree`, `SpecGraph.build`), and only the
pages whose data changed are read and written. A change to conf.py, or a build that failed, starts a new application.

The watching (watchfiles, sphinx-autobuild's ignore filter), the reload websocket and the file serving are
sphinx-autobuild's own classes; `InProcessRebuildServer` only runs the callback in a thread of this process
instead of a new worker process per change, so the application survives the rebuild. When those classes
cannot be imported as expected, `run_autobuild` starts sphinx-autobuild's command line instead.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import traceback
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx

IDLE_SECONDS = 5.0  # the last builds' garbage is collected once no edit came for this long after a rebuild
WATCH_TICK_MS = 250  # how often watchfiles reports "no change", which only the first time is looked at
IGNORED = (".git", ".hg", ".venv", "venv", "node_modules", ".pytest_cache", ".ruff_cache", "__pycache__")


@dataclass(frozen=True)
class SitePaths:
    """Where the pages, conf.py and the output of the previewed site are (as `make html` has them)."""

    source: Path
    conf: Path
    out: Path

    @property
    def doctrees(self) -> Path:
        return self.out / ".doctrees"  # where `sphinx-build` without -d keeps them: both share one build

    def sphinx_args(self) -> list[str]:
        return ["-b", "html", "-c", str(self.conf), "--keep-going", str(self.source), str(self.out)]


class PersistentBuild:
    """One Sphinx application kept between rebuilds: each call is an incremental build of it."""

    def __init__(self, paths: SitePaths, url: str) -> None:
        self.paths = paths
        self.url = url
        self.builds = 0  # builds run, for the log and the tests
        self._app: Sphinx | None = None
        self._contexts = ExitStack()
        self._conf_stamp: tuple[int, int] | None = None

    def __call__(self, *, changed_paths: Sequence[Path] = ()) -> int:
        if changed_paths:
            shown = ", ".join(_shown(p) for p in list(changed_paths)[:5])
            print(f"[ra2docs serve] changed: {shown}; rebuilding", flush=True)
        from sphinx.errors import SphinxError

        try:
            app = self._application()
            app.statuscode = 0
            app._warncount = 0  # per build, not summed over the application's builds
            app.build()
            code = app.statuscode
        except Exception as err:  # a broken extension or conf.py: say so, start afresh next time, keep serving
            if isinstance(err, SphinxError):
                print(f"[ra2docs serve] {err.category}: {err}", file=sys.stderr, flush=True)
            else:
                traceback.print_exc()
            self.close()
            code = 2
        self.builds += 1
        if code:
            print(f"[ra2docs serve] the build failed (exit {code}); still serving the last pages", flush=True)
        print(f"[ra2docs serve] serving on {self.url}", flush=True)
        return code

    def _application(self) -> Sphinx:
        stamp = _stamp(self.paths.conf / "conf.py")
        if self._app is not None and stamp == self._conf_stamp:
            return self._app
        self.close()
        from sphinx.application import Sphinx
        from sphinx.util.docutils import docutils_namespace, patch_docutils

        # The application registers its directives and nodes in docutils' global registries, which these
        # restore on exit: they stay entered as long as the application lives.
        self._contexts.enter_context(patch_docutils(self.paths.conf))
        self._contexts.enter_context(docutils_namespace())
        self._conf_stamp = stamp
        self._app = Sphinx(self.paths.source, self.paths.conf, self.paths.out, self.paths.doctrees, "html",
                           status=sys.stdout, warning=sys.stderr)
        return self._app

    def close(self) -> None:
        self._app = None
        self._contexts.close()
        self._contexts = ExitStack()


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


def _stamps(watched: Sequence[Path], ignore: Callable[[str], bool]) -> dict[str, tuple[int, int] | None]:
    """The stamp of every watched file the watcher would report on."""
    out: dict[str, tuple[int, int] | None] = {}
    for top in watched:
        if top.is_file():
            out[str(top)] = _stamp(top)
            continue
        for folder, dirs, names in os.walk(top):
            dirs[:] = [d for d in dirs if not ignore(os.path.join(folder, d))]
            for name in names:
                path = os.path.join(folder, name)
                if not ignore(path):
                    out[path] = _stamp(Path(path))
    return out


def _changed_since(before: dict[str, tuple[int, int] | None], now: dict[str, tuple[int, int] | None]) -> list[Path]:
    return [Path(p) for p in sorted(before.keys() | now.keys()) if before.get(p) != now.get(p)]


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _server_class() -> type[Any]:
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    import watchfiles
    from sphinx_autobuild.server import RebuildServer

    class InProcessRebuildServer(RebuildServer):
        """sphinx-autobuild's server, its callback run in this process (one build at a time) instead of a
        new worker process per change, which would throw the application away after each build."""

        def __init__(self, *args: Any, between_builds: Callable[[], None], missed: Callable[[], list[Path]],
                     **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.builds = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ra2docs-build")
            self.between_builds = between_builds
            self.missed = missed

        async def watch(self) -> None:  # RebuildServer.watch, with the callback in `self.builds`
            loop = asyncio.get_running_loop()
            tidy: asyncio.TimerHandle | None = None
            watching = False
            # yield_on_timeout: an empty batch once watchfiles is watching, so a save made after the first
            # build began and before the watch began is built then rather than lost
            async for changes in watchfiles.awatch(*self.paths, watch_filter=lambda _, path: not self.ignore(path),
                                                   yield_on_timeout=True, rust_timeout=WATCH_TICK_MS):
                first, watching = not watching, True
                changed_paths = [Path(path).resolve() for (_, path) in changes]
                if first and not changed_paths:
                    changed_paths = self.missed()
                if not changed_paths:
                    continue
                if tidy is not None:
                    tidy.cancel()
                await loop.run_in_executor(self.builds, partial(self.change_callback, changed_paths=changed_paths))
                self.flag.set()
                # once the author pauses (the collection holds the interpreter: a second at N = 5,000)
                tidy = loop.call_later(IDLE_SECONDS, self.builds.submit, self.between_builds)

    return InProcessRebuildServer


def bind(host: str, port: int) -> socket.socket:
    """The preview's socket, bound before the first build: a port in use is told before anything is built, and
    no other server can take the port while the site builds."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds: a port in TIME_WAIT is free
    try:
        sock.bind((host, port))
        # listening makes the port ours: on Linux a second socket with SO_REUSEADDR may bind a port that is
        # only bound, and would learn it is taken only at listen(), after its build
        sock.listen(128)
    except (OSError, OverflowError):
        sock.close()
        raise
    return sock


def run_server(paths: SitePaths, watched: Sequence[Path], sock: socket.socket, colour: bool) -> None:
    """Build the site, then serve it on `sock` (from `bind`) and rebuild on changes until Ctrl+C.

    `colour`: whether Sphinx's messages may be coloured (the command line's decision, ra2docs.term); Sphinx
    decides only in `sphinx-build`'s own command line, and an application made here would always colour."""
    import uvicorn
    from sphinx.util.console import coloron, nocolor
    from sphinx_autobuild.filter import IgnoreFilter
    from sphinx_autobuild.middleware import JavascriptInjectorMiddleware
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.routing import Mount, WebSocketRoute
    from starlette.staticfiles import StaticFiles

    from ra2docs.sphinx import data
    from ra2docs.sphinx.data import collect_between_builds
    from ra2docs.sphinx.parse_cache import keep_in_memory

    (coloron if colour else nocolor)()
    keep_in_memory()
    data.collect_at_load = False  # collected while no edit waits instead
    host, port = sock.getsockname()[:2]
    url = f"http://{host}:{port}/"
    rebuild = PersistentBuild(paths, url)
    paths.out.mkdir(parents=True, exist_ok=True)
    ignore = IgnoreFilter([*(str(p) for p in IGNORED), str(paths.out)], [])  # the doctrees are in out/.doctrees
    before = _stamps(watched, ignore)
    watcher = _server_class()(list(watched), ignore, change_callback=rebuild, between_builds=collect_between_builds,
                              missed=lambda: _changed_since(before, _stamps(watched, ignore)))
    watcher.builds.submit(rebuild).result()  # the first build, in the thread every rebuild runs in
    watcher.builds.submit(collect_between_builds)
    app = Starlette(routes=[WebSocketRoute("/websocket-reload", watcher, name="reload"),
                            Mount("/", app=StaticFiles(directory=paths.out, html=True), name="static")],
                    middleware=[Middleware(JavascriptInjectorMiddleware, ws_url=f"{host}:{port}")],
                    lifespan=watcher.lifespan)
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning"))
    try:
        server.run(sockets=[sock])
    finally:
        watcher.builds.shutdown(wait=True)  # the socket is closed by who bound it (`ra2docs serve`)
    if not server.started:  # uvicorn has logged why
        raise OSError(f"the server on {url} could not start")


def run_autobuild(sphinx_args: Sequence[str], watched: Sequence[Path], host: str, port: int, colour: bool) -> int:
    """sphinx-autobuild's own command line: a new `python -m sphinx` per rebuild.

    Without `colour`, Sphinx is told so, and sphinx-autobuild's own lines (coloured always) are copied to
    stdout without their colour codes."""
    command = [sys.executable, "-m", "sphinx_autobuild", *sphinx_args, "--color" if colour else "--no-color",
               "--host", host, "--port", str(port)]
    for path in watched:
        command += ["--watch", str(path)]
    proc = subprocess.Popen(command, stdout=None if colour else subprocess.PIPE)
    try:
        _copy_uncoloured(proc)
        return proc.wait()
    except KeyboardInterrupt:  # Ctrl+C reached the whole group: sphinx-autobuild says goodbye, then stops
        _copy_uncoloured(proc)
        return proc.wait()


def _copy_uncoloured(proc: subprocess.Popen[bytes]) -> None:
    """Copy what `proc` writes to its stdout pipe (when it has one) to ours, without colour codes."""
    if proc.stdout is None:
        return
    from ra2docs.term import strip_sgr

    out = sys.stdout.buffer
    try:
        for line in iter(proc.stdout.readline, b""):
            out.write(strip_sgr(line))
            out.flush()
    except BrokenPipeError:  # `serve | head` ended: stop the server rather than leave it holding the port
        proc.terminate()
        proc.wait()
        raise
    finally:
        proc.stdout.close()


def in_process_available() -> bool:
    try:
        import watchfiles  # noqa: F401
        from sphinx_autobuild.filter import IgnoreFilter  # noqa: F401
        from sphinx_autobuild.middleware import JavascriptInjectorMiddleware  # noqa: F401
        from sphinx_autobuild.server import RebuildServer  # noqa: F401
    except ImportError:
        return False
    return os.environ.get("RA2DOCS_SERVE_SUBPROCESS") != "1"
