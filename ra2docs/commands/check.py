"""Check a spec tree: load every YAML file, build the graph, run every check, report findings.

Findings print as `file:line:col: severity: message [code]`, followed by a summary line. Waived
findings are not printed unless --show-waived is given; they never fail the run.
"""

from __future__ import annotations

import argparse
import sys
import time

from ra2docs import term
from ra2docs.commands.common import add_output_argument, add_root_argument, load_project
from ra2docs.errors import INPUT_CODES, Severity
from ra2docs.report import FORMATS, render, summary

NAME = "check"
HELP = "validate the spec tree and report findings (exit 1 on findings at or above --fail-on)"
EXIT_CODES = ((0, "no open finding at or above --fail-on"), (1, "open findings at or above --fail-on"),
              (2, "usage error, a ROOT that cannot be used, or input that could not be read (a folder of the "
                  "tree that cannot be listed, no requirements file)"))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_root_argument(parser)
    parser.add_argument("--format", choices=FORMATS, default="text",
                        help="text for people; json, junit (JUnit XML) or github (annotations) for machines")
    parser.add_argument("--fail-on", choices=("error", "warning", "info", "never"), default="error",
                        help="exit 1 when an open finding at or above this severity exists (default: error)")
    parser.add_argument("--show-waived", action="store_true", help="also print waived findings (text format)")
    parser.add_argument("--hints", action="store_true", help="print what to do under each finding (text)")
    parser.add_argument("--profile", action="store_true",
                        help="print the CPU seconds of each stage (load, graph, checks, report) on stderr")
    add_output_argument(parser, "write the report to FILE instead of stdout")


def run(args: argparse.Namespace) -> int:
    project = load_project(args.root, for_people=args.format == "text")
    result = project.result
    threshold = Severity.ERROR if args.fail_on == "never" else Severity.parse(args.fail_on)
    start = time.process_time()
    statuses = project.statuses.values() if args.format == "json" else ()
    extra: dict[str, object] | None = None
    if args.format == "json":  # the verification status of every requirement (ra2docs.verification)
        from ra2docs.verification_export import status_document
        extra = {"verification": status_document(project.graph)}
    text = render(result, args.format, threshold, show_waived=args.show_waived, hints=args.hints,
                  statuses=statuses, extra=extra)
    if args.profile:
        stages = {**project.stages, "report": time.process_time() - start}
        total = sum(stages.values()) or 1.0
        sys.stderr.write("profile (CPU seconds): " + ", ".join(
            f"{name} {seconds:.2f} ({seconds / total:.0%})" for name, seconds in stages.items()) + "\n")
    if args.output:
        from ra2docs.fileio import write_text_atomic  # only -o writes a file: not imported by every check

        write_text_atomic(args.output, text)
        sys.stderr.write(f"{summary(result)}; report written to {args.output}\n")
    else:
        if args.format == "text" and term.colour_enabled(sys.stdout):
            text = term.colour_findings(text)
        sys.stdout.write(text)
    if any(f.code in INPUT_CODES for f in result.findings):
        return 2  # the tree itself could not be read: no verdict on it, whatever --fail-on says
    if args.fail_on == "never":
        return 0
    return 1 if result.at_or_above(threshold) else 0
