"""Preview the site while editing: `ra2docs serve` builds it, serves it on 127.0.0.1 and rebuilds on changes.

sphinx-autobuild watches the spec tree's YAML folders, the pages and conf.py, rebuilds what changed
(the same incremental build as `make html`, into the same build/html) and reloads the browser. Warnings
are shown, not fatal, so a half-made edit still previews. Stop it with Ctrl+C. The port is taken before
anything is built: a port in use stops it at once. Its output is in colour as every command's is: in a
terminal, never in a file or pipe; NO_COLOR=1 turns colour off, FORCE_COLOR=1 on.

The serving process keeps one Sphinx application, its environment and the loaded spec tree between
rebuilds (see ra2docs/preview.py): a rebuild costs what the edit costs. RA2DOCS_SERVE_SUBPROCESS=1 runs
sphinx-autobuild's own command line instead, a new `python -m sphinx` per change.
"""

from __future__ import annotations

import argparse
import socket
import sys
from contextlib import suppress
from pathlib import Path

from ra2docs.commands.common import add_root_argument, port_number, tree_root
from ra2docs.errors import UsageError
from ra2docs.load import TREE_DIRS
from ra2docs.preview import SitePaths

NAME = "serve"
HELP = "preview the site on http://127.0.0.1:PORT, rebuilt when a YAML file, a page or conf.py changes"
EXIT_CODES = ((0, "stopped (Ctrl+C)"), (2, "usage error, no conf.py or pages, or the server could not start"))

HOST = "127.0.0.1"  # a preview is for this machine only


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_root_argument(parser)
    parser.add_argument("--port", type=port_number, default=8000, help="the port to serve on (default: 8000)")
    parser.add_argument("--conf", metavar="DIR", help="the folder holding conf.py (default: ROOT)")
    parser.add_argument("--source", metavar="DIR", help="the folder of the pages (default: source/ beside conf.py)")
    parser.add_argument("--out", metavar="DIR", help="where the HTML goes (default: build/html beside conf.py, "
                                                     "as `make html`)")


def site_paths(args: argparse.Namespace) -> tuple[SitePaths, list[Path]]:
    """The site's pages, conf.py and output folder, and the paths to watch."""
    root = tree_root(args.root)
    conf = Path(args.conf) if args.conf else root
    if not (conf / "conf.py").is_file():
        raise UsageError(f"{conf / 'conf.py'}: no such file; give --conf DIR, the folder holding conf.py")
    source = Path(args.source) if args.source else conf / "source"
    if not source.is_dir():
        raise UsageError(f"{source}: no such folder; give --source DIR, the folder of the pages")
    out = Path(args.out) if args.out else conf / "build" / "html"
    watched = [source, *(root / d for d in TREE_DIRS if (root / d).is_dir()), conf / "conf.py"]
    return SitePaths(source.resolve(), conf.resolve(), out.resolve()), [p.resolve() for p in watched]


def run(args: argparse.Namespace) -> int:
    paths, watched = site_paths(args)
    from importlib.util import find_spec

    if find_spec("sphinx_autobuild") is None:
        raise UsageError("sphinx-autobuild is not installed; `pip install sphinx-autobuild` (or `make install`)")
    from ra2docs import preview
    from ra2docs.term import colour_enabled

    colour = colour_enabled(sys.stdout) and colour_enabled(sys.stderr)  # a file or pipe gets no colour codes
    sock = _bind(args.port)
    sys.stderr.write(f"serving the preview on http://{HOST}:{args.port}/ (Ctrl+C stops it)\n")
    if not preview.in_process_available():
        sock.close()  # sphinx-autobuild's command line binds the port itself
        code = preview.run_autobuild(paths.sphinx_args(), watched, HOST, args.port, colour)
        if code not in (0, 130, -2):
            raise UsageError(f"sphinx-autobuild stopped with exit code {code} (is port {args.port} in use? "
                             "--port N)")
        return 0
    try:
        with suppress(KeyboardInterrupt):
            preview.run_server(paths, watched, sock, colour)
    finally:
        sock.close()  # also when the first build or a set-up step failed (a test's process lives on)
    return 0


def _bind(port: int) -> socket.socket:
    """The port bound before anything is built, or a usage error saying what to do."""
    import errno

    from ra2docs.preview import bind

    try:
        return bind(HOST, port)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise UsageError(f"port {port} on {HOST} is in use (another preview or server?); stop it, or give "
                             f"another port with --port N") from None
        raise UsageError(f"cannot serve on {HOST}:{port}: {exc.strerror or exc}; give another port with --port N") \
            from None
