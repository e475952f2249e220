"""The schedule worklist in Chromium: where signing in lands, a day's visits in worklist
order with the step each calls for, the filters, and a tablet's width."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.browser.axe import assert_no_serious_axe_violations
from tests.browser.conftest import shot
from tests.support.builders import VALID_NPIS, new_practice
from tests.support.schedule_data import DAY, seed_a_mixed_day
from tests.support.web import PASSWORD, new_user

expect = pytest.importorskip("playwright.sync_api").expect
pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).parents[2] / "docs" / "screenshots"


@pytest.fixture
def practice(app):
    practice_id, key = new_practice(app)
    new_user(app, practice_id, role="front_desk", email="desk@clinic.example")
    return {"id": practice_id, "key": key, "people": seed_a_mixed_day(app, key)}


def sign_in(page):
    page.goto("/app/")
    page.get_by_label("Email").fill("desk@clinic.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def day_rows(page, day=DAY):
    return page.locator(f"section.day[aria-labelledby='day-{day}'] tbody tr")


def test_signing_in_lands_on_the_schedule(page, practice):
    sign_in(page)
    page.wait_for_url(re.compile(r"/app/schedule$"))
    expect(page.get_by_role("heading", name="Schedule", exact=True)).to_be_visible()
    counts = page.get_by_role("list", name="Visits by verdict")
    assert re.sub(r"\s+", " ", counts.inner_text()).split() == [
        "✕", "Not", "covered", "1", "!", "At", "risk", "1", "✓", "Covered", "2"]


def test_a_day_lists_not_covered_then_at_risk_then_covered_with_the_step_each_needs(
        page, practice, request):
    sign_in(page)
    page.wait_for_url(re.compile(r"/app/schedule$"))
    rows = day_rows(page)
    people = practice["people"]
    expected = [("not_covered", "add_auth", people["not_covered"]["person"]),
                ("at_risk", "check", people["at_risk"]["person"]),
                ("covered", "open", people["covered"]["person"])]
    assert rows.count() == 3
    for n, (verdict, action, person) in enumerate(expected):
        row = rows.nth(n)
        assert row.get_attribute("data-verdict") == verdict
        assert row.get_attribute("data-action") == action
        assert f"{person.first_name} {person.last_name}" in row.inner_text()
    assert "An authorization is required for 90837" in rows.nth(0).inner_text()
    expect(rows.nth(0).get_by_role("link", name=re.compile("^Add an authorization"))) \
        .to_be_visible()
    assert "never been verified" in rows.nth(1).inner_text()
    expect(rows.nth(1).get_by_role("button", name=re.compile("^Run a check"))).to_be_visible()
    expect(rows.nth(2).get_by_role("link", name=re.compile("^Open the client"))) \
        .to_be_visible()
    path = shot(page, request, "schedule")
    if request.node.callspec.params.get("backend_url") == "sqlite":
        shutil.copy(path, SCREENSHOTS / "schedule.png")

    # The step is the real one: the check runs and its benefits card opens.
    rows.nth(1).get_by_role("button", name=re.compile("^Run a check")).click()
    page.wait_for_url(re.compile(r"/app/checks/[0-9a-f-]{36}$"))
    page.go_back()
    day_rows(page).nth(0).get_by_role("link", name=re.compile("^Add an authorization")).click()
    expect(page.get_by_label("Authorization number")).to_be_visible()


def test_the_filters_narrow_the_list_and_stay_in_the_address(page, practice):
    sign_in(page)
    page.wait_for_url(re.compile(r"/app/schedule$"))
    page.get_by_label("Verdict", exact=True).select_option("at_risk")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"verdict=at_risk"))
    assert [r.get_attribute("data-verdict") for r in day_rows(page).all()] == ["at_risk"]

    page.get_by_label("Verdict", exact=True).select_option("")
    page.get_by_label("Needs action only").check()
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"needs_action=1"))
    assert [r.get_attribute("data-verdict") for r in day_rows(page).all()] == [
        "not_covered", "at_risk"]
    assert day_rows(page, "2026-11-05").count() == 0

    page.get_by_label("Needs action only").uncheck()
    page.get_by_label("Provider", exact=True).select_option(VALID_NPIS[2])
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(rf"provider={VALID_NPIS[2]}"))
    assert day_rows(page).count() == 0
    assert day_rows(page, "2026-11-05").count() == 1

    page.get_by_label("Provider", exact=True).select_option("")
    page.get_by_label("Days", exact=True).select_option("today")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"range=today"))
    assert page.locator("section.day").count() == 1
    assert "No visits" in page.locator("section.day").inner_text()


def test_the_filters_work_with_the_keyboard_alone(page, practice):
    sign_in(page)
    page.wait_for_url(re.compile(r"/app/schedule$"))
    page.get_by_label("Verdict", exact=True).focus()
    page.keyboard.press("ArrowDown")  # Any verdict -> Not covered
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "needs_action"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Show"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"  # the focus is visible
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"verdict=not_covered"))
    assert [r.get_attribute("data-verdict") for r in day_rows(page).all()] == ["not_covered"]


def test_a_tablet_shows_the_schedule_without_scrolling_sideways(browser, server, practice):
    context = browser.new_context(base_url=server, viewport={"width": 768, "height": 1024})
    tablet = context.new_page()
    try:
        sign_in(tablet)
        tablet.wait_for_url(re.compile(r"/app/schedule$"))
        assert day_rows(tablet).count() == 3
        assert tablet.evaluate("document.documentElement.scrollWidth") <= 768
        assert_no_serious_axe_violations(tablet)
    finally:
        context.close()
