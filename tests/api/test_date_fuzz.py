"""Every endpoint that takes a date, fuzzed with extreme dates: no 5xx, 422s outside windows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.domain.dates import AUTHORIZATION_DATE, FORECAST_DATE, SERVICE_DATE, VISIT_DATE
from tests.support.builders import bearer, create_coverage, create_patient, new_practice
from tests.support.people import PEOPLE

TODAY = date(2026, 11, 2)  # the tests' clock
EXTREMES = [date.min, date.max, date(9999, 12, 20), date(1900, 1, 1), date(1899, 12, 31),
            date(2025, 12, 31), date(2026, 1, 1), date(2026, 12, 31), date(2027, 1, 1),
            date(2027, 12, 31), date(2028, 1, 1), date(2024, 2, 29), date(2028, 2, 29)]
# The first and last dates each window accepts, and the days just outside them.
EDGES = [d for w in (SERVICE_DATE, VISIT_DATE, AUTHORIZATION_DATE)
         for first, last in [w.bounds(TODAY)]
         for d in (first, last, date.fromordinal(first.toordinal() - 1),
                   date.fromordinal(last.toordinal() + 1))]
DATES = st.one_of(st.sampled_from(EXTREMES + EDGES), st.dates())
# Dates no calendar has, and text that only looks like a date.
NOT_DATES = st.sampled_from(["10000-01-01", "2026-02-30", "0000-00-00", "2026-13-01",
                             "-2026-01-01", "2026-1-1", "", "9999-12-31T00:00:00"])
FUZZ = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


@pytest.fixture
def ledger(app: Flask, client: FlaskClient) -> dict[str, Any]:
    _, key = new_practice(app)
    patient = create_patient(client, key, PEOPLE[3])
    coverage = create_coverage(client, key, patient["id"], PEOPLE[3])
    auth = client.post("/v1/authorizations", headers=bearer(key), json={
        "coverage_id": coverage["id"], "number": "FUZZ-1", "quantity": 10,
        "start_date": "2026-11-01", "end_date": "2026-12-31"})
    assert auth.status_code == 201, auth.json
    return {"key": key, "coverage": coverage["id"], "patient": patient["id"],
            "auth": auth.json["id"]}


def _no_5xx(response: Any) -> None:
    assert response.status_code < 500, response.get_data(as_text=True)


def _judged(response: Any, field: str, value: date, window: Any) -> None:
    """Outside the window: a 422 whose errors name `field` with the window's sentence;
    inside it, whatever else the answer is (an end before its start), never that sentence."""
    _no_5xx(response)
    problem = window.problem(value, today=TODAY)
    errors = (response.json or {}).get("errors") or {}
    if problem is not None:
        assert response.status_code == 422, response.json
        assert errors.get(field) == [problem]
    else:
        assert not any(m.startswith(window.what) for m in errors.get(field, [])), errors


def _send(client: FlaskClient, key: str) -> Callable[..., Any]:
    def send(method: str, path: str, **kwargs: Any) -> Any:
        return client.open(path, method=method, headers=bearer(key), **kwargs)
    return send


@FUZZ
@given(day=DATES)
def test_eligibility_service_dates_are_refused_outside_what_payers_answer(client, ledger, day):
    send = _send(client, ledger["key"])
    response = send("POST", "/v1/eligibility-checks", json={
        "coverage_id": ledger["coverage"], "service_date": day.isoformat()})
    _judged(response, "service_date", day, SERVICE_DATE)
    if SERVICE_DATE.problem(day, today=TODAY) is None:
        assert response.status_code in (200, 201, 429), response.json


@FUZZ
@given(day=DATES)
def test_visit_dates_are_refused_outside_the_window_when_booked_or_checked(client, ledger, day):
    send = _send(client, ledger["key"])
    body = {"coverage_id": ledger["coverage"], "code": "90837", "date": day.isoformat()}
    _judged(send("POST", "/v1/visits/check", json=body), "date", day, VISIT_DATE)
    booked = send("POST", "/v1/visits", json={**body, "external_id": "FUZZ-VISIT"})
    _judged(booked, "date", day, VISIT_DATE)
    if VISIT_DATE.problem(day, today=TODAY) is None:
        assert booked.status_code in (200, 201), booked.json


@FUZZ
@given(day=DATES, every=st.integers(min_value=1, max_value=366),
       count=st.integers(min_value=1, max_value=104))
def test_forecasts_never_fail_whatever_their_dates(client, ledger, day, every, count):
    send = _send(client, ledger["key"])
    response = send("POST", "/v1/visits/forecast", json={
        "coverage_id": ledger["coverage"], "code": "90837", "first_date": day.isoformat(),
        "every_days": every, "count": count})
    _judged(response, "first_date", day, FORECAST_DATE)
    if response.status_code == 200:
        last = date.fromisoformat(response.json["visits"][-1]["date"])
        assert len(response.json["visits"]) == count
        assert VISIT_DATE.problem(last, today=TODAY) is None


@FUZZ
@given(start=DATES, end=DATES)
def test_authorization_dates_are_refused_outside_the_window(client, ledger, start, end):
    send = _send(client, ledger["key"])
    created = send("POST", "/v1/authorizations", json={
        "coverage_id": ledger["coverage"], "number": "FUZZ-2", "quantity": 4,
        "start_date": start.isoformat(), "end_date": end.isoformat()})
    _judged(created, "start_date", start, AUTHORIZATION_DATE)
    _judged(created, "end_date", end, AUTHORIZATION_DATE)
    amended = send("PATCH", f"/v1/authorizations/{ledger['auth']}",
                   json={"end_date": end.isoformat()})
    _judged(amended, "end_date", end, AUTHORIZATION_DATE)


@FUZZ
@given(day=DATES)
def test_a_visit_moved_to_any_date_and_a_coverage_ended_on_any_date_never_fail(
        client, ledger, day):
    send = _send(client, ledger["key"])
    booked = send("POST", "/v1/visits", json={
        "coverage_id": ledger["coverage"], "code": "90837", "date": "2026-11-20",
        "external_id": "FUZZ-MOVE"})
    assert booked.status_code in (200, 201), booked.json
    moved = send("PATCH", f"/v1/visits/{booked.json['id']}", json={"date": day.isoformat()})
    _judged(moved, "date", day, VISIT_DATE)
    if VISIT_DATE.problem(day, today=TODAY) is None:
        assert moved.status_code == 200, moved.json
    # Any end date the practice gives is taken as it is (it only compares with visit dates);
    # the coverage is then taken back so the next example starts from an active one.
    ended = send("PATCH", f"/v1/coverages/{ledger['coverage']}",
                 json={"status": "ended", "end_date": day.isoformat()})
    _no_5xx(ended)
    assert ended.status_code == 200, ended.json
    checked = send("POST", "/v1/visits/check", json={
        "coverage_id": ledger["coverage"], "code": "90837", "date": "2026-11-20"})
    assert checked.status_code == 200, checked.json
    ended_before = "COVERAGE_ENDED" in {r["code"] for r in checked.json["reasons"]}
    assert ended_before == (day < date(2026, 11, 20))
    assert send("PATCH", f"/v1/coverages/{ledger['coverage']}",
                json={"status": "active"}).status_code == 200


@FUZZ
@given(start=DATES, end=DATES)
def test_date_ranges_of_lists_and_reports_never_fail(client, ledger, start, end):
    send = _send(client, ledger["key"])
    query = {"from": start.isoformat(), "to": end.isoformat()}
    listed = send("GET", f"/v1/coverages/{ledger['coverage']}/visits", query_string=query)
    _no_5xx(listed)
    assert listed.status_code == 200
    mix = send("GET", "/v1/reports/code-mix", query_string=query)
    _no_5xx(mix)
    assert mix.status_code == 200


@FUZZ
@given(day=DATES)
def test_birth_dates_never_fail(client, ledger, day):
    send = _send(client, ledger["key"])
    response = send("PATCH", f"/v1/patients/{ledger['patient']}",
                    json={"birth_date": day.isoformat()})
    _no_5xx(response)
    refused = day > TODAY or day.year < 1900
    assert response.status_code == (422 if refused else 200), response.json
    # Put the synthetic person back, so the log scan knows the birth date it looks for.
    send("PATCH", f"/v1/patients/{ledger['patient']}",
         json={"birth_date": PEOPLE[3].birth_date})


@FUZZ
@given(text=NOT_DATES)
def test_text_that_is_no_date_is_a_422_naming_the_field(client, ledger, text):
    send = _send(client, ledger["key"])
    cases = [("POST", "/v1/eligibility-checks", {"service_date": text}, "service_date"),
             ("POST", "/v1/visits/check", {"date": text, "code": "90837"}, "date"),
             ("POST", "/v1/visits/forecast", {"first_date": text, "code": "90837",
                                              "count": 2}, "first_date")]
    for method, path, body, field in cases:
        response = send(method, path, json={"coverage_id": ledger["coverage"], **body})
        assert response.status_code == 422, response.json
        assert field in response.json["errors"]
    listed = send("GET", f"/v1/coverages/{ledger['coverage']}/visits",
                  query_string={"from": text})
    assert listed.status_code == 422 and "from" in listed.json["errors"]


@pytest.mark.parametrize("service_date", ["9999-12-31", "1900-01-01", "2025-11-01"])
def test_a_service_date_no_payer_answers_about_is_never_sent(client, ledger, service_date):
    send = _send(client, ledger["key"])
    history = f"/v1/coverages/{ledger['coverage']}/eligibility-checks"
    before = send("GET", history).json["total"]
    response = send("POST", "/v1/eligibility-checks", json={
        "coverage_id": ledger["coverage"], "service_date": service_date, "force": True})
    assert response.status_code == 422
    assert response.json["errors"] == {"service_date": [
        "The service date must be from 2025-11-02 to 2027-11-02 (12 months back to 12 "
        "months ahead)."]}
    assert send("GET", history).json["total"] == before
