"""Benefit periods over HTTP: visit limits that start again, plans that renew, ends that block."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.support.builders import bearer, create_coverage, create_patient, new_practice
from tests.support.people import PEOPLE


def checked_coverage(app: Flask, client: FlaskClient, member_id: str) -> dict[str, Any]:
    """A practice and a coverage the sandbox payer answers as `member_id`, checked today
    (2026-11-02 by the tests' clock)."""
    _, key = new_practice(app)
    patient = create_patient(client, key, PEOPLE[4])
    coverage = create_coverage(client, key, patient["id"], PEOPLE[4], member_id=member_id)
    checked = client.post("/v1/eligibility-checks", json={"coverage_id": coverage["id"]},
                          headers=bearer(key))
    assert checked.status_code == 201 and checked.json["status"] == "active", checked.json
    return {"key": key, "coverage_id": coverage["id"], "summary": checked.json["summary"]}


def forecast(client: FlaskClient, coverage: dict[str, Any], first_date: str,
             count: int) -> dict[str, Any]:
    response = client.post("/v1/visits/forecast", headers=bearer(coverage["key"]), json={
        "coverage_id": coverage["coverage_id"], "code": "90837", "minutes": 55,
        "first_date": first_date, "every_days": 7, "count": count})
    assert response.status_code == 200, response.json
    return dict(response.json)


def by_date(result: dict[str, Any]) -> dict[str, tuple[str, list[str]]]:
    return {v["date"]: (v["status"], [r["code"] for r in v["reasons"]])
            for v in result["visits"]}


def test_a_forecast_across_1_january_counts_january_against_a_fresh_calendar_year_limit(
        app, client):
    # Given 20 visits per calendar year, 8 left in 2026, and a plan year from July to June
    coverage = checked_coverage(app, client, "ZZT0000023")
    assert coverage["summary"]["visit_limit"] == {"total": "20", "remaining": "8",
                                                  "period": "Calendar Year"}
    # When a weekly series runs from the day after the check into January
    result = forecast(client, coverage, "2026-11-03", 13)
    seen = by_date(result)
    # Then the ninth visit of 2026 finds the year's visits used up
    assert seen["2026-12-22"] == ("at_risk", ["VISIT_LIMIT_LOW"])
    assert seen["2026-12-29"] == ("not_covered", ["VISIT_LIMIT_REACHED"])
    assert result["first_uncovered"] == "2026-12-29"
    # And January's visits count against a fresh 20, with a warning to re-verify
    january = [v for v in result["visits"] if v["date"].startswith("2027-01")]
    assert [v["date"] for v in january] == ["2027-01-05", "2027-01-12", "2027-01-19",
                                            "2027-01-26"]
    for n, visit in enumerate(january):
        assert visit["status"] == "at_risk"
        (limit,) = visit["reasons"]
        assert limit["code"] == "VISIT_LIMIT_UNVERIFIED"
        assert limit["data"] == {"limit": 20, "remaining": 19 - n, "period": "Calendar Year",
                                 "period_start": "2027-01-01"}
        assert "on or after 2027-01-01" in limit["message"]


def test_a_forecast_across_a_31_december_plan_end_is_at_risk_until_the_renewal_is_checked(
        app, client):
    # Given a plan year ending on 31 December (DTP 347) and no eligibility end
    coverage = checked_coverage(app, client, "ZZT0000001")
    assert coverage["summary"]["plan"]["end"] == "2026-12-31"
    assert coverage["summary"]["plan"]["eligibility_end"] is None
    result = forecast(client, coverage, "2026-12-21", 4)
    assert by_date(result) == {
        "2026-12-21": ("covered", []), "2026-12-28": ("covered", []),
        "2027-01-04": ("at_risk", ["PLAN_RENEWAL_UNVERIFIED"]),
        "2027-01-11": ("at_risk", ["PLAN_RENEWAL_UNVERIFIED"])}
    assert result["first_uncovered"] is None
    renewal = result["visits"][2]["reasons"][0]
    assert renewal["data"] == {"plan_end": "2026-12-31", "renews": "2027-01-01",
                               "visit_date": "2027-01-04"}
    assert "re-check eligibility on or after 2027-01-01" in renewal["message"]
    # And a booking gets the same verdict as the forecast
    booked = client.post("/v1/visits", headers=bearer(coverage["key"]), json={
        "coverage_id": coverage["coverage_id"], "code": "90837", "minutes": 55,
        "date": "2027-01-04"})
    assert booked.status_code == 201, booked.json
    assert booked.json["verdict"]["status"] == "at_risk"
    # And its estimate no longer leans on last year's deductible
    checked = client.post("/v1/visits/check", headers=bearer(coverage["key"]), json={
        "coverage_id": coverage["coverage_id"], "code": "90837", "minutes": 55,
        "date": "2027-01-11"})
    assert checked.json["status"] == "at_risk"
    assert any("new plan year" in a for a in checked.json["estimate"]["assumptions"])


def test_a_calendar_year_limit_in_a_plan_ending_31_december_warns_twice_and_never_blocks(
        app, client):
    coverage = checked_coverage(app, client, "ZZT0000002")
    seen = by_date(forecast(client, coverage, "2026-12-28", 2))
    assert seen["2026-12-28"] == ("covered", [])
    assert seen["2027-01-04"] == ("at_risk", ["PLAN_RENEWAL_UNVERIFIED",
                                              "VISIT_LIMIT_UNVERIFIED"])


@pytest.mark.parametrize("path", ["/v1/visits/forecast", "/v1/visits/check"])
def test_an_eligibility_end_before_the_visit_still_blocks(app, client, path):
    # Given the member's eligibility ends on 31 December (DTP 357)
    coverage = checked_coverage(app, client, "ZZT0000357")
    assert coverage["summary"]["plan"]["eligibility_end"] == "2026-12-31"
    if path.endswith("forecast"):
        result = forecast(client, coverage, "2026-12-28", 2)
        assert by_date(result) == {
            "2026-12-28": ("covered", []),
            "2027-01-04": ("not_covered", ["COVERAGE_ENDS_BEFORE_VISIT"])}
        assert result["first_uncovered"] == "2027-01-04"
    else:
        response = client.post(path, headers=bearer(coverage["key"]), json={
            "coverage_id": coverage["coverage_id"], "code": "90837", "minutes": 55,
            "date": "2027-01-04"})
        assert response.status_code == 200, response.json
        assert response.json["status"] == "not_covered"
        (ends,) = response.json["reasons"]
        assert ends["data"] == {"ends": "2026-12-31", "visit_date": "2027-01-04"}
