"""Print the JSON Schema of a kind of YAML file, or list the kinds.

Editors with a YAML language server validate and complete as you type when a file starts with
`# yaml-language-server: $schema=<path to ra2docs/schemas/KIND.schema.json>`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ra2docs.errors import UsageError
from ra2docs.schema import KINDS, schema_text

NAME = "schema"
HELP = "print the JSON Schema of a file kind or of the `export json` document (or --list them)"
EXIT_CODES = ((0, "printed"), (2, "usage error (unknown kind)"))


# documents ra2docs writes (not YAML kinds): their schema files ship in ra2docs/schemas/
DOCUMENTS = {"model-export": "the document `ra2docs export json` writes"}
SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kind", nargs="?", help=f"one of: {', '.join([*KINDS, *DOCUMENTS])}")
    parser.add_argument("--list", action="store_true", help="list the kinds and where their schemas are")


def run(args: argparse.Namespace) -> int:
    if args.list or not args.kind:
        for kind, spec in KINDS.items():
            sys.stdout.write(f"{kind:13} {SCHEMAS / (kind + '.schema.json')}  {spec.doc}\n")
        for kind, doc in DOCUMENTS.items():
            sys.stdout.write(f"{kind:13} {SCHEMAS / (kind + '.schema.json')}  {doc}\n")
        return 0
    if args.kind in DOCUMENTS:
        sys.stdout.write((SCHEMAS / f"{args.kind}.schema.json").read_text(encoding="utf-8"))
        return 0
    if args.kind not in KINDS:
        raise UsageError(f"unknown kind {args.kind!r}; use one of: {', '.join([*KINDS, *DOCUMENTS])}")
    sys.stdout.write(schema_text(args.kind))
    return 0
