"""The report pages staff share, opened in a real browser: offline, readable, accessible."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from abitare.reports.registry import REPORTS, validate_parameters
from abitare.reports.runner import plan, run_batch
from tests.ui.conftest import serious_violations

pytestmark = pytest.mark.browser

RUNS = {
    "profilo-inquilinato": {"comune": "Ambito"},
    "morosita": {"comune": "San Giuliano Milanese"},
    "monitoraggio-progetto": {"comune": "Ambito"},
    "valutazione-corso": {},
}


@pytest.fixture(scope="module")
def report_pages(tmp_path_factory, small_data):
    out = tmp_path_factory.mktemp("rapporti")
    jobs = []
    for name, params in RUNS.items():
        spec = REPORTS[name]
        jobs += plan(spec, validate_parameters(spec, {**params, "dati": str(small_data)}), False)
    results = run_batch(jobs, out, workers=2)
    assert all(r.ok for r in results), [r.error for r in results]
    return out, {r.job.spec_name: r.html for r in results}


def open_offline(page: Page, url: str) -> list[str]:
    """Open ``url`` refusing every request that is not to a local file; return the refused ones."""
    refused: list[str] = []

    def route(request_route):
        if request_route.request.url.startswith("file://"):
            request_route.continue_()
        else:
            refused.append(request_route.request.url)
            request_route.abort()

    page.route("**/*", route)
    page.goto(url)
    return refused


@pytest.mark.parametrize("name", sorted(RUNS))
def test_a_report_page_works_offline_and_is_accessible(page: Page, report_pages, name):
    _, pages = report_pages
    refused = open_offline(page, pages[name].as_uri())
    assert refused == []
    assert page.locator("h1").first.inner_text().startswith(REPORTS[name].title)
    assert page.locator("table caption").count() >= 2, "tables are captioned"
    images = page.locator("img")
    for i in range(images.count()):
        assert images.nth(i).evaluate("img => img.complete && img.naturalWidth > 0"), "embedded charts render"
        assert images.nth(i).get_attribute("alt"), "every chart has a text alternative"
    assert page.locator("pre, .jp-InputArea, .input").count() == 0, "no code"
    assert serious_violations(page) == []


def test_the_index_links_every_page(page: Page, report_pages):
    out, pages = report_pages
    open_offline(page, (out / "indice.html").as_uri())
    for html in pages.values():
        link = page.locator(f"a[href='{html.name}']")
        assert link.count() == 1
    page.locator(f"a[href='{pages['morosita'].name}']").click()
    assert "Monitoraggio della morosità" in page.locator("h1").first.inner_text()
    assert serious_violations(page) == []
