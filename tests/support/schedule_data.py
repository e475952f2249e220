"""A front desk's next days through the API: a covered, an at-risk and a not-covered visit on
one day, in the order they are booked (covered first), and another provider's visit."""

from __future__ import annotations

from typing import Any

from flask import Flask

from tests.support.builders import VALID_NPIS, bearer
from tests.support.people import PEOPLE

DAY = "2026-11-04"  # a Wednesday, two days after the test clock's today


def client_with_card(app: Flask, key: str, person_index: int, member_id: str, *,
                     check: bool) -> dict[str, Any]:
    api = app.test_client()
    patient = api.post("/v1/patients", headers=bearer(key),
                       json=PEOPLE[person_index].patient_json()).json
    coverage = api.post(f"/v1/patients/{patient['id']}/coverages", headers=bearer(key),
                        json={"payer": "sandbox", "member_id": member_id,
                              "relationship": "self"}).json
    if check:
        answered = api.post("/v1/eligibility-checks", headers=bearer(key),
                            json={"coverage_id": coverage["id"]})
        assert answered.status_code in (200, 201), answered.json
    return {"patient": patient, "coverage": coverage, "person": PEOPLE[person_index]}


def book(app: Flask, key: str, coverage_id: str, day: str = DAY, *,
         npi: str = VALID_NPIS[1]) -> dict[str, Any]:
    booked = app.test_client().post("/v1/visits", headers=bearer(key), json={
        "coverage_id": coverage_id, "date": day, "code": "90837", "minutes": 55,
        "provider_npi": npi})
    assert booked.status_code == 201, booked.json
    return dict(booked.json)


def seed_a_mixed_day(app: Flask, key: str) -> dict[str, dict[str, Any]]:
    """covered: checked and active; at_risk: never checked (run a check); not_covered:
    checked, its plan needs an authorization and none is on file (add one). Booked
    covered first, so that the page's order is its own. One more visit, covered, the day
    after for another provider."""
    people = {
        "covered": client_with_card(app, key, 0, "ZZT0000001", check=True),
        "at_risk": client_with_card(app, key, 1, "ZZT0000001", check=False),
        "not_covered": client_with_card(app, key, 2, "ZZT0000003", check=True),
        "other_provider": client_with_card(app, key, 3, "ZZT0000001", check=True),
    }
    for name in ("covered", "at_risk", "not_covered"):
        people[name]["visit"] = book(app, key, people[name]["coverage"]["id"])
    people["other_provider"]["visit"] = book(app, key, people["other_provider"]["coverage"]["id"],
                                             "2026-11-05", npi=VALID_NPIS[2])
    return people
