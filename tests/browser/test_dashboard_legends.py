"""The dashboard's chart legends in Chromium: each entry's key box sits on its words, the
entries line up in rows under the chart's left edge, at a desktop's width and a tablet's."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_front_desk import seed_a_month_of_checks, sign_in
from tests.support.builders import new_practice
from tests.support.web import new_user

pytestmark = pytest.mark.browser


def box(locator):
    found = locator.bounding_box()
    assert found is not None
    return found


def middle(b):
    return b["y"] + b["height"] / 2


def assert_legend_lines_up(panel):
    chart, legend = box(panel.locator("svg.chart")), box(panel.locator("ul.legend"))
    entries = panel.locator("ul.legend > li")
    assert entries.count() == 4
    assert legend["y"] >= chart["y"] + chart["height"] - 0.5  # below the chart
    assert legend["x"] + legend["width"] <= box(panel)["x"] + box(panel)["width"]
    rows: dict[int, list[dict[str, float]]] = {}
    for n in range(entries.count()):
        entry = entries.nth(n)
        key, words, whole = (box(entry.locator(".key")), box(entry.locator("span").last),
                             box(entry))
        assert abs(middle(key) - middle(words)) <= 1.5  # the box sits on its words
        assert key["x"] + key["width"] <= words["x"]  # and before them, on the same line
        assert words["height"] < 2 * key["height"] + 4  # the words do not wrap
        rows.setdefault(round(whole["y"]), []).append(whole)
    for row in rows.values():
        assert len({round(middle(b)) for b in row}) == 1  # one line per row
        assert abs(min(b["x"] for b in row) - chart["x"]) <= 1  # under the chart's edge


@pytest.mark.parametrize("width", [1200, 768])
def test_the_checks_chart_legend_lines_up_with_its_chart(browser, server, app, clock, width):
    practice_id, key = new_practice(app)
    new_user(app, practice_id, role="admin", email="desk@clinic.example")
    seed_a_month_of_checks(app, key, clock)
    context = browser.new_context(base_url=server, viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        sign_in(page)
        page.wait_for_url(re.compile(r"/app/schedule$"))
        page.goto("/app/dashboard")
        assert_legend_lines_up(page.locator("section[aria-labelledby='checks-title']"))
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        context.close()
