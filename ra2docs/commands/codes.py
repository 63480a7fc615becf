"""List the catalogue of finding codes with their default severity and what to do about each."""

from __future__ import annotations

import argparse
import json
import sys

from ra2docs.errors import CATALOGUE, CHECK_CODES, IMPORT_CODES
from ra2docs.report import catalogue_text

NAME = "codes"
HELP = "list every finding code (check and import), its default severity and what to do about it"
EXIT_CODES = ((0, "listed"), (2, "usage error"))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="text for people, json for machines (default: text)")


def run(args: argparse.Namespace) -> int:
    if args.format == "json":
        doc = [{"code": c.code, "severity": str(c.severity), "summary": c.summary, "hint": c.hint,
                "section": c.command, "waivable": c.waivable} for c in CATALOGUE.values()]
        sys.stdout.write(json.dumps(doc, indent=2) + "\n")
    else:
        sys.stdout.write("findings of `ra2docs check` (and the site build):\n\n")
        sys.stdout.write(catalogue_text(CHECK_CODES))
        sys.stdout.write("\nproblems of `ra2docs import` (in an answered workbook, at FILE:Sheet!Cell):\n\n")
        sys.stdout.write(catalogue_text(IMPORT_CODES))
    return 0
