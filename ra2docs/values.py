"""Values beside levels: "at least 16", ">= 16 GB", "1:1", "Y" as typed values (`model.Value`)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from ra2docs.model import Requirement, Value

_WORDS = {"at least": ">=", "minimum": ">=", "min": ">=", "at most": "<=", "maximum": "<=", "max": "<=",
          "more than": ">", "less than": "<", "exactly": "="}
_QUANTITY = re.compile(r"^(?P<cmp>>=|<=|=|>|<|≥|≤)?\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>[^\d\s].*)?$")
_RATIO = re.compile(r"^\d+(?:\.\d+)?\s*:\s*\d+(?:\.\d+)?$")
_FLAGS = {"y": True, "yes": True, "true": True, "n": False, "no": False, "false": False}


def parse(text: str) -> Value:
    """The typed value a written cell states; text when it is neither quantity, ratio nor flag."""
    written = text.strip()
    lowered = written.lower()
    if lowered in _FLAGS:
        return Value("flag", written)
    if _RATIO.match(written):
        return Value("ratio", written)
    body, comparator = written, ""
    for word, cmp in _WORDS.items():
        if lowered.startswith(word + " "):
            body, comparator = written[len(word):].strip(), cmp
            break
    m = _QUANTITY.match(body)
    if m:
        cmp = {"≥": ">=", "≤": "<="}.get(m["cmp"] or "", m["cmp"] or "")
        unit = (m["unit"] or "").strip()
        return Value("quantity", written, float(m["num"]), comparator or cmp or "=", unit)
    return Value("text", written)


def from_yaml(raw: object) -> Value | None:
    """A value as the loader checked it: a string, or a mapping naming its type."""
    if raw is None:
        return None
    if isinstance(raw, str):
        return parse(raw) if raw.strip() else None
    assert isinstance(raw, Mapping)
    if "quantity" in raw:
        cmp, unit = raw.get("comparator", "="), raw.get("unit", "")
        text = " ".join(p for p in (cmp if cmp != "=" else "", str(raw["quantity"]), unit) if p)
        try:
            number = float(raw["quantity"])
        except ValueError:
            return Value("text", text)
        return Value("quantity", text, number, cmp, unit)
    if "ratio" in raw:
        return Value("ratio", str(raw["ratio"]))
    if "flag" in raw:
        return Value("flag", "Y" if raw["flag"] else "N")
    return Value("text", str(raw.get("text", "")))


def level_text(req: Requirement, profile: str | None = None) -> str:
    """The level (of `profile`, when given) with the value stated beside it: "must, At least 16"."""
    level, value = req.level_in(profile), req.value_in(profile)
    return ", ".join(p for p in (level, str(value) if value else "") if p)


def profile_cells(req: Requirement, colon: bool = False) -> list[str]:
    """Each profile as shown: its name, with its level where it differs from the requirement's and the
    value stated beside it: "basic", "high-performance (must, At least 16)" on the site, or with `colon`
    (the workbook) "high-performance: must, At least 16"."""
    out = []
    for profile, level in req.profiles.items():
        value = req.values.get(profile)
        parts = ", ".join(p for p in (level if level != req.level else "", str(value) if value else "") if p)
        if not parts:
            out.append(profile)
        else:
            out.append(f"{profile}: {parts}" if colon else f"{profile} ({parts})")
    return out
