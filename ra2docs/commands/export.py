"""Export the spec tree to another format: `ra2docs export FORMAT [options] [ROOT]`.

Run `ra2docs export FORMAT --help` for a format's options. Output files are written atomically.
"""

# Each format lives in its own module and provides FORMAT, HELP, EXIT_CODES, `add_arguments(parser)` and
# `run(args) -> int`; register it in SUBCOMMANDS (ra2docs.cli parses the format level).

from __future__ import annotations

NAME = "export"
HELP = "export requirements, matrices and links (xlsx, json, csv, needs-json, reqif)"
METAVAR = "FORMAT"
EXIT_CODES = ((0, "exported"), (2, "usage error, a file of the tree cannot be read, or the output cannot be written"))

SUBCOMMANDS: tuple[str, ...] = (
    "ra2docs.commands.export_xlsx",
    "ra2docs.exports.json_model",
    "ra2docs.exports.csv_export",
    "ra2docs.exports.needs_json",
    "ra2docs.exports.reqif",
)
FORMAT_MODULES = SUBCOMMANDS
