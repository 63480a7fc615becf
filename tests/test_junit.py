"""The JUnit reader and the name matching, on small reports made in the test."""

from __future__ import annotations

import io

import pytest

from ra2docs.junit import JUnitError, Report, cases
from ra2docs.results import Matcher, collect, diff
from ra2docs.verification_model import Outcome, TestCase


def _read(xml: str, limit: int = 1 << 20) -> tuple[list, Report]:
    report = Report()
    return list(cases(io.BytesIO(xml.encode()), report, limit)), report


def test_nested_suites_status_attributes_and_outcome_children() -> None:
    got, report = _read(
        '<testsuites timestamp="2026-01-01T00:00:00"><testsuite name="a"><testsuite name="b">'
        '<testcase name="t1" classname="c" time="1.5"/>'
        '<testcase name="t2" status="skipped"/>'
        '<testcase name="t3"><error message="boom"/></testcase>'
        '<testcase name="t4" time="-3"><failure>line one\n   line two</failure></testcase>'
        "</testsuite></testsuite></testsuites>")
    assert [(c.name, c.outcome, c.seconds, c.message) for c in got] == [
        ("t1", "passed", 1.5, ""), ("t2", "skipped", 0.0, ""), ("t3", "error", 0.0, "boom"),
        ("t4", "failed", 0.0, "line one line two")]  # a negative time is no time; messages on one line
    assert (report.suites, report.cases, report.timestamp) == (2, 4, "2026-01-01T00:00:00")
    assert got[0].keys == ("t1", "c.t1", "c::t1")


@pytest.mark.parametrize(("xml", "words"), [
    ("<html/>", "the root element is <html>"),
    ("<testsuites/>", "holds no <testsuite>"),
    ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><testsuite/>', "declares a DTD or entities"),
    ("<testsuite><testcase name='x'></testsuite>", "not well-formed XML at line 1"),
])
def test_what_is_no_junit_report_is_refused(xml: str, words: str) -> None:
    with pytest.raises(JUnitError, match=words):
        _read(xml)


def test_a_stream_longer_than_the_limit_is_refused_while_reading() -> None:
    xml = "<testsuite>" + "<testcase name='x'/>" * 10_000 + "</testsuite>"
    with pytest.raises(JUnitError, match="larger than the 50000 byte limit"):
        _read(xml, limit=50_000)


def test_patterns_are_literal_but_for_the_star_and_match_the_forms_they_can() -> None:
    tests = [TestCase("t.net", "net", junit=("*[sig-network]*",)), TestCase("t.mod", "mod", junit=("pkg.mod.*",)),
             TestCase("t.col", "col", junit=("pkg.mod::test_a*",)), TestCase("t.id", "by id"),
             TestCase("t.q", "literal ?", junit=("a?b",))]
    m = Matcher(tests)
    from ra2docs.junit import JUnitCase

    def hits(name: str, classname: str = "") -> list[str]:
        return m.match(JUnitCase(name, classname, "passed", 0.0))

    assert hits("[It] [sig-network] Services work", "e2e") == ["t.net"]
    assert hits("[It] [sig-networkx] Services", "e2e") == []  # [ is no character class
    assert hits("test_a1", "pkg.mod") == ["t.mod", "t.col"]
    assert hits("t.id") == ["t.id"] and hits("a?b") == ["t.q"] and hits("axb") == []


def test_worst_outcome_wins_and_skipped_only_when_all_were_skipped() -> None:
    from ra2docs.junit import JUnitCase

    tc = [TestCase("t", "t", junit=("x*",))]
    runs = [JUnitCase("x1", "", "skipped", 1.0, "skip"), JUnitCase("x2", "", "passed", 2.0),
            JUnitCase("x3", "", "failed", 0.5, "bad")]
    (only,) = collect(runs, tc).outcomes
    assert (only.outcome, only.cases, only.duration, only.message) == ("failed", 3, 3.5, "bad")
    (skip,) = collect(runs[:1], tc).outcomes
    assert skip.outcome == "skipped"
    changes = diff([Outcome("t", "passed"), Outcome("u", "failed")], [Outcome("t", "error"), Outcome("v", "passed")])
    assert [(c.test, c.kind) for c in changes] == [("t", "newly failing"), ("v", "added"), ("u", "removed")]
