"""Export the spec tree to another format: `ra2docs export FORMAT [options]`.

Each format lives in its own module and provides FORMAT, HELP, `add_arguments(parser)` and
`run(args) -> int`; register it in FORMAT_MODULES. Output files are written atomically.
"""

from __future__ import annotations

import argparse
import importlib

NAME = "export"
HELP = "export requirements, matrices and links (xlsx, json, csv, needs-json, reqif)"

FORMAT_MODULES: tuple[str, ...] = (
    "ra2docs.commands.export_xlsx",
    "ra2docs.exports.json_model",
    "ra2docs.exports.csv_export",
    "ra2docs.exports.needs_json",
    "ra2docs.exports.reqif",
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="format", metavar="FORMAT", required=True)
    for name in FORMAT_MODULES:
        module = importlib.import_module(name)
        fmt = sub.add_parser(module.FORMAT, help=module.HELP, description=module.__doc__,
                             formatter_class=argparse.RawDescriptionHelpFormatter)
        module.add_arguments(fmt)
        fmt.set_defaults(run=module.run)


def run(args: argparse.Namespace) -> int:
    """Never reached: each format's parser sets its own `run`; present because the CLI asks every command."""
    return int(args.run(args))
