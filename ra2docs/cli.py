"""The `ra2docs` command line: a thin layer that parses arguments and calls the library.

Each command lives in its own module under `ra2docs.commands` and provides NAME, HELP,
`add_arguments(parser)` and `run(args) -> int`. Exit codes: 0 clean, 1 findings at or above the
threshold, 2 usage error or unreadable input.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType

from ra2docs import __version__

COMMAND_MODULES = (
    "ra2docs.commands.check",
    "ra2docs.commands.codes",
    "ra2docs.commands.export",
    "ra2docs.commands.diff",
    "ra2docs.commands.import_needs",
    "ra2docs.commands.schema",
    "ra2docs.commands.import_",
    "ra2docs.commands.compare",
)

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad arguments or unreadable input: printed as one line, exit code 2."""


def commands() -> list[ModuleType]:
    return [importlib.import_module(name) for name in COMMAND_MODULES]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ra2docs",
        description="Requirements traceability and documentation for cloud-infrastructure specifications. "
                    "YAML under requirements/ and mappings/ is the source of truth.",
        epilog="Exit codes: 0 clean, 1 findings at or above the threshold, 2 usage error or unreadable input.")
    parser.add_argument("--version", action="version", version=f"ra2docs {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in commands():
        cmd = sub.add_parser(module.NAME, help=module.HELP, description=module.__doc__,
                             formatter_class=argparse.RawDescriptionHelpFormatter)
        module.add_arguments(cmd)
        cmd.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except UsageError as exc:
        print(f"ra2docs {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
