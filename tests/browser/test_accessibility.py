"""axe-core over every page of the web app in Chromium: no serious or critical violation.
A new page joins by adding its address to PAGES (or calling the helper in its own test)."""

from __future__ import annotations

import re

import pytest

from tests.browser.axe import assert_no_serious_axe_violations
from tests.support.builders import new_practice
from tests.support.schedule_data import seed_a_mixed_day
from tests.support.web import PASSWORD, new_user

pytestmark = pytest.mark.browser

# Each page as the front desk opens it: {patient}, {coverage} and {check} are the seeded
# client's; {auth} an authorization of theirs.
PAGES = (
    "/app/schedule", "/app/schedule?range=14d&needs_action=1", "/app/", "/app/intake",
    "/app/clients/{patient}", "/app/checks/{check}",
    "/app/coverages/{coverage}/authorizations/new", "/app/authorizations/{auth}/edit",
    "/app/coverages/{coverage}/phone-verifications/new", "/app/checks/{check}/sheet",
    "/app/checks/{check}/sheet?member_id=1", "/app/checks/{check}/vob",
    "/app/alerts", "/app/dashboard", "/app/users", "/app/no-such-page",
)


@pytest.fixture
def seeded(app):
    practice_id, key = new_practice(app)
    new_user(app, practice_id, role="admin", email="manager@clinic.example")
    people = seed_a_mixed_day(app, key)
    api = app.test_client()
    client = people["not_covered"]
    headers = {"Authorization": f"Bearer {key}"}
    checks = api.get(f"/v1/coverages/{client['coverage']['id']}/eligibility-checks",
                     headers=headers).json
    auth = api.post("/v1/authorizations", headers=headers, json={
        "coverage_id": client["coverage"]["id"], "number": "AUTH-7", "quantity": 2,
        "start_date": "2026-10-01", "end_date": "2026-11-20", "codes": ["90837"]})
    assert auth.status_code == 201, auth.json
    return {"patient": client["patient"]["id"], "coverage": client["coverage"]["id"],
            "check": checks["items"][0]["id"], "auth": auth.json["id"]}


def test_every_page_has_no_serious_or_critical_axe_violation(page, seeded):
    page.goto("/app/login")
    assert_no_serious_axe_violations(page)
    page.get_by_label("Email").fill("manager@clinic.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/app/schedule$"))
    failures = []
    for path in PAGES:
        page.goto(path.format(**seeded))
        try:
            assert_no_serious_axe_violations(page)
        except AssertionError as error:
            failures.append(str(error))
    page.goto("/app/")
    page.get_by_role("searchbox").fill("a")
    page.get_by_role("button", name="Search").click()  # the results, a POST's page
    page.wait_for_url(re.compile(r"/app/clients/search$"))
    try:
        assert_no_serious_axe_violations(page)
    except AssertionError as error:
        failures.append(str(error))
    assert failures == []
