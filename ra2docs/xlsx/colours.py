"""Colours of answers and support levels, and the conditional-formatting rules that apply them.

Rules compare a cell's text with a label held in a formula string literal (quotes doubled), so no text
from the spec ever becomes part of a formula's code.
"""

from __future__ import annotations

from openpyxl.formatting.rule import Rule
from openpyxl.styles import Font, PatternFill
from openpyxl.styles.differential import DifferentialStyle

from ra2docs import model
from ra2docs.contrast import ink as ink  # re-exported: the workbooks take every colour from here
from ra2docs.responses import ANSWER_COLOURS as ANSWER_COLOURS


def level_colour(level: model.Level) -> str:
    if level.colour:
        return level.colour.lstrip("#").upper()
    if level.covers:
        return "C6EFCE"
    return "E0E0E0" if level.placeholder else "FFFFFF"


def _literal(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _rule(formula: str, colour: str) -> Rule:
    style = DifferentialStyle(fill=PatternFill(bgColor=colour), font=Font(color=ink(colour)))
    rule = Rule(type="expression", dxf=style, stopIfTrue=True)
    rule.formula = [formula]
    return rule


def equals_rule(first_cell: str, label: str, colour: str) -> Rule:
    """Colour cells whose (trimmed) text is `label`; `first_cell` is the range's top-left cell."""
    return _rule(f"TRIM({first_cell})={_literal(label)}", colour)


def begins_rule(first_cell: str, label: str, colour: str) -> Rule:
    """Colour cells whose text starts with `label` (matrix cells may add a note after the level)."""
    return _rule(f"LEFT({first_cell},{len(label)})={_literal(label)}", colour)
