"""The timeline in a browser: no WCAG violations, wide or narrow, in Swedish and English, and readable on a
320 pixel wide screen without scrolling sideways."""

import pytest

from tests.browser.test_accessibility import assert_no_violations_wide_and_narrow, axe  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = ["/tidslinje/", "/en/tidslinje/?status=ongoing&sort=-start"]


@pytest.mark.parametrize("path", PAGES)
def test_the_timeline_has_no_wcag_violations(live_server, catalogue, page, axe, path):  # noqa: F811
    response = page.goto(live_server.url + path)
    assert response.status == 200
    assert page.locator(".timeline-chart a").count() >= 5
    assert_no_violations_wide_and_narrow(page, axe)


# Every box on the chart a reader must read: the bars' labels and the years shown.
TEXT_BOXES = """() => {
  const chart = document.querySelector(".timeline-chart").getBoundingClientRect();
  const shown = [...document.querySelectorAll(".timeline-chart .label, .timeline-chart .year")]
    .filter((text) => getComputedStyle(text).display !== "none");
  return {
    chart: [chart.left, chart.right],
    texts: shown.map((text) => {
      const box = text.getBoundingClientRect();
      return {
        kind: text.classList.contains("year") ? "year" : "label",
        left: box.left, right: box.right, top: box.top,
        size: parseFloat(getComputedStyle(text).fontSize),
      };
    }),
  };
}"""


@pytest.mark.parametrize("width", [320, 1280])
def test_the_timeline_is_readable_at_any_width(live_server, catalogue, page, width):
    """Nothing scrolls sideways; every label and year stays on the chart at its size, and no two years overlap."""
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + "/tidslinje/")
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    found = page.evaluate(TEXT_BOXES)
    left, right = found["chart"]
    labels = [text for text in found["texts"] if text["kind"] == "label"]
    years = sorted((text for text in found["texts"] if text["kind"] == "year"), key=lambda text: text["left"])
    assert len(labels) == 15 and len(years) >= 2 * 3
    for text in found["texts"]:
        assert left <= text["left"] and text["right"] <= right + 0.5, text
        assert text["size"] >= (15 if text["kind"] == "label" else 13)
    top_row = [text for text in years if text["top"] == years[0]["top"]]
    for before, after in zip(top_row, top_row[1:], strict=False):
        assert before["right"] < after["left"]
