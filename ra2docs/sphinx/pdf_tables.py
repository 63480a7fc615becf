"""Tables laid out for the PDF: column widths from what the columns hold, and places to break long words.

rinohtype sizes a table's columns from their content only roughly unless the table says its widths
(docutils' ``colwidths-given``), and it cannot break a word that has no space: on the full site a
narrow column holding an ID (``RM:infra.hw.cpu.cfg.001``), a file location or an upstream citation printed
one syllable a line, and about 280 words overflowed their cells ("item too long to fit on line"). Here
every generated table gets widths in proportion to its columns' text (each at least as wide as its longest
word, up to a cap), and a long word gets zero-width spaces after its dots, slashes, colons and the like,
where rinohtype may break the line and which a reader does not see.
"""

from __future__ import annotations

import re

from docutils import nodes

UNITS = 105  # about the characters of a table line across the page at the table font (8 pt, `pdf.TABLE_STYLE`)
LONGEST = 16  # a word longer than this is broken at its punctuation rather than widening its column ...
LONGEST_LITERAL = 30  # ... except a literal's (an ID's, in monospace), which is not broken (see below)
PAD = 3  # a cell's padding, in characters
MONO = 1.35  # a character of an inline literal (the IDs, TeX Gyre Cursor) against an average one of the body font
MATRIX_STUB = 0.25  # share of a matrix's width for its row headers; its components share the rest
ZWSP = "\N{ZERO WIDTH SPACE}"
_BREAK_AFTER = re.compile(r"(?<=[./:_@,;=&?#-])(?=[^\s./:_@,;=&?#-])")


def breakable(word: str) -> str:
    """`word` with a zero-width space after each punctuation mark inside it (nothing else changes)."""
    return _BREAK_AFTER.sub(ZWSP, word)


def _scale(text: nodes.Text, entry: nodes.Element) -> float:
    node = text.parent
    while node is not None and node is not entry:
        if isinstance(node, nodes.literal):
            return MONO
        node = node.parent
    return 1.0


def _entries(group: nodes.tgroup) -> list[list[nodes.entry]] | None:
    """Each row's cells, or None when a cell spans columns (no column to measure)."""
    rows = []
    for row in group.findall(nodes.row):
        entries = [e for e in row.children if isinstance(e, nodes.entry)]
        if any(e.get("morecols") for e in entries):
            return None
        rows.append(entries)
    return rows


def measure(entry: nodes.entry) -> tuple[float, float]:
    """A cell's longest word (capped: `LONGEST`, `LONGEST_LITERAL`) and its whole text, in average
    characters of the body font."""
    longest = total = 0.0
    for text in entry.findall(nodes.Text):
        scale = _scale(text, entry)
        cap = LONGEST if scale == 1.0 else LONGEST_LITERAL
        longest = max([longest, *(min(len(w) * scale, cap) for w in str(text).split())])
        total += len(text) * scale
    return longest, total


def content_widths(cells: list[list[tuple[float, float]]], columns: int) -> list[int]:
    """Widths (in `UNITS`) of `columns` columns of cells measured as (longest word, text): each column
    first gets its longest word and padding, then what is left goes to the columns whose cells hold more
    text than that, in proportion."""
    longest, mean = [0.0] * columns, [0.0] * columns
    for i in range(columns):
        column = [r[i] for r in cells if i < len(r)]
        longest[i] = max((w for w, _ in column), default=1.0) + PAD
        mean[i] = sum(t for _, t in column) / max(1, len(column))
    # a quarter of its minimum too, so that no column is left at its bare minimum
    extra = [max(0.0, m - w) + w / 4 for m, w in zip(mean, longest, strict=True)]
    left = max(0.0, UNITS - sum(longest))
    share = sum(extra) or 1.0
    return [max(1, round(w + left * e / share)) for w, e in zip(longest, extra, strict=True)]


def _broken_where_too_long(value: str, room: float) -> str:
    """`value` with break opportunities in each word longer than `room` characters."""
    return re.sub(r"\S+", lambda m: breakable(m.group()) if len(m.group()) > room else m.group(), value)


def _break_long_words(rows: list[list[nodes.entry]], widths: list[int]) -> None:
    """Break opportunities in the words wider than their column (only those: rinohtype lays out text with
    many zero-width spaces markedly slower)."""
    for row in rows:
        for entry, width in zip(row, widths, strict=False):
            for text in list(entry.findall(nodes.Text)):
                scale, parent = _scale(text, entry), text.parent
                broken = _broken_where_too_long(str(text), (width - PAD) / scale)
                if broken == str(text) or parent is None:
                    continue
                if scale == 1.0:
                    parent.replace(text, nodes.Text(broken))
                elif isinstance(parent, nodes.literal) and len(parent.children) == 1 and parent.parent is not None:
                    # rinohtype hangs on zero-width spaces in or between literals (the shipped traceability's
                    # RM IDs): a literal too long for its column is printed in the body font, breakable
                    parent.parent.replace(parent, nodes.inline("", broken, classes=list(parent["classes"])))


def _matrix_widths(stubs: int, columns: int) -> list[int]:
    data = columns - stubs
    if not data:
        return [UNITS // max(1, stubs)] * columns
    stub = round(UNITS * MATRIX_STUB / max(1, stubs))
    return [stub] * stubs + [max(1, round(UNITS * (1 - MATRIX_STUB) / data))] * data


def lay_out(table: nodes.table, matrix: bool) -> None:
    """Give `table` print widths (rinohtype's ``colwidths-given``) and break opportunities in the words
    wider than their column."""
    group = next(iter(table.findall(nodes.tgroup)), None)
    if group is None:
        return
    specs = [s for s in group.children if isinstance(s, nodes.colspec)]
    rows = _entries(group)
    if not specs or rows is None:
        return
    if matrix:
        widths = _matrix_widths(sum(1 for s in specs if s.get("stub")), len(specs))
    else:
        widths = content_widths([[measure(e) for e in row] for row in rows], len(specs))
    _break_long_words(rows, widths)
    for spec, width in zip(specs, widths, strict=True):
        spec["colwidth"] = width
    if "colwidths-given" not in table["classes"]:
        table["classes"].append("colwidths-given")
