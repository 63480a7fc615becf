"""`ra2docs serve`: the real sphinx-autobuild preview of an `init` tree, rebuilt after YAML, page and conf edits."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ra2docs.preview import PersistentBuild, SitePaths
from ra2docs.sphinx import data
from ra2docs.sphinx.data import collect_between_builds
from ra2docs.sphinx.parse_cache import keep_in_memory
from tests.conftest import REPO, run_cli
from tests.sphinx_helpers import copy_root, html_files


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(what: str, ok: Callable[[], bool], timeout: float = 240) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if ok():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop `ra2docs serve` and the builds it started (its own process group), as Ctrl-C would."""
    os.killpg(proc.pid, signal.SIGINT)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except OSError:
        return ""


@pytest.fixture(params=["in-process", "subprocess"])
def served(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[Path, str, Path]]:
    """`ra2docs serve` on an init tree: its own server, or sphinx-autobuild's command line (the fallback)."""
    tree = tmp_path / "ops"
    run_cli("init", str(tree), check=True)
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "ra2docs", "serve", "--port", str(port)], cwd=tree,
                                env=dict(os.environ, PYTHONPATH=str(REPO),
                                         RA2DOCS_SERVE_SUBPROCESS="1" if request.param == "subprocess" else "0"),
                                stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)  # its own group: stopped below with the builds it started
    try:
        url = f"http://127.0.0.1:{port}/index.html"
        _wait("the first build", lambda: "ops.ntw.001" in _get(url) or proc.poll() is not None)
        assert proc.poll() is None, log.read_text()
        yield tree, url, log
    finally:
        _stop(proc)


def test_serve_rebuilds_after_yaml_page_and_conf_edits(served: tuple[Path, str, Path]) -> None:
    tree, url, log = served
    page = _get(url)
    assert "/websocket-reload" in page  # sphinx-autobuild's browser reload is injected
    assert "serving the preview on " + url.rsplit("/", 1)[0] + "/" in log.read_text() and "127.0.0.1" in url
    html = tree / "build" / "html" / "index.html"

    yaml_file = tree / "requirements" / "ops-ntw.yaml"
    yaml_file.write_text(yaml_file.read_text().replace("Replace this sample", "Edited in YAML"))
    _wait("the YAML edit", lambda: "Edited in YAML" in html.read_text(encoding="utf-8"))
    assert "Edited in YAML" in _get(url)

    index = tree / "source" / "index.rst"
    index.write_text(index.read_text().replace("Support\n-------", "Support by component\n--------------------"))
    _wait("the page edit", lambda: "Support by component" in html.read_text(encoding="utf-8"))

    conf = tree / "conf.py"
    conf.write_text(conf.read_text() + 'html_title = "Preview title from conf"\n')
    _wait("the conf.py edit", lambda: "Preview title from conf" in html.read_text(encoding="utf-8"))


def test_serve_refuses_a_tree_without_pages(tmp_path: Path) -> None:
    tree = tmp_path / "ops"
    run_cli("init", str(tree), check=True)
    (tree / "conf.py").unlink()
    proc = run_cli("serve", str(tree))
    assert proc.returncode == 2 and "conf.py: no such file" in proc.stderr


@pytest.mark.parametrize("mode", ["in-process", "subprocess"])
def test_serve_on_a_port_in_use_says_so_and_builds_nothing(tmp_path: Path, mode: str) -> None:
    tree = tmp_path / "ops"
    run_cli("init", str(tree), check=True)
    with socket.socket() as held:  # another server on the port
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        proc = subprocess.run([sys.executable, "-m", "ra2docs", "serve", "--port", str(port)], cwd=tree,
                              env=dict(os.environ, PYTHONPATH=str(REPO),
                                       RA2DOCS_SERVE_SUBPROCESS="1" if mode == "subprocess" else "0"),
                              capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stdout + proc.stderr  # as `serve --help` says: the server could not start
    [line] = proc.stderr.splitlines()
    assert f"port {port} on 127.0.0.1 is in use" in line and "--port" in line
    assert "serving the preview" not in proc.stdout + proc.stderr
    assert not (tree / "build").exists()


def test_serve_holds_its_port_while_the_first_build_runs(tmp_path: Path) -> None:
    """The port is listened on, not only bound, before the first build: on Linux a second socket with
    SO_REUSEADDR (a second preview started at the same time) may bind a port that is only bound, and would
    learn it is taken only after a whole build of its own."""
    tree = tmp_path / "ops"
    run_cli("init", str(tree), check=True)
    port = _free_port()
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "ra2docs", "serve", "--port", str(port)], cwd=tree,
                                env=dict(os.environ, PYTHONPATH=str(REPO), RA2DOCS_SERVE_SUBPROCESS="0"),
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait("the serve command to take its port", lambda: b"serving the preview" in log.read_bytes(), 120)
        assert not (tree / "build" / "html" / "index.html").exists()  # still building: the race's window
        with socket.socket() as second, pytest.raises(OSError):  # EADDRINUSE
            second.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            second.bind(("127.0.0.1", port))
    finally:
        _stop(proc)


@pytest.mark.parametrize("port", ["70000", "0", "http"])
def test_serve_refuses_a_port_that_is_none_in_one_line(tmp_path: Path, port: str) -> None:
    proc = run_cli("serve", str(tmp_path), "--port", port)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert "--port" in proc.stderr.splitlines()[-1]


@pytest.mark.parametrize(("mode", "colour_env", "coloured"), [
    ("in-process", {"NO_COLOR": "1"}, False),
    ("subprocess", {"NO_COLOR": "1"}, False),
    ("in-process", {"FORCE_COLOR": "1"}, True),  # the command line's decision (ra2docs.term), not Sphinx's own
])
def test_serve_colours_its_output_as_the_command_line_does(tmp_path: Path, mode: str, colour_env: dict[str, str],
                                                          coloured: bool) -> None:
    """Output to a file: Sphinx's messages (and sphinx-autobuild's) carry colour codes only when asked to."""
    tree = tmp_path / "ops"
    run_cli("init", str(tree), check=True)
    port = _free_port()
    log = tmp_path / "serve.log"
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "ra2docs", "serve", "--port", str(port)], cwd=tree,
                                env=dict(env, PYTHONPATH=str(REPO), **colour_env,
                                         RA2DOCS_SERVE_SUBPROCESS="1" if mode == "subprocess" else "0"),
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait("the first build", lambda: "ops.ntw.001" in _get(f"http://127.0.0.1:{port}/index.html")
              or proc.poll() is not None)
        assert proc.poll() is None, log.read_text()
    finally:
        _stop(proc)
    output = log.read_bytes()
    assert b"build succeeded" in output
    assert (b"\x1b[" in output) is coloured, output.decode(errors="replace")


def _persistent_build(site: Path) -> PersistentBuild:
    return PersistentBuild(SitePaths(source=site, conf=site, out=site / "_out" / "html"), "http://127.0.0.1/")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    time.sleep(0.01)  # a later modification time than the build that read it
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_preview_rebuilds_equal_a_clean_build(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The preview's application, built again after YAML, matrix, page and conf.py edits, writes what a clean
    build of the edited site writes (the serving process keeps the application, its environment and the tree)."""
    site = copy_root("sample", tmp_path)
    preview = _persistent_build(site)
    keep_in_memory()  # as `ra2docs serve` runs it: parse results kept, garbage collected between builds
    data.collect_at_load = False
    try:
        _build_edit_and_compare(site, preview, tmp_path)
    finally:
        keep_in_memory(False)
        data.collect_at_load = True
    assert "the build failed" not in capsys.readouterr().out


def _build_edit_and_compare(site: Path, preview: PersistentBuild, tmp_path: Path) -> None:
    assert preview() == 0
    edits = [(site / "requirements" / "rm-stg.yaml", "title: Persistent volumes", "title: Volumes that outlive pods"),
             (site / "mappings" / "storage.yaml", "{ceph: supported}", "{ceph: not-supported}"),
             (site / "rm.rst", "===============\n", "===============\n\nAn added paragraph of the page.\n"),
             (site / "conf.py", 'project = "ra2docs sample"', 'project = "ra2docs sample, edited"')]
    for path, old, new in edits:
        _edit(path, old, new)
        collect_between_builds()
        assert preview(changed_paths=[path]) == 0
        clean_site = tmp_path / f"clean-{path.name}"
        shutil.copytree(site, clean_site, ignore=shutil.ignore_patterns("_out"))
        # a clean `sphinx-build` in its own process (two applications in one would share docutils' registries)
        subprocess.run([sys.executable, "-m", "sphinx", "-q", "-b", "html", str(clean_site),
                        str(clean_site / "_out" / "html")], check=True, env=dict(os.environ, PYTHONPATH=str(REPO)))
        assert html_files(site / "_out" / "html") == html_files(clean_site / "_out" / "html"), path.name
    assert "Volumes that outlive pods" in (site / "_out" / "html" / "rm.html").read_text(encoding="utf-8")
    assert "ra2docs sample, edited" in (site / "_out" / "html" / "index.html").read_text(encoding="utf-8")
    assert preview.builds == 1 + len(edits)


def test_preview_survives_a_broken_conf_py(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A conf.py that does not run fails that rebuild with Sphinx's message, and the next save builds again."""
    site = copy_root("sample", tmp_path)
    preview = _persistent_build(site)
    assert preview() == 0
    conf = site / "conf.py"
    _edit(conf, 'project = "ra2docs sample"', 'project = "ra2docs sample" +')
    assert preview(changed_paths=[conf]) == 2
    out = capsys.readouterr()
    assert "the build failed (exit 2)" in out.out and "conf.py" in out.err and "Traceback" not in out.err
    _edit(conf, 'project = "ra2docs sample" +', 'project = "ra2docs sample, fixed"')
    assert preview(changed_paths=[conf]) == 0
    assert "ra2docs sample, fixed" in (site / "_out" / "html" / "index.html").read_text(encoding="utf-8")


def test_serve_builds_a_save_made_before_watching_began(tmp_path: Path) -> None:
    """A file saved as soon as the first build says it is serving (before the watch has started) is built."""
    tree = tmp_path / "ops"
    run_cli("init", str(tree), check=True)
    log = tmp_path / "serve.log"
    yaml_file = tree / "requirements" / "ops-ntw.yaml"
    html = tree / "build" / "html" / "index.html"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "ra2docs", "serve", "--port", str(_free_port())], cwd=tree,
                                env=dict(os.environ, PYTHONPATH=str(REPO), RA2DOCS_SERVE_SUBPROCESS="0"),
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait("the first build", lambda: b"[ra2docs serve] serving on" in log.read_bytes() or proc.poll() is not None,
              timeout=240)
        assert proc.poll() is None, log.read_text()
        yaml_file.write_text(yaml_file.read_text().replace("Replace this sample", "Saved at once"))
        _wait("the early save", lambda: "Saved at once" in html.read_text(encoding="utf-8"), timeout=120)
    finally:
        _stop(proc)
