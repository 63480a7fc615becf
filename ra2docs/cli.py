"""The `ra2docs` command line: a thin layer that parses arguments and calls the library.

Each command lives in its own module under `ra2docs.commands` and provides NAME, HELP, EXIT_CODES,
`add_arguments(parser)` and `run(args) -> int`; a command with subcommands of its own (`export FORMAT`)
provides SUBCOMMANDS (module paths) instead of `add_arguments`, and each of those modules provides
FORMAT, HELP, EXIT_CODES, `add_arguments(parser)` and `run(args)`. The module docstring is the help
description unless the module sets DESCRIPTION.

Parsing: the command (and subcommand) is picked from the arguments first, then the command's own parser
reads the rest with `parse_intermixed_args`, so options and positionals may come in any order
(`ra2docs import --vendor X answers.xlsx ROOT`). Exit codes: 0 clean, 1 findings at or above the
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
    "ra2docs.commands.import_results",
)

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
DEFAULT_EXIT_CODES = ((EXIT_OK, "success"), (EXIT_USAGE, "usage error or input that cannot be read or used"))
DESCRIPTION = ("Requirements traceability and documentation for cloud-infrastructure specifications. "
               "YAML under requirements/ and mappings/ is the source of truth.")


class UsageError(Exception):
    """Bad arguments or unreadable input: printed as one line, exit code 2."""


def command_name(module_path: str) -> str:
    """The command a module provides, from its name: `import_needs` -> `import-needs`."""
    return module_path.rsplit(".", 1)[-1].rstrip("_").replace("_", "-")


def commands(only: str | None = None) -> list[ModuleType]:
    """The command modules; with `only`, just that command's (imports are the start-up cost)."""
    return [importlib.import_module(path) for path in COMMAND_MODULES if only in (None, command_name(path))]


def exit_codes_epilog(module: ModuleType) -> str:
    codes = getattr(module, "EXIT_CODES", DEFAULT_EXIT_CODES)
    return "exit codes:\n" + "\n".join(f"  {code}  {what}" for code, what in codes)


def _description(module: ModuleType) -> str | None:
    return getattr(module, "DESCRIPTION", None) or module.__doc__


def _sub_name(module: ModuleType) -> str:
    return str(getattr(module, "FORMAT", None) or module.NAME)


def _chooser(prog: str, description: str | None, choices: dict[str, ModuleType], metavar: str,
             epilog: str) -> argparse.ArgumentParser:
    """The parser that lists the (sub)commands: for help and for errors about the command's name."""
    parser = argparse.ArgumentParser(prog=prog, description=description, epilog=epilog,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    if prog == "ra2docs":
        parser.add_argument("--version", action="version", version=f"ra2docs {__version__}")
    sub = parser.add_subparsers(dest="_choice", metavar=metavar, required=True)
    for name, module in choices.items():
        sub.add_parser(name, help=module.HELP, add_help=False)
    return parser


def _parse(prog: str, choices: dict[str, ModuleType], metavar: str, description: str | None, epilog: str,
           argv: list[str]) -> argparse.Namespace:
    chooser = _chooser(prog, description, choices, metavar, epilog)
    at = next((i for i, a in enumerate(argv) if not a.startswith("-")), None)
    if at is None or at > 0 or argv[at] not in choices:
        chooser.parse_args(argv)  # help, --version, or an error naming the valid choices: exits
        chooser.error(f"expected {metavar} first")  # options before it that parse_args accepted
    name, rest = argv[0], argv[1:]
    module = choices[name]
    full = f"{prog} {name}"
    subcommands = getattr(module, "SUBCOMMANDS", None)
    if subcommands:
        subs = {_sub_name(m): m for m in map(importlib.import_module, subcommands)}
        args = _parse(full, subs, getattr(module, "METAVAR", "SUBCOMMAND"), _description(module),
                      exit_codes_epilog(module), rest)
        return args
    parser = argparse.ArgumentParser(prog=full, description=_description(module),
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    module.add_arguments(parser)  # may set an epilog of its own (import: the problem codes)
    parser.epilog = "\n\n".join(filter(None, (parser.epilog, exit_codes_epilog(module))))
    args = parser.parse_intermixed_args(rest)
    args.run, args.command = module.run, full.removeprefix("ra2docs ")
    return args


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The top-level parser (it lists the commands); each command's own parser is built when it runs."""
    return _chooser("ra2docs", DESCRIPTION, {m.NAME: m for m in commands(only)}, "COMMAND",
                    exit_codes_epilog(sys.modules[__name__]))


EXIT_CODES = ((EXIT_OK, "clean"), (EXIT_FINDINGS, "findings at or above the threshold (check, diff --exit-code)"),
              (EXIT_USAGE, "usage error or input that cannot be read or used"))


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    first = next((a for a in argv if not a.startswith("-")), None)
    names = {command_name(p) for p in COMMAND_MODULES}
    modules = commands(first if first in names else None)
    args = _parse("ra2docs", {m.NAME: m for m in modules}, "COMMAND", DESCRIPTION,
                  exit_codes_epilog(sys.modules[__name__]), argv)
    try:
        if "root" in vars(args) and args.root is None:
            from ra2docs.commands.common import find_root
            args.root = find_root()
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
