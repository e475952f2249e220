"""Two schedulers can never book the same last unit: 20 concurrent bookings, one winner."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

from sqlalchemy import func, select

from service.db.models import Authorization, Visit
from tests.support.builders import bearer, create_coverage, create_patient, new_practice
from tests.support.people import PEOPLE

BOOKINGS = 20
FIRST_WEEK = date(2026, 11, 9)  # a Monday after the tests' clock


def test_twenty_concurrent_bookings_of_the_last_unit_allocate_it_exactly_once(app, db_url):
    rounds = 50 if db_url.startswith("postgresql") else 5
    client = app.test_client()
    _, key = new_practice(app)
    patient = create_patient(client, key, PEOPLE[1])
    coverage = create_coverage(client, key, patient["id"], PEOPLE[1], member_id="ZZT0000003")
    for n in range(rounds):
        # Given an authorization with exactly one unit left, for a week no other round's covers
        # (every week within the dates a visit may have: docs/api.md#dates)
        start = FIRST_WEEK + timedelta(weeks=n)
        auth = client.post("/v1/authorizations", headers=bearer(key), json={
            "coverage_id": coverage["id"], "number": f"LAST-{n}", "quantity": 1,
            "start_date": start.isoformat(), "end_date": (start + timedelta(days=6)).isoformat(),
            "codes": ["90834"]}).json
        day = (start + timedelta(days=3)).isoformat()
        gate = threading.Barrier(BOOKINGS)

        def book(i: int, day: str = day, gate: threading.Barrier = gate) -> dict:
            gate.wait()
            response = app.test_client().post("/v1/visits", headers=bearer(key), json={
                "coverage_id": coverage["id"], "date": day, "code": "90834", "minutes": 45,
                "external_id": f"R{day}-{i}"})
            assert response.status_code == 201, response.json
            return response.json

        # When twenty schedulers book it at the same moment
        with ThreadPoolExecutor(BOOKINGS) as pool:
            results = list(pool.map(book, range(BOOKINGS)))

        # Then exactly one visit holds it, and every other visit is recorded as not covered
        winners = [r for r in results if r["authorization_id"] == auth["id"]]
        assert len(winners) == 1, f"round {n}: {len(winners)} visits took the last unit"
        losers = [r for r in results if r["authorization_id"] is None]
        assert len(losers) == BOOKINGS - 1
        assert all(r["verdict"]["status"] == "not_covered" and "AUTH_EXHAUSTED" in
                   {x["code"] for x in r["verdict"]["reasons"]} for r in losers)
        with app.extensions["coverwatch"].uow() as uow:
            row = uow.session.get_one(Authorization, uuid.UUID(auth["id"]))
            held = uow.session.scalar(select(func.count()).select_from(Visit).where(
                Visit.authorization_id == row.id, Visit.units > 0))
            assert (row.reserved, held) == (1, 1)


def test_concurrent_changes_of_visits_onto_the_last_unit_allocate_it_exactly_once(app, db_url):
    client = app.test_client()
    _, key = new_practice(app)
    patient = create_patient(client, key, PEOPLE[1])
    coverage = create_coverage(client, key, patient["id"], PEOPLE[1], member_id="ZZT0000003")
    auth = client.post("/v1/authorizations", headers=bearer(key), json={
        "coverage_id": coverage["id"], "number": "LAST-P", "quantity": 1,
        "start_date": "2027-01-01", "end_date": "2027-01-31", "codes": ["90834"]}).json
    # Given visits booked with a code the authorization does not cover (they hold nothing)
    booked = [client.post("/v1/visits", headers=bearer(key), json={
        "coverage_id": coverage["id"], "date": "2027-01-15", "code": "90837", "minutes": 55,
        "external_id": f"P-{i}"}).json for i in range(8)]
    gate = threading.Barrier(len(booked))

    def change(visit: dict) -> dict:
        gate.wait()
        response = app.test_client().patch(f"/v1/visits/{visit['id']}", headers=bearer(key),
                                           json={"code": "90834", "minutes": 45})
        assert response.status_code == 200, response.json
        return response.json

    # When each is changed to the covered code at the same moment
    with ThreadPoolExecutor(len(booked)) as pool:
        results = list(pool.map(change, booked))

    # Then exactly one holds the unit
    assert len([r for r in results if r["authorization_id"] == auth["id"]]) == 1
    state = client.get(f"/v1/authorizations/{auth['id']}", headers=bearer(key)).json
    assert (state["reserved"], state["remaining"]) == (1, 0)


def test_concurrent_changes_of_one_visit_leave_its_unit_counted_once(app, db_url):
    client = app.test_client()
    _, key = new_practice(app)
    patient = create_patient(client, key, PEOPLE[1])
    coverage = create_coverage(client, key, patient["id"], PEOPLE[1], member_id="ZZT0000003")
    months = [client.post("/v1/authorizations", headers=bearer(key), json={
        "coverage_id": coverage["id"], "number": f"M-{m}", "quantity": 5,
        "start_date": f"2027-{m:02d}-01", "end_date": f"2027-{m:02d}-28",
        "codes": ["90834"]}).json for m in (1, 2)]
    visit = client.post("/v1/visits", headers=bearer(key), json={
        "coverage_id": coverage["id"], "date": "2027-01-15", "code": "90834",
        "minutes": 45}).json
    writers = 10
    gate = threading.Barrier(writers)

    def move(i: int) -> int:
        gate.wait()
        return app.test_client().patch(f"/v1/visits/{visit['id']}", headers=bearer(key),
                                       json={"date": f"2027-0{i % 2 + 1}-1{i % 9}"}).status_code

    # When ten writers move the same visit between the two months at once
    with ThreadPoolExecutor(writers) as pool:
        assert set(pool.map(move, range(writers))) == {200}

    # Then its one unit is held once, by the authorization it names
    final = client.get(f"/v1/visits/{visit['id']}", headers=bearer(key)).json
    held = {a["id"]: client.get(f"/v1/authorizations/{a['id']}", headers=bearer(key)).json[
        "reserved"] for a in months}
    assert sum(held.values()) == 1 and held[final["authorization_id"]] == 1


def test_an_amendment_racing_bookings_leaves_the_counts_equal_to_the_visits_holding_them(
    app, db_url
):
    rounds = 20 if db_url.startswith("postgresql") else 3
    client = app.test_client()
    _, key = new_practice(app)
    patient = create_patient(client, key, PEOPLE[1])
    coverage = create_coverage(client, key, patient["id"], PEOPLE[1], member_id="ZZT0000003")
    for n in range(rounds):
        # Given an authorization of ten visits in a month of its own
        month = f"{2027 + n // 12}-{n % 12 + 1:02d}"  # within the visit window
        auth = client.post("/v1/authorizations", headers=bearer(key), json={
            "coverage_id": coverage["id"], "number": f"CUT-{n}", "quantity": 10,
            "start_date": f"{month}-01", "end_date": f"{month}-28", "codes": ["90834"]}).json
        gate = threading.Barrier(BOOKINGS // 2 + 1)

        def book(i: int, month: str = month, gate: threading.Barrier = gate) -> int:
            gate.wait()
            return app.test_client().post("/v1/visits", headers=bearer(key), json={
                "coverage_id": coverage["id"], "date": f"{month}-{i + 1:02d}", "code": "90834",
                "minutes": 45, "external_id": f"C{month}-{i}"}).status_code

        def cut(auth_id: str = auth["id"], gate: threading.Barrier = gate) -> int:
            gate.wait()
            return app.test_client().patch(f"/v1/authorizations/{auth_id}",
                                           headers=bearer(key), json={"quantity": 3}).status_code

        # When ten schedulers book while the authorization is cut to three
        with ThreadPoolExecutor(BOOKINGS // 2 + 1) as pool:
            cutting = pool.submit(cut)
            booked = list(pool.map(book, range(BOOKINGS // 2)))
        assert cutting.result() == 200 and set(booked) == {201}

        # Then what it counts is exactly what its visits hold, and never more than three
        with app.extensions["coverwatch"].uow() as uow:
            row = uow.session.get_one(Authorization, uuid.UUID(auth["id"]))
            held = uow.session.scalar(select(func.sum(Visit.units)).where(
                Visit.authorization_id == row.id, Visit.effect == "reserve")) or 0
            assert (row.reserved, row.used) == (held, 0), f"round {n}"
            assert row.reserved <= 3, f"round {n}: {row.reserved} reserved of 3"
