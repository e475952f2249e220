"""The check store on a real database: what a check starts from, a check stored as it starts
and as it ends (with its audit row, its control number, its nightly item), all or nothing.
Every test runs over each implementation the database has (on PostgreSQL, the portable
transactions and the composed single statements too)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Text, cast, func, insert, select
from sqlalchemy.exc import IntegrityError

from service.db.check_port import ItemClaim, ItemRecord, NewCheck, QuestionInFlight
from service.db.check_store import PostgresCheckStore, SqlCheckStore
from service.db.engine import make_engine
from service.db.models import (
    Alert,
    AuditEvent,
    Coverage,
    EligibilityCheck,
    Patient,
    Practice,
    ReverificationItem,
    ReverificationRun,
)

NOW = datetime(2026, 11, 30, 9, 15, tzinfo=UTC)
SUMMARY = {"active": True, "plan": {"name": "Store Plan", "group_number": None},
           "in_network": {"copay": "25.00", "coinsurance": None}, "messages": ["é ✓"],
           "rejections": []}


@pytest.fixture(params=[SqlCheckStore, PostgresCheckStore], ids=["portable", "composed"])
def store(db_url: str, request: pytest.FixtureRequest) -> Iterator[SqlCheckStore]:
    engine = make_engine(db_url)
    if request.param is PostgresCheckStore and engine.dialect.name != "postgresql":
        engine.dispose()
        pytest.skip("composed statements are PostgreSQL's")
    yield request.param(engine)
    engine.dispose()


@pytest.fixture
def seeded(store: SqlCheckStore) -> tuple[uuid.UUID, uuid.UUID]:
    """A practice and a coverage, with an attempt 30 s ago that reached the payer unanswered."""
    practice, patient, coverage = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    stamps = {"created_at": NOW, "updated_at": NOW}
    with store.engine.begin() as conn:
        conn.execute(insert(Practice.__table__).values(
            id=practice, name="Store Counseling", npi="1234567893", created_at=NOW))
        conn.execute(insert(Patient.__table__).values(
            id=patient, practice_id=practice, first_name="Quillon", last_name="Zephyrwood",
            birth_date=date(1980, 1, 1), gender="U", **stamps))
        conn.execute(insert(Coverage.__table__).values(
            id=coverage, practice_id=practice, patient_id=patient, payer="sandbox",
            member_id="ZZT0000001", relationship="self", priority="primary",
            network_status="in", **stamps))
        conn.execute(insert(EligibilityCheck.__table__).values(
            id=uuid.uuid4(), practice_id=practice, coverage_id=coverage, payer="sandbox",
            service_types="30", provider_npi="1234567893", network_status="in",
            status="error", reached_payer=True, trace_number="T1", control_number=7,
            requested_by="test", started_at=NOW - timedelta(seconds=30)))
    return practice, coverage


def _new(practice: uuid.UUID, coverage: uuid.UUID, **values: object) -> NewCheck:
    check: NewCheck = {
        "id": uuid.uuid4(), "practice_id": practice, "coverage_id": coverage,
        "payer": "sandbox", "service_types": "30,A6", "service_date": NOW.date(),
        "provider_npi": "1234567893", "network_status": "in", "status": "pending",
        "reached_payer": False, "trace_number": uuid.uuid4().hex, "control_number": None,
        "requested_by": "key:test", "started_at": NOW, "carve_out_of_id": None,
        "reverification_run_id": None, "error_code": None, "error_message": None,
        "checked_at": None, "question_key": uuid.uuid4().hex * 2, "subject_key": "s" * 64,
        "question": {"route": "sandbox", "service_types": ["30", "A6"]}}
    return {**check, **values}  # type: ignore[typeddict-item]


def _audit(practice: uuid.UUID, check_id: object, action: str = "create") -> dict[str, object]:
    return {"public_id": uuid.uuid4(), "practice_id": practice, "actor": "key:test",
            "action": action, "resource_type": "eligibility_check",
            "resource_id": str(check_id), "request_id": None, "at": NOW}


def _count(store: SqlCheckStore, model: type) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(model)).scalar_one())


def _item(store: SqlCheckStore, practice: uuid.UUID, coverage: uuid.UUID) -> int:
    run = uuid.uuid4()
    with store.engine.begin() as conn:
        conn.execute(insert(ReverificationRun.__table__).values(
            id=run, practice_id=practice, status="running", mode="queue", options={},
            selected=1, requested_by="test", created_at=NOW))
        return int(conn.execute(insert(ReverificationItem.__table__).values(
            run_id=run, practice_id=practice, coverage_id=coverage, payer="sandbox",
            state="pending", attempts=0).returning(ReverificationItem.id)).scalar_one())


def test_the_starting_point_names_the_coverage_and_the_doubtful_attempt_in_utc(
        store, seeded) -> None:
    practice, coverage = seeded
    since = NOW - timedelta(seconds=90)

    found = store.starting_point(practice, coverage, route=None, doubtful_since=since)
    other_route = store.starting_point(practice, coverage, route="stedi", doubtful_since=since)
    later = store.starting_point(practice, coverage, route=None, doubtful_since=NOW)

    assert found is not None and other_route is not None and later is not None
    assert (found.id, found.payer, found.practice_name, found.first_name) == (
        coverage, "sandbox", "Store Counseling", "Quillon")
    assert found.doubt_started_at == NOW - timedelta(seconds=30)
    assert found.doubt_started_at.utcoffset() == timedelta(0)
    assert other_route.doubt_started_at is None and later.doubt_started_at is None
    assert store.starting_point(uuid.uuid4(), coverage, route=None, doubtful_since=since) is None


@pytest.mark.parametrize("outcome", [
    {"route": "sandbox", "routes_tried": "sandbox", "request_raw": "ISA*…~",
     "response_raw": "ISA*…~", "http_status": 200, "elapsed_ms": 12.5, "summary": SUMMARY,
     "status": "active"},
    {"routes_tried": "sandbox", "reached_payer": True, "status": "error",
     "error_code": "PAYER_TIMEOUT", "error_message": "No reply.", "summary": None},
], ids=["answer", "payer error"])
def test_a_check_is_stored_as_it_starts_with_its_audit_row_and_as_it_ends(
        store, seeded, outcome) -> None:
    practice, coverage = seeded
    first, second = _new(practice, coverage), _new(practice, coverage)

    numbers = [store.start(c, audit=_audit(practice, c["id"])) for c in (first, second)]
    store.finish(first["id"], {**outcome, "checked_at": NOW})

    assert numbers[0] is not None and numbers[1] is not None and numbers[1] > numbers[0] > 0
    with store.engine.connect() as conn:
        row = conn.execute(select(EligibilityCheck.__table__).where(
            EligibilityCheck.id == first["id"])).mappings().one()
        summary_text = conn.execute(select(cast(EligibilityCheck.__table__.c.summary, Text))
                                    .where(EligibilityCheck.id == first["id"])).scalar_one()
        audited = conn.execute(select(AuditEvent.action, AuditEvent.actor, AuditEvent.at).where(
            AuditEvent.resource_id == str(first["id"]))).all()
    assert row["control_number"] == numbers[0]
    assert {k: row[k] for k in outcome} == outcome
    assert row["checked_at"] == NOW and row["started_at"] == NOW
    assert [tuple(a) for a in audited] == [("create", "key:test", NOW)]
    if outcome["summary"] is None:
        assert summary_text == "null"  # JSON null, as SQLAlchemy writes it


def test_a_check_started_with_a_given_control_number_keeps_it(store, seeded) -> None:
    practice, coverage = seeded
    blocked = _new(practice, coverage, control_number=0, status="error",
                   error_code="PAYER_RESEND_TOO_SOON", checked_at=NOW)

    assert store.start(blocked, audit=_audit(practice, blocked["id"])) == 0


def test_a_naive_time_is_refused_and_nothing_is_stored(store, seeded) -> None:
    practice, coverage = seeded
    naive = _new(practice, coverage, started_at=NOW.replace(tzinfo=None))
    checks = _count(store, EligibilityCheck)

    with pytest.raises(Exception, match="naive datetime"):
        store.start(naive, audit=_audit(practice, naive["id"]))
    assert _count(store, EligibilityCheck) == checks


def test_a_check_whose_item_was_taken_first_is_not_stored(store, seeded) -> None:
    practice, coverage = seeded
    item_id = _item(store, practice, coverage)
    claim = ItemClaim(item_id=item_id, was_state="pending", was_attempts=0,
                      worker="first", lease=timedelta(seconds=100))
    audited = _count(store, AuditEvent)
    won, lost = _new(practice, coverage), _new(practice, coverage)

    assert store.start(won, audit=_audit(practice, won["id"]), claim=claim) is not None
    again = ItemClaim(item_id=item_id, was_state="pending", was_attempts=0, worker="second",
                      lease=timedelta(seconds=100))
    assert store.start(lost, audit=_audit(practice, lost["id"]), claim=again) is None

    item = store.item(item_id)
    assert item is not None and (item.state, item.claimed_by) == ("running", "first")
    assert item.lease_until == NOW + timedelta(seconds=100)
    assert _count(store, AuditEvent) == audited + 1
    with store.engine.connect() as conn:
        assert conn.execute(select(EligibilityCheck.id).where(
            EligibilityCheck.id == lost["id"])).first() is None


def test_an_outcome_is_stored_with_its_item_and_alerts_or_not_at_all(store, seeded) -> None:
    practice, coverage = seeded
    item_id = _item(store, practice, coverage)
    check = _new(practice, coverage)
    store.start(check, audit=_audit(practice, check["id"]))
    alert = {"id": uuid.uuid4(), "practice_id": uuid.uuid4(),  # no such practice
             "coverage_id": coverage, "kind": "coverage_changed", "subject_id": "s",
             "fingerprint": "f", "message": "Copay changed.", "data": {}, "created_at": NOW}
    record = ItemRecord(item_id=item_id, values={"state": "done", "attempts": 1,
                                                 "check_id": check["id"]}, alerts=[alert])

    with pytest.raises(IntegrityError):
        store.finish(check["id"], {"status": "active", "checked_at": NOW}, item=record)
    assert store.item(item_id).state == "pending"  # type: ignore[union-attr]
    with store.engine.connect() as conn:
        assert conn.execute(select(EligibilityCheck.status).where(
            EligibilityCheck.id == check["id"])).scalar_one() == "pending"

    store.finish(check["id"], {"status": "active", "checked_at": NOW},
                 item=ItemRecord(item_id=item_id, values=record.values,
                                 alerts=[{**alert, "practice_id": practice}]))
    item = store.item(item_id)
    assert item is not None and (item.state, item.check_id) == ("done", check["id"])
    assert _count(store, Alert) == 1
    assert store.any_unfinished(item.run_id) is False


def test_a_stale_item_is_taken_over_by_one_worker_only(store, seeded) -> None:
    practice, coverage = seeded
    item_id = _item(store, practice, coverage)
    store.record_item(ItemRecord(item_id=item_id, values={"state": "running",
                                                          "claimed_by": "dead"}))
    claim = ItemClaim(item_id=item_id, was_state="running", was_attempts=0, worker="one",
                      lease=timedelta(seconds=60))

    assert store.take_over(claim, held_by="dead", at=NOW) is True
    assert store.take_over(ItemClaim(item_id=item_id, was_state="running", was_attempts=0,
                                     worker="two", lease=timedelta(seconds=60)),
                           held_by="dead", at=NOW) is False
    assert store.item(item_id).claimed_by == "one"  # type: ignore[union-attr]


def test_a_recent_answer_is_reused_with_its_read_audited(store, seeded) -> None:
    practice, coverage = seeded
    answered = _new(practice, coverage, question_key="q" * 64)
    store.start(answered, audit=_audit(practice, answered["id"]))
    store.finish(answered["id"], {"status": "active", "summary": SUMMARY, "checked_at": NOW,
                                  "request_raw": "ISA*…~"})
    read = _audit(practice, None, action="read")

    found = store.reuse(coverage, question_key="q" * 64,
                        since=NOW - timedelta(hours=1), audit=read)
    too_old = store.reuse(coverage, question_key="q" * 64,
                          since=NOW + timedelta(seconds=1), audit=read)
    other_question = store.reuse(coverage, question_key="o" * 64,
                                 since=NOW - timedelta(hours=1), audit=read)

    assert found is not None and found.id == answered["id"] and found.summary == SUMMARY
    assert found.question == {"route": "sandbox", "service_types": ["30", "A6"]}
    assert other_question is None
    assert found.request_raw is None  # the raw X12 stays in the database
    assert too_old is None
    previous = store.previous_answer(coverage, payer="sandbox", before=NOW + timedelta(1),
                                     other_than=uuid.uuid4())
    assert previous is not None and previous.id == answered["id"]
    with store.engine.connect() as conn:
        assert conn.execute(select(AuditEvent.resource_id).where(
            AuditEvent.action == "read")).scalars().all() == [str(answered["id"])]


def test_an_outcome_and_its_item_without_alerts_are_stored_together(store, seeded) -> None:
    practice, coverage = seeded
    item_id = _item(store, practice, coverage)
    check = _new(practice, coverage)
    claim = ItemClaim(item_id=item_id, was_state="pending", was_attempts=0, worker="w",
                      lease=timedelta(seconds=60))
    store.start(check, audit=_audit(practice, check["id"]), claim=claim)

    store.finish(check["id"], {"status": "inactive", "summary": SUMMARY, "checked_at": NOW},
                 item=ItemRecord(item_id=item_id, values={
                     "state": "done", "attempts": 1, "outcome": "inactive",
                     "check_id": check["id"], "lease_until": None, "changes": None,
                     "finished_at": NOW}))

    item = store.item(item_id)
    assert item is not None
    assert (item.state, item.outcome, item.check_id, item.lease_until, item.changes) == (
        "done", "inactive", check["id"], None, None)
    with store.engine.connect() as conn:
        assert conn.execute(select(EligibilityCheck.status, EligibilityCheck.summary).where(
            EligibilityCheck.id == check["id"])).one() == ("inactive", SUMMARY)


def test_a_pending_check_is_in_flight_for_its_question_until_its_deadline(
        store, seeded) -> None:
    practice, coverage = seeded
    pending = _new(practice, coverage, started_at=NOW - timedelta(seconds=20),
                   question_key="q" * 64)
    store.start(pending, audit=_audit(practice, pending["id"]))

    found = store.in_flight(coverage, question_key="q" * 64, since=NOW - timedelta(seconds=45))
    other = store.in_flight(coverage, question_key="o" * 64, since=NOW - timedelta(seconds=45))
    past = store.in_flight(coverage, question_key="q" * 64, since=NOW - timedelta(seconds=10))
    start = store.starting_point(practice, coverage, route=None,
                                 doubtful_since=NOW - timedelta(seconds=90))

    assert found is not None and found.id == pending["id"] and found.status == "pending"
    assert other is None and past is None
    assert start is not None and start.pending_since == NOW - timedelta(seconds=20)
    store.finish(pending["id"], {"status": "active", "summary": SUMMARY, "checked_at": NOW})
    polled = store.check(pending["id"])
    assert polled is not None and polled.status == "active"
    assert store.in_flight(coverage, question_key="q" * 64,
                           since=NOW - timedelta(seconds=45)) is None


def test_one_pending_check_per_question_and_one_past_its_deadline_can_be_abandoned(
        store, seeded) -> None:
    practice, coverage = seeded
    first = _new(practice, coverage, question_key="q" * 64,
                 started_at=NOW - timedelta(seconds=60))
    store.start(first, audit=_audit(practice, first["id"]))
    twin = _new(practice, coverage, question_key="q" * 64)

    with pytest.raises(QuestionInFlight):
        store.start(twin, audit=_audit(practice, twin["id"]))
    assert _count(store, EligibilityCheck) == 2  # the seeded attempt and the first
    assert store.abandon(coverage, question_key="q" * 64, before=NOW - timedelta(seconds=90),
                         at=NOW) == 0
    assert store.abandon(coverage, question_key="q" * 64, before=NOW - timedelta(seconds=45),
                         at=NOW) == 1
    assert store.start(twin, audit=_audit(practice, twin["id"])) is not None
    ended = store.check(first["id"])
    assert ended is not None and (ended.status, ended.error_code, ended.reached_payer) == (
        "error", "CHECK_ABANDONED", True)
