"""Amending an authorization over HTTP re-counts the visits booked against it: what it no
longer carries is flagged, `overcommitted` says what is held beyond it, alerts follow."""

from __future__ import annotations

import pytest

from tests.support.builders import bearer, create_coverage, create_patient, new_practice
from tests.support.people import PEOPLE

# The clock stands at 2026-11-02; the sandbox payer says therapy needs an authorization for
# member ZZT0000003.
FUTURE = ("2026-11-10", "2026-11-17", "2026-11-24")


@pytest.fixture
def setup(app, client):
    _, key = new_practice(app)
    patient = create_patient(client, key, PEOPLE[0])
    coverage = create_coverage(client, key, patient["id"], PEOPLE[0], member_id="ZZT0000003")
    client.post("/v1/eligibility-checks", json={"coverage_id": coverage["id"]},
                headers=bearer(key))
    return key, coverage["id"]


def post(client, key, path, **body):
    return client.post(path, json=body, headers=bearer(key))


def book(client, key, coverage_id, day, status=None):
    visit = post(client, key, "/v1/visits", coverage_id=coverage_id, date=day, code="90837",
                 minutes=55).json
    if status:
        post(client, key, f"/v1/visits/{visit['id']}/status", status=status)
    return visit["id"]


def amend(client, key, auth_id, **changes):
    response = client.patch(f"/v1/authorizations/{auth_id}", headers=bearer(key), json=changes)
    assert response.status_code == 200, response.json
    return response.json


def visit(client, key, visit_id):
    return client.get(f"/v1/visits/{visit_id}", headers=bearer(key)).json


def alerts(client, key, kind):
    return client.get(f"/v1/alerts?kind={kind}", headers=bearer(key)).json["items"]


@pytest.fixture
def booked(client, setup):
    """An authorization of 4 visits: one completed on 1 November, three scheduled ahead."""
    key, coverage_id = setup
    auth = post(client, key, "/v1/authorizations", coverage_id=coverage_id, number="A-1",
                quantity=4, start_date="2026-11-01", end_date="2027-01-31",
                codes=["90837"]).json
    done = book(client, key, coverage_id, "2026-11-01", status="completed")
    ahead = [book(client, key, coverage_id, day) for day in FUTURE]
    assert all(visit(client, key, v)["authorization_id"] == auth["id"] for v in ahead)
    return key, coverage_id, auth["id"], done, ahead


def test_a_cut_below_what_is_booked_flags_the_latest_visits_it_no_longer_carries(
    client, booked
):
    key, _, auth_id, _, ahead = booked
    # When the payer cuts the authorization from 4 visits to 2
    after = amend(client, key, auth_id, quantity=2)
    # Then the completed visit and the earliest scheduled one keep it; nothing is negative
    assert (after["used"], after["reserved"], after["remaining"]) == (1, 1, 0)
    assert after["overcommitted"] == 0
    first, *rest = (visit(client, key, v) for v in ahead)
    assert first["verdict"]["status"] != "not_covered" and first["authorization_id"] == auth_id
    # And the two later visits are no longer covered, saying why
    for later in rest:
        assert later["verdict"]["status"] == "not_covered"
        assert later["authorization_id"] is None and later["units"] == 0
        exhausted = [r for r in later["verdict"]["reasons"] if r["code"] == "AUTH_EXHAUSTED"]
        assert exhausted and exhausted[0]["data"]["quantity"] == 2
    # And the alerts name them
    flagged = {a["subject_id"] for a in alerts(client, key, "visit_not_covered")}
    assert flagged == set(ahead[1:])
    assert [a["data"]["remaining"] for a in alerts(client, key, "auth_exhausted")] == [0]


def test_a_cut_below_what_completed_visits_hold_is_accepted_and_reported_as_overcommitted(
    client, booked
):
    key, _, auth_id, _, ahead = booked
    after = amend(client, key, auth_id, quantity=0)
    assert (after["used"], after["reserved"], after["remaining"]) == (1, 0, 0)
    assert after["overcommitted"] == 1
    assert all(visit(client, key, v)["verdict"]["status"] == "not_covered" for v in ahead)
    read = client.get(f"/v1/authorizations/{auth_id}", headers=bearer(key)).json
    assert read["overcommitted"] == 1 and read["history"][-1]["changes"] == {
        "quantity": {"before": 4, "after": 0}}
    (alert,) = alerts(client, key, "auth_exhausted")
    assert alert["data"]["overcommitted"] == 1


def test_a_visit_scheduled_before_today_keeps_what_it_holds(client, setup):
    key, coverage_id = setup
    auth = post(client, key, "/v1/authorizations", coverage_id=coverage_id, number="A-1",
                quantity=2, start_date="2026-10-01", end_date="2027-01-31",
                codes=["90837"]).json
    past = book(client, key, coverage_id, "2026-10-28")  # happened; not yet marked
    coming = book(client, key, coverage_id, FUTURE[0])
    after = amend(client, key, auth["id"], quantity=1)
    assert (after["reserved"], after["remaining"], after["overcommitted"]) == (1, 0, 0)
    assert visit(client, key, past)["authorization_id"] == auth["id"]
    assert visit(client, key, coming)["verdict"]["status"] == "not_covered"


def test_growing_it_again_covers_the_visits_it_had_dropped(client, booked):
    key, _, auth_id, _, ahead = booked
    amend(client, key, auth_id, quantity=1)
    assert all(visit(client, key, v)["verdict"]["status"] == "not_covered" for v in ahead)
    after = amend(client, key, auth_id, quantity=6)
    assert (after["used"], after["reserved"], after["remaining"]) == (1, 3, 2)
    assert all(visit(client, key, v)["authorization_id"] == auth_id for v in ahead)
    assert all(visit(client, key, v)["verdict"]["status"] != "not_covered" for v in ahead)
    assert alerts(client, key, "visit_not_covered") == []


def test_an_end_date_moved_earlier_flags_the_visits_after_it(client, booked):
    key, _, auth_id, _, ahead = booked
    after = amend(client, key, auth_id, end_date="2026-11-15")
    assert (after["used"], after["reserved"], after["remaining"]) == (1, 1, 2)
    reasons = [{r["code"] for r in visit(client, key, v)["verdict"]["reasons"]}
               for v in ahead[1:]]
    assert all("AUTH_EXPIRED" in found for found in reasons)


def test_a_visit_it_no_longer_carries_moves_to_another_authorization_that_fits(
    client, booked
):
    key, coverage_id, auth_id, _, ahead = booked
    other = post(client, key, "/v1/authorizations", coverage_id=coverage_id, number="B-2",
                 quantity=5, start_date="2026-11-01", end_date="2027-03-31",
                 codes=["90837"]).json
    amend(client, key, auth_id, quantity=2)
    moved = [visit(client, key, v) for v in ahead[1:]]
    assert all(v["authorization_id"] == other["id"] for v in moved)
    assert all(v["verdict"]["status"] != "not_covered" for v in moved)
    read = client.get(f"/v1/authorizations/{other['id']}", headers=bearer(key)).json
    assert (read["reserved"], read["remaining"]) == (2, 3)
