"""Checked `testcases` and `results` records -> model objects (called by the loader's builder)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ra2docs.errors import Location
from ra2docs.model import Source
from ra2docs.verification_model import Outcome, ResultSet, TestCase

SourceOf = Callable[[object], Source | None]


def _loc(rec: Mapping[str, Any]) -> Location:
    return getattr(rec, "loc")  # noqa: B009  (a load.Rec: the mapping's own position)


def testcases(r: Mapping[str, Any], source_of: SourceOf) -> list[TestCase]:
    file_source = source_of(r.get("source"))
    suite, tool = r.get("suite", ""), r.get("tool", "")
    out = []
    for t in r["testcases"]:
        out.append(TestCase(
            id=t["id"], title=t["title"], description=t.get("description", ""), suite=t.get("suite", suite),
            tool=t.get("tool", tool), criteria=t.get("criteria", ""), priority=t.get("priority", ""),
            tags=tuple(t.get("tags", ())), verifies=tuple(t.get("verifies", ())),
            verifies_sections=tuple(t.get("verifies_sections", ())), junit=tuple(t.get("junit", ())),
            source=source_of(t.get("source")) or file_source, location=_loc(t),
            field_locations=dict(getattr(t, "locs", {}))))
    return out


def results(r: Mapping[str, Any]) -> ResultSet:
    outcomes = tuple(Outcome(
        test=o["test"], outcome=o["outcome"], duration=float(o.get("duration", "0") or 0),
        cases=int(o.get("cases", "1") or 1), message=o.get("message", ""), location=_loc(o))
        for o in r["results"])
    return ResultSet(stack=r["stack"], outcomes=outcomes, run_at=r.get("run_at", ""),
                     imported_from=r.get("imported_from", ""), imported_at=r.get("imported_at", ""),
                     location=_loc(r))
