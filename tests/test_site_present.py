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


def test_upstream_section_citations_are_links_not_rst(shipped: Build) -> None:
    """Upstream cells cite sections with RST `:ref:`; the site shows each as the section, linked (issue 9 item 2)."""
    pages = list(Path(shipped.app.outdir).rglob("*.html"))
    assert sum(p.read_text(encoding="utf-8").count(":ref:`") for p in pages) == 0
    link = ('<a class="reference external" href="https://cntt.readthedocs.io/projects/ra2/en/latest/chapters/'
            'chapter02.html#kubernetes-architecture-requirements"><span class="ra2-section-ref">RA2 §2.4 Kubernetes '
            "Architecture Requirements</span></a>")
    assert shipped.html("ra2/kubernetes").count(link) > 10  # ch.4's trace cells: "gen.cnt.03 in RA2:2.4"
    assert "RA2 §5.4 Securing the Kubernetes Orchestrator" in shipped.html("rm-uncited")


def test_gaps_and_other_declared_links_show_on_requirements(shipped: Build) -> None:
    page = shipped.html("rm")
    block = page[page.index('id="ra2-req-e-man-004"'):]
    block = block[:block.index('class="ra2-requirement', 10)]
    assert "Gaps" in block and "RA2 §7.1.3 Multitenancy and Workload Isolation with Kubernetes" in block
    assert "#multitenancy-and-workload-isolation-with-kubernetes" in block  # linked to the published section
    assert "Same as" in shipped.html("rm-uncited")  # the pre-2020 security IDs and the RM's current ones
