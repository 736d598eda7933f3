"""axe-core's WCAG 2.1 A and AA rules report no violations on any public page, wide or narrow."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.public_pages import public_addresses

pytestmark = pytest.mark.django_db(transaction=True)

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = [1280, 320]
PAGES = {
    "start": "/",
    "list": "/projekt/",
    "filtered-list": "/projekt/?fund=amif&partner=unhcr&partner=easo&partner_mode=all&year_from=2016",
    "invalid-filter": "/projekt/?year_from=abc&partner=nope",
    "empty-result": "/projekt/?q=zzzzzz",
    "detail": "/projekt/twinning-kosovo/",
    "partner": "/partner/unhcr/",
    "fund": "/fond/amif/",
    "statement": "/tillganglighet/",
    "not-found": "/projekt/finns-inte/",
    "english-list": "/en/projekt/",
    "api-documentation": "/api/",
}


@pytest.fixture(scope="module")
def axe():
    return Axe()


def assert_no_violations_wide_and_narrow(page, axe):
    """axe on the page as it is, at 1280 px and again at 320 px."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        assert results.violations_count == 0, f"at {width} px:\n{results.generate_report()}"


@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_wcag_violations(live_server, catalogue, page, axe, name):
    response = page.goto(live_server.url + PAGES[name])
    assert response.status == (404 if name == "not-found" else 200)
    assert_no_violations_wide_and_narrow(page, axe)


def test_feedback_thanks_has_no_wcag_violations(live_server, catalogue, page, axe):
    page.goto(live_server.url + "/projekt/pp7/")
    page.locator("#feedback button[value='no']").click()
    page.wait_for_url("**feedback=*")
    assert_no_violations_wide_and_narrow(page, axe)


def test_no_public_page_scrolls_sideways_at_320_pixels(live_server, catalogue, page):
    """Every page, the 15 projects' included, in both languages: long words break instead."""
    page.set_viewport_size({"width": 320, "height": 900})
    addresses = public_addresses()
    assert len(addresses) > 60
    for path in addresses:
        page.goto(live_server.url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, path


def test_stacked_tables_keep_their_column_labels(live_server, catalogue, page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/projekt/eu-frank/")
    cells = page.locator("#participants + table tbody tr").first.locator("td")
    labels = [cell.evaluate("cell => getComputedStyle(cell, '::before').content") for cell in cells.all()]
    assert labels[0] == '"Roll: "'
    assert page.locator("#participants + table thead").evaluate("head => head.getBoundingClientRect().height") <= 1
    page.set_viewport_size({"width": 1280, "height": 900})
    assert cells.first.evaluate("cell => getComputedStyle(cell, '::before').content") == "none"


def test_the_check_catches_a_violation(live_server, catalogue, page, axe):
    """The axe run can fail: an image without a text alternative is reported."""
    page.goto(live_server.url + "/")
    page.evaluate("document.querySelector('main').append(document.createElement('img'))")
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert results.violations_count >= 1
