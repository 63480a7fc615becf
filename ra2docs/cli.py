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
import os
import sys
from collections.abc import Sequence
from functools import cache
from types import ModuleType

from ra2docs import __version__

TYPE_CHECKING = False  # `typing` is not imported at run time: start-up is part of every command's cost
if TYPE_CHECKING:
    from typing import Any

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
    "ra2docs.commands.init",
    "ra2docs.commands.serve",
)

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
DEFAULT_EXIT_CODES = ((EXIT_OK, "success"), (EXIT_USAGE, "usage error or input that cannot be read or used"))
DESCRIPTION = ("Requirements traceability and documentation for cloud-infrastructure specifications. "
               "YAML under requirements/ and mappings/ is the source of truth.")


def command_name(module_path: str) -> str:
    """The command a module provides, from its name: `import_needs` -> `import-needs`."""
    return module_path.rsplit(".", 1)[-1].rstrip("_").replace("_", "-")


def commands(only: str | None = None) -> list[ModuleType]:
    """The command modules; with `only`, just that command's (imports are the start-up cost)."""
    return [importlib.import_module(path) for path in COMMAND_MODULES if only in (None, command_name(path))]


@cache
def constants(module_path: str) -> dict[str, Any]:
    """A module's docstring (`__doc__`) and literal top-level constants, read from its source, not imported.

    `ra2docs --help` lists every command's HELP this way without importing what the commands need;
    a module whose constants are not literals is imported instead.
    """
    import ast
    from contextlib import suppress
    from importlib.util import find_spec

    spec = find_spec(module_path)
    if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
        return vars(importlib.import_module(module_path))
    with open(spec.origin, "rb") as fh:
        tree = ast.parse(fh.read(), spec.origin)
    found: dict[str, Any] = {"__doc__": ast.get_docstring(tree, clean=False), "__name__": module_path}
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and target.id.isupper():
                    # a value that is no literal is never needed before the module is imported
                    with suppress(ValueError, TypeError, SyntaxError):
                        found[target.id] = ast.literal_eval(node.value)
    if not isinstance(found.get("HELP"), str):
        return vars(importlib.import_module(module_path))
    return found


def exit_codes_epilog(module: ModuleType | dict[str, Any]) -> str:
    values = module if isinstance(module, dict) else vars(module)
    codes = values.get("EXIT_CODES", DEFAULT_EXIT_CODES)
    return "exit codes:\n" + "\n".join(f"  {code}  {what}" for code, what in codes)


def _description(values: dict[str, Any]) -> str | None:
    return values.get("DESCRIPTION") or values.get("__doc__")


def _sub_name(values: dict[str, Any]) -> str:
    return str(values.get("FORMAT") or values["NAME"])


class Parser(argparse.ArgumentParser):
    """argparse, with "did you mean" for a mistyped command, format or option."""

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        choices = action.choices
        if choices is not None and value not in choices:
            from difflib import get_close_matches

            names = [str(c) for c in choices]
            close = get_close_matches(str(value), names, n=1, cutoff=0.6)
            if close:
                raise argparse.ArgumentError(action, f"invalid choice: {value!r}; did you mean {close[0]!r}? "
                                                     f"(choose from {', '.join(names)})")
        super()._check_value(action, value)

    def error(self, message: str) -> Any:  # argparse's signature: never returns
        prefix = "unrecognized arguments: "
        if message.startswith(prefix):
            from difflib import get_close_matches

            options = [o for o in self._option_string_actions if o.startswith("--")]
            hints = []
            for word in message[len(prefix):].split():
                option = word.split("=", 1)[0]
                close = get_close_matches(option, options, n=1, cutoff=0.6) if option.startswith("-") else []
                if close:
                    hints.append(f"{option}: did you mean {close[0]}?")
            message = "; ".join([message, *hints])
        super().error(message)


def _chooser(prog: str, description: str | None, choices: dict[str, dict[str, Any]], metavar: str,
             epilog: str) -> Parser:
    """The parser that lists the (sub)commands: for help and for errors about the command's name."""
    parser = Parser(prog=prog, description=description, epilog=epilog,
                    formatter_class=argparse.RawDescriptionHelpFormatter)
    if prog == "ra2docs":
        parser.add_argument("--version", action="version", version=f"ra2docs {__version__}")
    sub = parser.add_subparsers(dest="_choice", metavar=metavar, required=True)
    for name, values in choices.items():
        sub.add_parser(name, help=values["HELP"], add_help=False)
    return parser


def _reject_options_only(chooser: Parser, argv: list[str], metavar: str) -> None:
    """Options and no command (`ra2docs --verison`): name the options it does not know, with a "did you mean",
    where argparse would only say the command is missing. --help and --version exit here as usual."""
    for action in chooser._actions:
        if isinstance(action, argparse._SubParsersAction):
            action.required = False  # so that parsing reaches the unknown options
    _, unknown = chooser.parse_known_args(argv)
    if unknown:
        chooser.error(f"unrecognized arguments: {' '.join(unknown)}")
    chooser.error(f"the following arguments are required: {metavar}")


def _parse(prog: str, paths: dict[str, str], metavar: str, values: dict[str, Any],
           argv: list[str]) -> argparse.Namespace:
    """Pick the (sub)command named first in `argv` (module paths by name), then parse the rest with its parser."""
    at = next((i for i, a in enumerate(argv) if not a.startswith("-")), None)
    if at != 0 or argv[0] not in paths:
        chooser = _chooser(prog, _description(values), {n: constants(p) for n, p in paths.items()}, metavar,
                           exit_codes_epilog(values))
        if not argv:  # `ra2docs` alone, `ra2docs export` alone: what there is to choose from
            chooser.print_help()
            raise SystemExit(EXIT_OK)
        if at is None:
            _reject_options_only(chooser, argv, metavar)
        chooser.parse_args(argv)  # help, --version, or an error naming the valid choices: exits
        chooser.error(f"expected {metavar} first")  # options before it that parse_args accepted
    name, rest = argv[0], argv[1:]
    full = f"{prog} {name}"
    sub_values = constants(paths[name])
    subcommands = sub_values.get("SUBCOMMANDS")
    if subcommands:
        subs = {_sub_name(constants(p)): p for p in subcommands}
        return _parse(full, subs, sub_values.get("METAVAR", "SUBCOMMAND"), sub_values, rest)
    module = importlib.import_module(paths[name])
    parser = Parser(prog=full, description=_description(vars(module)),
                    formatter_class=argparse.RawDescriptionHelpFormatter)
    module.add_arguments(parser)  # may set an epilog of its own (import: the problem codes)
    parser.epilog = "\n\n".join(filter(None, (parser.epilog, exit_codes_epilog(module))))
    args = parser.parse_intermixed_args(rest)
    args.run, args.command = module.run, full.removeprefix("ra2docs ")
    return args


def _top() -> dict[str, Any]:
    return {"DESCRIPTION": DESCRIPTION, "EXIT_CODES": EXIT_CODES}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The top-level parser (it lists the commands); each command's own parser is built when it runs."""
    return _chooser("ra2docs", DESCRIPTION, {command_name(p): constants(p) for p in COMMAND_MODULES
                                             if only in (None, command_name(p))}, "COMMAND", exit_codes_epilog(_top()))


EXIT_CODES = ((EXIT_OK, "clean"), (EXIT_FINDINGS, "findings at or above the threshold (check, diff --exit-code)"),
              (EXIT_USAGE, "usage error or input that cannot be read or used"))


def _quiet_stdout() -> None:
    """The reader of stdout left (`ra2docs codes | head`): send what is still buffered nowhere, silently."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv == ["--version"]:  # answered before any command's help is read
        print(f"ra2docs {__version__}")
        return EXIT_OK
    try:
        args = _parse("ra2docs", {command_name(p): p for p in COMMAND_MODULES}, "COMMAND", _top(), argv)
    except BrokenPipeError:  # help piped into `head`
        _quiet_stdout()
        return EXIT_OK
    # imported only now, when a command runs: `--help` and `--version` never load the library
    from ra2docs.errors import UsageError
    try:
        if "root" in vars(args) and args.root is None:
            from ra2docs.commands.common import find_root
            args.root = find_root()
        if getattr(args, "output", None):
            from ra2docs.commands.common import check_output
            check_output(args.output, getattr(args, "force", False), getattr(args, "protect_sources", True))
        code = int(args.run(args))
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's shutdown
        return code
    except UsageError as exc:
        print(f"ra2docs {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        _quiet_stdout()
        return EXIT_OK
    except OSError as exc:  # reading or writing failed after the checks: one line, never a traceback
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"ra2docs {args.command}: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


def entry() -> None:
    """The process entry point (console script, `python -m ra2docs`): `main`, then a quick exit.

    Exit handlers run and output is flushed as at a normal exit, but the interpreter does not then free a
    loaded project object by object (about 1 s CPU at N = 5,000 requirements, for nothing).
    """
    code = main()
    import atexit
    import contextlib
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a reader that left (`| head`): the rest goes nowhere
            stream.flush()
    os._exit(code)


if __name__ == "__main__":
    entry()
