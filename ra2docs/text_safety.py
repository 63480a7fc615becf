r"""Text from YAML files on its way to people and machines: look-alike characters named, controls escaped.

- `non_ascii(text)` finds the first character of an ID outside printable ASCII and names it
  (`U+0430 CYRILLIC SMALL LETTER A`): a Cyrillic `а` or a fullwidth `１` looks like the ASCII one and
  makes a different ID. ID patterns are matched with ASCII semantics (`\d` is 0-9), so such an ID fails
  its spec's pattern, and the finding names the character; `invisible(text)` finds the characters no ID
  may hold under any pattern (controls, format characters, non-ASCII spaces).
- `escape_controls(text)` writes control characters (newlines, ESC, DEL, C1 controls) and the invisible
  bidirectional-override characters as visible escapes (`\n`, `\x1b`, `\u202e`), so YAML text can
  neither start a new line in a report (forging a `::error file=...` annotation line in CI) nor send
  terminal escape sequences.
"""

from __future__ import annotations

import re
import unicodedata

_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def char_name(ch: str) -> str:
    """`U+0430 CYRILLIC SMALL LETTER A`; control characters, which have no name, by code point alone."""
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X} {name}" if name else f"U+{ord(ch):04X} (a control character)"


def non_ascii(text: str) -> tuple[int, str] | None:
    """(0-based index, description) of the first character outside printable ASCII (space to ~)."""
    for i, ch in enumerate(text):
        if not (" " <= ch <= "~"):
            return i, char_name(ch)
    return None


def invisible(text: str) -> tuple[int, str] | None:
    """(0-based index, description) of the first control, format or non-ASCII space character: characters
    an ID must never hold, whatever its spec's pattern allows, because they cannot be seen or typed."""
    for i, ch in enumerate(text):
        if ch != " " and unicodedata.category(ch)[0] in "CZ":
            return i, char_name(ch)
    return None


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    if ch in _NAMED:
        return _NAMED[ch]
    return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"


def escape_controls(text: str) -> str:
    """`text` with each control or bidi-override character written as a visible escape."""
    return _UNSAFE.sub(_escape, text) if _UNSAFE.search(text) else text


def look_alike_note(word: str) -> str:
    """For a reference holding a character outside printable ASCII: a note naming it, else ''."""
    found = non_ascii(word)
    if found is None:
        return ""
    return f"; note: {escape_controls(repr(word))} holds {found[1]} at position {found[0] + 1}, not an ASCII character"
