"""Which requirements a workbook holds, and the checksum that ties an answered workbook to them.

The selection is stored in the workbook's metadata; on import it is applied again to the current tree,
so a changed spec (or tampered metadata) shows as a checksum mismatch.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import overload

from ra2docs import model
from ra2docs.graph import SpecGraph
from ra2docs.values import level_text, profile_cells


class SelectionError(ValueError):
    """A selection that cannot be applied (e.g. a bad regular expression)."""


@dataclass(frozen=True)
class Selection:
    specs: tuple[str, ...] = ()
    profile: str = ""
    categories: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    ids: tuple[str, ...] = ()
    match: tuple[str, ...] = ()  # globs on ID or title, case-blind
    regex: str = ""  # a regular expression searched in ID or title

    def to_json(self) -> str:
        doc = {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}
        return json.dumps(doc, sort_keys=True, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Selection:
        """Raises ValueError when the text is not a selection written by `to_json`."""
        doc = json.loads(text)
        if not isinstance(doc, dict):
            raise ValueError("not a JSON object")
        known = {"specs", "profile", "categories", "levels", "ids", "match", "regex"}
        if set(doc) - known:
            raise ValueError(f"unknown keys {sorted(set(doc) - known)}")
        out: dict[str, object] = {}
        for key, value in doc.items():
            if key in ("profile", "regex"):
                if not isinstance(value, str):
                    raise ValueError(f"'{key}' must be text")
                out[key] = value
            else:
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    raise ValueError(f"'{key}' must be a list of text")
                out[key] = tuple(value)
        return cls(**out)  # type: ignore[arg-type]

    def describe(self) -> str:
        parts = [f"{k}={','.join(v) if isinstance(v, tuple) else v}"
                 for k, v in asdict(self).items() if v]
        return "; ".join(parts) or "all requirements"


def select(tree: model.Tree, sel: Selection) -> list[model.Requirement]:
    """The selected requirements in tree order (each ID once: the first definition wins)."""
    try:
        pattern = re.compile(sel.regex) if sel.regex else None
    except re.error as exc:
        raise SelectionError(f"bad regular expression {sel.regex!r}: {exc}") from None
    globs = [fnmatch.translate(g.lower()) for g in sel.match]
    glob_re = re.compile("|".join(globs)) if globs else None
    wanted_ids = set(sel.ids)
    # A base spec's registry IDs no requirement restates (the RM's) have no text: nothing for a vendor to
    # answer. An RA's registry rows (RA1 restating RM items at its own levels) are that RA's requirements.
    bases = {base for spec in tree.specs for base in spec.based_on}
    out = []
    for req in tree.requirement_index().values():
        if (req.registered and req.spec in bases) or req.status == "superseded":  # (superseded: upstream replaced it)
            continue
        if sel.specs and req.spec not in sel.specs:
            continue
        if sel.profile and not req.applies_to(sel.profile):
            continue
        if sel.categories and req.category not in sel.categories:
            continue
        if sel.levels and req.level_in(sel.profile or None) not in sel.levels:
            continue
        if wanted_ids and req.id not in wanted_ids and req.key not in wanted_ids:
            continue
        if glob_re and not (glob_re.match(req.id.lower()) or glob_re.match(req.title.lower())):
            continue
        if pattern and not (pattern.search(req.id) or pattern.search(req.title)):
            continue
        out.append(req)
    return out


def profiles_text(req: model.Requirement) -> str:
    if not req.profiles:
        return "all"
    return ", ".join(profile_cells(req, colon=True))


def exported_fields(req: model.Requirement, sg: SpecGraph, profile: str) -> dict[str, str]:
    """The spec-side text of one requirement row, exactly as the workbook shows it."""
    return {
        "id": req.key, "spec": req.spec, "title": req.title, "description": req.description,
        "level": level_text(req, profile or None), "profiles": profiles_text(req), "category": req.category,
        "section": req.section, "traces": ", ".join(sg.traces_of(req.key)),
    }


class ExportedRows(Sequence[dict[str, str]]):
    """The exported requirement rows, made again on each pass instead of kept.

    A workbook's rows are walked twice (the checksum, which the cover sheet shows first, then the sheet
    itself); holding them all would grow the export's memory by their text on top of the model's.
    """

    def __init__(self, reqs: list[model.Requirement], sg: SpecGraph, profile: str) -> None:
        self.requirements = reqs
        self._sg, self._profile = sg, profile

    def __len__(self) -> int:
        return len(self.requirements)

    def __iter__(self) -> Iterator[dict[str, str]]:
        return (exported_fields(r, self._sg, self._profile) for r in self.requirements)

    @overload
    def __getitem__(self, index: int) -> dict[str, str]: ...
    @overload
    def __getitem__(self, index: slice) -> list[dict[str, str]]: ...

    def __getitem__(self, index: int | slice) -> dict[str, str] | list[dict[str, str]]:
        if isinstance(index, slice):
            return [exported_fields(r, self._sg, self._profile) for r in self.requirements[index]]
        return exported_fields(self.requirements[index], self._sg, self._profile)


def checksum(rows: Iterable[dict[str, str]]) -> str:
    """A fingerprint of the exported requirement rows (order included)."""
    digest = hashlib.sha256()
    for row in rows:
        digest.update(json.dumps(row, sort_keys=True, ensure_ascii=False).encode("utf-8"))
        digest.update(b"\n")
    return "sha256:" + digest.hexdigest()
