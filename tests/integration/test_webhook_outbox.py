"""The outbox commits with the change: a failure after the event is written but before the
commit leaves neither the change nor its event; a commit leaves both. On SQLite and
PostgreSQL, through the unit of work (an authorization) and the check store (a live check)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event, func, select, text

from service.db.models import Authorization, EligibilityCheck, WebhookDelivery, WebhookEvent
from tests.support.builders import bearer, create_coverage, create_patient, new_practice
from tests.support.people import PEOPLE


class Injected(Exception):
    """The crash, at the edge of the commit."""


@contextmanager
def commits_fail(engine) -> Iterator[None]:
    """Every commit on the engine dies just before the database commits: the connection is
    lost, as when the process is killed (the events are written by then: they go with the
    change's statements)."""
    def fail(conn) -> None:
        conn.invalidate()
        raise Injected

    event.listen(engine, "commit", fail)
    try:
        yield
    finally:
        event.remove(engine, "commit", fail)


@contextmanager
def deliveries_fail(engine) -> Iterator[None]:
    """Writing a delivery fails: the outcome and the event row are written by then, in the
    same transaction (on PostgreSQL, the same statement)."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("CREATE FUNCTION cw_test_fail() RETURNS trigger LANGUAGE plpgsql "
                              "AS $$ BEGIN RAISE EXCEPTION 'injected'; END $$"))
            conn.execute(text("CREATE TRIGGER cw_test_fail BEFORE INSERT ON webhook_deliveries "
                              "FOR EACH ROW EXECUTE FUNCTION cw_test_fail()"))
        else:
            conn.execute(text("CREATE TRIGGER cw_test_fail BEFORE INSERT ON webhook_deliveries "
                              "BEGIN SELECT RAISE(ABORT, 'injected'); END"))
    try:
        yield
    finally:
        with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                conn.execute(text("DROP TRIGGER cw_test_fail ON webhook_deliveries"))
                conn.execute(text("DROP FUNCTION cw_test_fail()"))
            else:
                conn.execute(text("DROP TRIGGER cw_test_fail"))


def _count(app, model) -> int:
    with app.extensions["coverwatch"].uow() as work:
        return int(work.session.scalar(select(func.count()).select_from(model)) or 0)


def _subscribed_coverage(app, client):
    _, key = new_practice(app)
    made = client.post("/v1/webhook-endpoints", headers=bearer(key), json={
        "url": "https://ehr.example.com/hook",
        "events": ["authorization.updated", "eligibility_check.completed"]})
    assert made.status_code == 201
    patient = create_patient(client, key, PEOPLE[0])
    coverage = create_coverage(client, key, patient["id"], PEOPLE[0], member_id="ZZT0000003")
    return key, coverage["id"]


def _authorize(client, key, coverage_id):
    return client.post("/v1/authorizations", headers=bearer(key), json={
        "coverage_id": coverage_id, "number": "A1", "quantity": 10,
        "start_date": "2026-11-01", "end_date": "2026-12-31", "codes": ["90837"]})


def test_an_authorization_and_its_event_are_both_lost_or_both_kept(app, client):
    key, coverage_id = _subscribed_coverage(app, client)
    engine = app.extensions["coverwatch"].engine
    # Given a crash at the commit, after the authorization and its event were written
    with commits_fail(engine):
        assert _authorize(client, key, coverage_id).status_code == 500
    # Then neither is stored
    assert _count(app, Authorization) == 0
    assert _count(app, WebhookEvent) == _count(app, WebhookDelivery) == 0
    # When it commits, both are, with the endpoint's delivery
    assert _authorize(client, key, coverage_id).status_code == 201
    assert _count(app, Authorization) == 1
    assert _count(app, WebhookEvent) == _count(app, WebhookDelivery) == 1


def test_a_checks_outcome_and_its_event_are_both_lost_or_both_kept(app, client, clock):
    key, coverage_id = _subscribed_coverage(app, client)
    engine = app.extensions["coverwatch"].engine
    # Given a failure after the outcome and the event row are written, before the commit
    with deliveries_fail(engine):
        failed = client.post("/v1/eligibility-checks", json={"coverage_id": coverage_id},
                             headers=bearer(key))
    assert failed.status_code == 500
    # Then the check has no outcome (still pending) and no event is stored
    with app.extensions["coverwatch"].uow() as work:
        statuses = work.session.scalars(select(EligibilityCheck.status)).all()
    assert statuses == ["pending"]
    assert _count(app, WebhookEvent) == _count(app, WebhookDelivery) == 0
    # When a later check commits, its outcome and its event are both stored
    clock.advance(minutes=3)
    answered = client.post("/v1/eligibility-checks", json={"coverage_id": coverage_id},
                           headers=bearer(key))
    assert answered.status_code == 201 and answered.json["status"] == "active"
    with app.extensions["coverwatch"].uow() as work:
        payloads = work.session.scalars(select(WebhookEvent.payload)).all()
    assert [p["data"]["check_id"] for p in payloads] == [answered.json["id"]]
    assert _count(app, WebhookDelivery) == 1
