"""The schedule worklist's page over the test client: the stored verdicts in worklist order,
bad filters answered beside their field, the read audited; an unknown /app address."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from service.db.models import AuditEvent
from service.pages.schedule import action_for
from tests.support.builders import new_practice
from tests.support.schedule_data import seed_a_mixed_day
from tests.support.web import signed_in_client


@pytest.fixture
def desk(app):
    practice_id, key = new_practice(app)
    people = seed_a_mixed_day(app, key)
    return {"client": signed_in_client(app, practice_id), "people": people,
            "practice_id": practice_id, "app": app}


def rows(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<tr data-verdict="(\w+)" data-action="(\w+)">', html)


def test_a_day_shows_its_stored_verdicts_not_covered_first_and_counts_them(desk):
    page = desk["client"].get("/app/schedule")
    assert page.status_code == 200
    assert rows(page.text) == [("not_covered", "add_auth"), ("at_risk", "check"),
                               ("covered", "open"), ("covered", "open")]
    counts = re.findall(r'data-verdict="(\w+)">.*?<span class="num">(\d+)</span>', page.text,
                        flags=re.S)
    assert counts == [("not_covered", "1"), ("at_risk", "1"), ("covered", "2")]
    assert "Monday 2026-11-02 · today" in page.text


def test_the_range_decides_the_days_shown(desk):
    tomorrow = desk["client"].get("/app/schedule?range=tomorrow").text
    assert re.findall(r'<h2 id="day-([\d-]+)"', tomorrow) == ["2026-11-03"]
    fortnight = desk["client"].get("/app/schedule?range=14d").text
    days = re.findall(r'<h2 id="day-([\d-]+)"', fortnight)
    assert len(days) == 14 and days[0] == "2026-11-02" and days[-1] == "2026-11-15"


@pytest.mark.parametrize("query, field", [
    ("range=month", "range"), ("verdict=fine", "verdict"), ("provider=12", "provider")])
def test_a_bad_filter_is_named_beside_its_field(desk, query, field):
    page = desk["client"].get(f"/app/schedule?{query}")
    assert page.status_code == 422
    assert f'id="{field}-error"' in page.text
    assert len(rows(page.text)) == 4  # the default list, unfiltered, below it


def test_reading_the_schedule_is_audited_visit_by_visit(desk):
    desk["client"].get("/app/schedule")
    wiring = desk["app"].extensions["coverwatch"]
    with wiring.uow() as work:
        read = set(work.session.scalars(select(AuditEvent.resource_id).where(
            AuditEvent.practice_id == desk["practice_id"], AuditEvent.action == "read",
            AuditEvent.resource_type == "visit")))
    assert read == {p["visit"]["id"] for p in desk["people"].values()}


@pytest.mark.parametrize("code, action", [
    ("ELIGIBILITY_CHECK_FAILED", "check"), ("AUTH_EXHAUSTED", "renew_auth"),
    ("AUTH_NOT_APPROVED", "add_auth"), ("MH_BENEFITS_NOT_REPORTED", "phone"),
    ("VISIT_LIMIT_REACHED", "open")])
def test_the_first_reason_decides_the_step(code, action):
    assert action_for("at_risk", [{"code": code}, {"code": "AUTH_REQUIRED"}]) == action


def test_an_unknown_app_address_is_the_apps_not_found_page_and_the_api_keeps_json(client):
    page = client.get("/app/no-such-page/at-all")
    assert page.status_code == 404 and page.content_type.startswith("text/html")
    assert "<h1>Not found</h1>" in page.text and 'class="skip"' in page.text
    api = client.get("/v1/no-such-thing")
    assert api.status_code == 404 and api.json["code"] == 404
