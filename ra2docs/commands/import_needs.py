"""Bring requirements from a sphinx-needs project (its needs.json) into a ra2docs requirements file.

The needs become requirements of --spec, written to -o FILE (default:
ROOT/requirements/<spec>-imported.yaml). What could not be mapped is reported on stderr. An existing
file is never replaced silently: with the same content nothing is written; with different content the
command refuses unless --force is given, and then says that it replaced it. The file is written
atomically and is checked to load clean before it is written.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from ra2docs.commands.common import add_root_argument, positive_int, tree_root
from ra2docs.errors import UsageError
from ra2docs.exports.needs_import import NeedsFileError, convert, read_needs, requirements_yaml
from ra2docs.fileio import write_text_atomic
from ra2docs.files import MAX_JSON_BYTES
from ra2docs.load import load_files, load_tree

NAME = "import-needs"
HELP = "import requirements from a sphinx-needs needs.json into a YAML requirements file"
EXIT_CODES = ((0, "imported, or the output is up to date"), (1, "nothing to import: every need was skipped"),
              (2, "usage error, a needs.json that cannot be read, or an output that must not be replaced"))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("needs_json", metavar="NEEDS_JSON", help="the needs.json file to read")
    add_root_argument(parser, "the spec tree to import into (default: the current folder or the nearest parent "
                              "folder that is a spec tree)")
    parser.add_argument("--spec", required=True, help="the spec (declared in ROOT) the requirements belong to")
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="the YAML file to write (default: ROOT/requirements/<spec>-imported.yaml)")
    parser.add_argument("--needs-version", metavar="VERSION", help="the version of the file to read "
                        "(default: its current_version)")
    parser.add_argument("--type", action="append", metavar="TYPE", help="import only needs of this type "
                        "(repeatable; default: all)")
    parser.add_argument("--force", action="store_true", help="replace an existing output file that differs")
    parser.add_argument("--max-size", type=positive_int, default=MAX_JSON_BYTES // (1024 * 1024), metavar="MIB",
                        help="refuse a needs.json larger than this many MiB (default: %(default)s)")
    parser.set_defaults(protect_sources=False)  # it writes requirements files; it guards them itself (--force)


def _clean_load_problems(text: str) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="ra2docs-import-") as tmp:
        probe = Path(tmp) / "imported.yaml"
        probe.write_text(text, encoding="utf-8")
        return [f"{f.code}: {f.message}" for f in load_files([probe]).findings]


def run(args: argparse.Namespace) -> int:
    root = tree_root(args.root)
    loaded = load_tree(root)
    spec = loaded.tree.spec_index().get(args.spec)
    if spec is None:
        known = ", ".join(sorted(loaded.tree.spec_index())) or "none"
        raise UsageError(f"no spec {args.spec!r} in {args.root} (specs: {known})")
    output = Path(args.output) if args.output else root / "requirements" / f"{args.spec.lower()}-imported.yaml"
    try:
        version, needs, link_fields = read_needs(Path(args.needs_json), args.needs_version,
                                                 args.max_size * 1024 * 1024)
    except NeedsFileError as exc:
        raise UsageError(str(exc)) from None
    own = output.resolve()
    taken = {r.id for r in loaded.tree.requirements if Path(r.location.file).resolve() != own}
    result = convert(needs, spec.id, spec.id_pattern, taken, link_fields, set(args.type) if args.type else None)
    text = requirements_yaml(spec.id, result.requirements, Path(args.needs_json).name, version)
    problems = _clean_load_problems(text)
    if problems:  # a bug of ours; never write a file the loader refuses
        raise UsageError("the imported YAML would not load clean: " + "; ".join(problems))
    for line in result.report_lines():
        sys.stderr.write(f"ra2docs import-needs: {line}\n")
    if not result.requirements:
        sys.stderr.write(f"ra2docs import-needs: nothing to import into {spec.id}: "
                         f"{len(result.skipped)} of {len(needs)} needs skipped (see above); nothing was written\n")
        return 1
    if output.exists():
        current = output.read_bytes()
        if current == text.encode("utf-8"):
            sys.stderr.write(f"ra2docs import-needs: {output} is up to date ({len(result.requirements)} "
                             "requirements); nothing written\n")
            return 0
        if not args.force:
            raise UsageError(f"{output} exists and its content differs; nothing was written. "
                             "Use --force to replace it, or -o to write elsewhere")
        sys.stderr.write(f"ra2docs import-needs: replacing {output}, whose content differed (--force)\n")
    write_text_atomic(output, text)
    sys.stderr.write(f"ra2docs import-needs: wrote {len(result.requirements)} requirements of {spec.id} to "
                     f"{output}; {len(result.skipped)} needs skipped\n")
    return 0
