"""The shipped site as its readers get it, checked in the built HTML (no browser needed): every ID
mentioned is a link to its definition, requirements are in the general index and in their page's
contents, and the home page's charts link every bar segment to the requirements behind it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.dead_ids import dead_mentions
from tests.sphinx_helpers import Build, build


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Build:
    result = build(REPO / "source", tmp_path_factory.mktemp("shipped"), confdir=REPO, html_theme="furo")
    assert result.warnings == "", result.warnings
    return result


def test_no_id_is_mentioned_without_a_link(shipped: Build) -> None:
    dead = dead_mentions(Path(shipped.app.outdir), REPO)
    assert not dead, f"{sum(dead.values())} dead ID mentions, e.g. {dead.most_common(5)}"


def test_requirements_are_in_the_general_index_and_the_local_contents(shipped: Build) -> None:
    index = shipped.html("genindex")
    assert index.count("#ra2-req-") > 500, "requirements missing from the general index"
    page = shipped.html("ra2/networking")
    toc = page[page.index('class="toc-tree"'):]
    toc = toc[:toc.index("</nav>") if "</nav>" in toc else len(toc)]
    assert "#ra2-req-ra2-ntw-001" in toc and "#ra2-req-ra2-ntw-003" in toc


def test_requirement_blocks_show_coverage_and_support(shipped: Build) -> None:
    page = shipped.html("ra2/networking")
    block = page[page.index('id="ra2-req-ra2-ntw-001"'):]
    block = block[:block.index("</section>")]
    assert "Coverage" in block and "ra2-status" in block
    rm = shipped.html("rm")
    assert "Supported by" in rm and 'class="ra2-support"' in rm


def test_every_chart_segment_links_to_its_requirements(shipped: Build) -> None:
    home = shipped.html("index")
    assert home.count('<svg class="ra2-chart"') >= 2
    hrefs = re.findall(r'<a href="#(ra2-dash-[^"]+)"><rect', home)
    assert len(hrefs) > 10
    ids = set(re.findall(r'id="(ra2-dash-[^"]+)"', home))
    assert not [h for h in hrefs if h not in ids], "a bar links to no list"
    assert "Legend:" in home
