"""List the catalogue of finding codes with their default severity and what to do about each."""

from __future__ import annotations

import argparse
import json
import sys

from ra2docs.errors import CATALOGUE
from ra2docs.report import catalogue_text
from ra2docs.xlsx.answers import IMPORT_CODES

NAME = "codes"
HELP = "list every finding code (check and import), its default severity and what to do about it"
EXIT_CODES = ((0, "listed"), (2, "usage error"))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="text for people, json for machines (default: text)")


def run(args: argparse.Namespace) -> int:
    if args.format == "json":
        doc = [{"code": c.code, "severity": str(c.severity), "summary": c.summary, "hint": c.hint,
                "section": "check"} for c in CATALOGUE.values()]
        doc += [{"code": code, "severity": None, "summary": what, "hint": "", "section": "import"}
                for code, what in IMPORT_CODES.items()]
        sys.stdout.write(json.dumps(doc, indent=2) + "\n")
    else:
        sys.stdout.write("findings of `ra2docs check` (and the site build):\n\n")
        sys.stdout.write(catalogue_text())
        sys.stdout.write("\nproblems of `ra2docs import` (in an answered workbook; error or warning as reported):\n\n")
        sys.stdout.write("".join(f"{code:28} {what}\n" for code, what in IMPORT_CODES.items()))
    return 0
