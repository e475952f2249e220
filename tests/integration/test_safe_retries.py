"""Safe retries and concurrent edits against a real threaded server: duplicates sent at the
same moment write once, two PATCHes sent with the same If-Match cannot both win, and the
answer a retry replays is committed with the write or not at all."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import func, select

from service.db.models import IdempotencyKey, Practice, Visit
from service.practice import idempotency, practices
from service.practice.idempotency import KeyOf
from tests.support.builders import bearer, create_coverage, create_patient, new_practice
from tests.support.people import PEOPLE
from tests.support.server import serving

DUPLICATES = 8


@pytest.fixture
def server(app) -> Iterator[str]:
    with serving(app) as base:
        yield base


def rows(app, model: type) -> int:
    with app.extensions["coverwatch"].uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model)) or 0)


def at_once(count: int, send) -> list[requests.Response]:
    gate = threading.Barrier(count)

    def go(i: int) -> requests.Response:
        gate.wait()
        return send(i)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(go, range(count)))


def test_duplicates_sent_at_the_same_moment_book_once_and_all_get_the_first_answer(
        app, server):
    # Given a coverage
    client = app.test_client()
    _, key = new_practice(app)
    patient = create_patient(client, key, PEOPLE[0])
    coverage = create_coverage(client, key, patient["id"], PEOPLE[0])
    for n in range(3):
        body = {"coverage_id": coverage["id"], "date": f"2026-11-1{n}", "code": "90834",
                "minutes": 45}
        headers = {**bearer(key), "Idempotency-Key": f"dup-{n}"}
        # When eight copies of one booking arrive together
        answers = at_once(DUPLICATES, lambda _i, body=body, headers=headers: requests.post(
            f"{server}/v1/visits", json=body, headers=headers, timeout=60))
        # Then one did the work and the others waited for it and replay its answer
        assert {a.status_code for a in answers} == {201}, [a.text for a in answers]
        assert len({a.content for a in answers}) == 1
        assert sum("Idempotent-Replayed" not in a.headers for a in answers) == 1
        assert rows(app, Visit) == n + 1


@pytest.mark.parametrize("kind", ["patient", "visit"])
def test_two_patches_sent_with_the_same_if_match_one_wins_and_one_gets_412(
        app, server, pg_url, db_url, kind):
    if not db_url.startswith("postgresql"):
        pytest.skip("row locks and the version check under load: PostgreSQL")
    client = app.test_client()
    _, key = new_practice(app)
    patient = create_patient(client, key, PEOPLE[0])
    coverage = create_coverage(client, key, patient["id"], PEOPLE[0])
    visit = client.post("/v1/visits", headers=bearer(key), json={
        "coverage_id": coverage["id"], "date": "2026-11-10", "code": "90834",
        "minutes": 45}).json
    path = {"patient": f"/v1/patients/{patient['id']}", "visit": f"/v1/visits/{visit['id']}"}
    # Every PATCH changes something (an unchanged record keeps its version)
    change = {"patient": lambda n: {"external_id": f"EHR-{n}"},
              "visit": lambda n: {"minutes": 38 + n}}
    for n in range(0, 20, 2):
        tag = client.get(path[kind], headers=bearer(key)).headers["ETag"]
        answers = at_once(2, lambda i, tag=tag, n=n: requests.patch(
            f"{server}{path[kind]}", json=change[kind](n + i),
            headers={**bearer(key), "If-Match": tag}, timeout=60))
        assert sorted(a.status_code for a in answers) == [200, 412], \
            [(tag, a.headers.get("ETag"), a.text[:60]) for a in answers]
        winner = next(a for a in answers if a.status_code == 200)
        assert client.get(path[kind], headers=bearer(key)).headers["ETag"] == \
            winner.headers["ETag"]


def test_the_stored_answer_commits_with_the_write_or_not_at_all(app):
    # Given a request transaction holding an Idempotency-Key, whose use case commits
    wiring = app.extensions["coverwatch"]
    practice_id, _ = new_practice(app)
    for finish in (False, True):
        key = KeyOf(practice_id=practice_id, caller="api_key:test", key=f"k-{finish}",
                    fingerprint="f" * 64)
        transaction = idempotency.begin(session_factory=wiring.session_factory,
                                        clock=wiring.clock, key=key)
        token = idempotency.join(transaction)
        try:
            practices.create_practice(uow=wiring.uow(), clock=wiring.clock,
                                      name=f"Joined {finish}", npi="1245319599")
            if finish:
                idempotency.finish(transaction, key=key, answer=idempotency.Answer(
                    201, "{}", {"Content-Type": "application/json"}))
        finally:
            idempotency.leave(token)
            transaction.close()
        # Then the practice and the key's answer are both there, or neither is
        with wiring.uow() as uow:
            names = set(uow.session.scalars(select(Practice.name)))
            keys = set(uow.session.scalars(select(IdempotencyKey.key)))
        assert (f"Joined {finish}" in names, key.key in keys) == (finish, finish)


def test_a_refused_write_inside_the_request_transaction_leaves_nothing_and_no_answer(app):
    # Given a patient with an active coverage
    client = app.test_client()
    _, api_key = new_practice(app)
    patient = create_patient(client, api_key, PEOPLE[0])
    create_coverage(client, api_key, patient["id"], PEOPLE[0])
    # When the same card is added again with a key (the use case rolls back and answers 409)
    answer = client.post(f"/v1/patients/{patient['id']}/coverages", json={
        "payer": "sandbox", "member_id": PEOPLE[0].member_id, "relationship": "self"},
        headers={**bearer(api_key), "Idempotency-Key": "clash"})
    # Then nothing is written and nothing kept for the key
    assert answer.status_code == 409
    assert rows(app, IdempotencyKey) == 0
