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


def command_name(module_path: str) -> str:
    """The command a module provides, from its name: `import_needs` -> `import-needs`."""
    return module_path.rsplit(".", 1)[-1].rstrip("_").replace("_", "-")


def commands(only: str | None = None) -> list[ModuleType]:
    """The command modules; with `only`, just that command's (imports are the start-up cost)."""
    return [importlib.import_module(path) for path in COMMAND_MODULES if only in (None, command_name(path))]


def _requested_command(argv: Sequence[str]) -> str | None:
    names = {command_name(p) for p in COMMAND_MODULES}
    first = next((a for a in argv if not a.startswith("-")), None)
    return first if first in names else None


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ra2docs",
        description="Requirements traceability and documentation for cloud-infrastructure specifications. "
                    "YAML under requirements/ and mappings/ is the source of truth.",
        epilog="Exit codes: 0 clean, 1 findings at or above the threshold, 2 usage error or unreadable input.")
    parser.add_argument("--version", action="version", version=f"ra2docs {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in commands(only):
        cmd = sub.add_parser(module.NAME, help=module.HELP, description=module.__doc__,
                             formatter_class=argparse.RawDescriptionHelpFormatter)
        module.add_arguments(cmd)
        cmd.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(_requested_command(argv))
    args = parser.parse_args(argv)
    try:
        if getattr(args, "output", None):
            from ra2docs.commands.common import check_output
            check_output(args.output, getattr(args, "force", False), getattr(args, "protect_sources", True))
        return int(args.run(args))
    except UsageError as exc:
        print(f"ra2docs {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:  # reading or writing failed after the checks: one line, never a traceback
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"ra2docs {args.command}: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
