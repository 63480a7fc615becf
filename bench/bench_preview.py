"""Live preview latency: from writing a requirement's new description to the rebuilt HTML page on disk.

It copies the shipped site (conf.py, source/ and the spec tree) to a temporary folder, or with --n N
generates the synthetic tree and bench_html's site for it, starts `ra2docs serve` (sphinx-autobuild) there,
waits for the first build, then edits one requirement's description --edits times (default 5), each
time timing until the page showing it holds the new text. The target is under 1 s (median). It measures
both ways `ra2docs serve` can rebuild, in one run: its own server (builds in a forked worker of a process
that imported Sphinx and ra2docs once) and sphinx-autobuild's command line (`python -m sphinx` per change).

    python bench/bench_preview.py [--n 5000] [--edits 5] [--modes in-process,subprocess]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from ra2docs.project import Project  # noqa: E402

TARGET_SECONDS = 1.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _shipped(work: Path) -> tuple[Path, Path]:
    for name in ("conf.py", "source", "requirements", "mappings", "responses", "results"):
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, work / name)
        elif src.is_file():
            shutil.copy2(src, work / name)
    return work, work


def _synthetic(work: Path, n: int) -> tuple[Path, Path]:
    from bench.bench_html import write_site
    from bench.generate import generate_tree

    tree = work / "tree"
    generate_tree(tree, n)
    site = work / "site"
    write_site(tree, Project.load(tree, display_root=str(tree)), site)
    return tree, site


def _wait_for(path: Path, text: str, timeout: float) -> float:
    """When `text` is in `path` (read again only when its stamp changes: a big page read every 10 ms
    would take CPU from the build it waits for)."""
    start = time.perf_counter()
    seen: tuple[int, int] | None = None
    while time.perf_counter() - start < timeout:
        try:
            st = path.stat()
            if (st.st_mtime_ns, st.st_size) != seen:
                seen = (st.st_mtime_ns, st.st_size)
                if text in path.read_text(encoding="utf-8"):
                    return time.perf_counter()
        except OSError:
            pass
        time.sleep(0.01)
    raise TimeoutError(f"{text!r} did not appear in {path} within {timeout:.0f} s")


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a process so far (Linux), or None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, help="a synthetic tree of N requirements instead of the shipped site")
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=900, help="seconds to wait for a build")
    parser.add_argument("--modes", default="in-process,subprocess",
                        help="ra2docs serve's own server (in-process) and/or sphinx-autobuild's command line")
    args = parser.parse_args(argv)
    medians = {mode: measure(args, mode)[0] for mode in args.modes.split(",")}
    if len(medians) == 2:
        print(f"in-process / subprocess: {medians['in-process'] / medians['subprocess']:.2f}")
    return 0


def measure(args: argparse.Namespace, mode: str) -> tuple[float, float]:
    """The median edit-to-HTML latency and the first (full) build's time, in seconds."""
    with tempfile.TemporaryDirectory(prefix="ra2docs-preview-") as tmp:
        work = Path(tmp)
        tree, site = _synthetic(work, args.n) if args.n else _shipped(work)
        project = Project.load(tree, display_root=str(tree))
        reqs = [r for r in project.tree.requirements if r.description and "\n" not in r.description
                and '"' not in r.description and "'" not in r.description and "&" not in r.description
                and "<" not in r.description]
        req = reqs[len(reqs) // 2]
        yaml_file = Path(req.location.file)
        out = site / "build" / "html"
        port = _free_port()
        command = [sys.executable, "-m", "ra2docs", "serve", str(tree), "--conf", str(site), "--port", str(port)]
        if site != tree:
            command += ["--source", str(site)]
        log = (work / "serve.log").open("wb")
        started = time.perf_counter()
        env = dict(os.environ, PYTHONPATH=str(REPO), RA2DOCS_SERVE_SUBPROCESS="1" if mode == "subprocess" else "0")
        proc = subprocess.Popen(command, env=env, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
        try:
            anchor = f'id="ra2-req-{req.id.lower().replace(".", "-")}"'
            page: Path | None = None
            deadline = time.perf_counter() + args.timeout
            while page is None and time.perf_counter() < deadline:
                if proc.poll() is not None:
                    raise RuntimeError((work / "serve.log").read_text())
                if (out / "objects.inv").exists():
                    page = next((p for p in out.rglob("*.html") if anchor in p.read_text(encoding="utf-8")), None)
                time.sleep(0.2)
            if page is None:
                raise TimeoutError("the first build did not finish")
            first = time.perf_counter() - started
            time.sleep(1.0)  # let the watcher settle after the first build
            latencies, cpu = [], []
            old = req.description
            for k in range(args.edits):
                new = f"{old} preview edit {k}"
                text = yaml_file.read_text(encoding="utf-8")
                assert old in text, f"cannot find the description of {req.id} in {yaml_file}"
                cpu0 = _cpu_seconds(proc.pid)
                t0 = time.perf_counter()
                yaml_file.write_text(text.replace(old, new, 1), encoding="utf-8")
                latencies.append(_wait_for(page, new, args.timeout) - t0)
                cpu1 = _cpu_seconds(proc.pid)
                if cpu0 is not None and cpu1 is not None:
                    cpu.append(cpu1 - cpu0)  # the serving process's own CPU: the in-process rebuild
                old = new
                time.sleep(2.0)  # one edit at a time, as an author types and saves
        finally:
            os.killpg(proc.pid, signal.SIGINT)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
            log.close()
    what = f"synthetic N={args.n}" if args.n else "shipped site"
    median = statistics.median(latencies)
    print(f"preview {mode} ({what}, {len(project.tree.requirements)} requirements): first build {first:.1f} s; "
          f"edit {req.id} -> {page.relative_to(out)}: median {median:.2f} s, min {min(latencies):.2f} s, "
          f"max {max(latencies):.2f} s over {len(latencies)} edits = {median / first:.3f} of the first (full) "
          f"build; target < {TARGET_SECONDS:.0f} s: {'met' if median < TARGET_SECONDS else 'MISSED'}"
          + (f"; serving process CPU per edit: median {statistics.median(cpu):.2f} s" if mode == "in-process" and cpu
             else ""), flush=True)
    return median, first


if __name__ == "__main__":
    sys.exit(main())
