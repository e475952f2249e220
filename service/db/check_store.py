"""The check store on SQLAlchemy Core: checks, their audit rows and nightly items."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Connection,
    Engine,
    Insert,
    Select,
    String,
    Table,
    Update,
    bindparam,
    exists,
    func,
    insert,
    select,
)
from sqlalchemy import Sequence as DbSequence
from sqlalchemy.exc import IntegrityError

from service.db.check_port import (
    AuditRow,
    CheckOutcome,
    FailedRoute,
    ItemClaim,
    ItemRecord,
    NewCheck,
    PreviousAnswer,
    QuestionInFlight,
    StartingPoint,
)
from service.db.models import (
    PENDING_QUESTION,
    Alert,
    Coverage,
    EligibilityCheck,
    Patient,
    Practice,
    ReverificationItem,
)
from service.db.outbox import NewEvent, emit, fan_out, insert_event, parameters
from service.db.repositories import AUDIT, AUDITED, INSERT_AUDIT, next_number
from service.db.statements import Statements, statements_for
from service.domain.eligibility import ANSWERED, ERROR_MESSAGES
from service.domain.reverification import UNFINISHED

CHECKS = cast(Table, EligibilityCheck.__table__)
COVERAGES = cast(Table, Coverage.__table__)
PATIENTS = cast(Table, Patient.__table__)
PRACTICES = cast(Table, Practice.__table__)
ITEMS = cast(Table, ReverificationItem.__table__)
ALERTS = cast(Table, Alert.__table__)
RAW = ("request_raw", "response_raw")


def _starting_point(payer: ColumnElement[str]) -> Select[Any]:
    cov, pat = COVERAGES.c, PATIENTS.c
    doubt = (
        select(func.max(CHECKS.c.started_at))
        .where(CHECKS.c.coverage_id == cov.id, CHECKS.c.payer == payer,
               CHECKS.c.status == "error", CHECKS.c.reached_payer.is_(True),
               CHECKS.c.started_at >= bindparam("doubtful_since"))
        .scalar_subquery()
    )
    pending = (
        select(func.min(CHECKS.c.started_at))
        .where(CHECKS.c.coverage_id == cov.id, CHECKS.c.payer == payer,
               CHECKS.c.status == "pending", CHECKS.c.started_at >= bindparam("doubtful_since"))
        .scalar_subquery()
    )
    return (
        select(cov.id, cov.payer, cov.member_id, cov.relationship, cov.network_status,
               cov.subscriber_first_name, cov.subscriber_last_name, cov.subscriber_birth_date,
               cov.subscriber_gender, cov.subscriber_member_id,
               pat.first_name, pat.last_name, pat.birth_date, pat.gender,
               PRACTICES.c.name.label("practice_name"), PRACTICES.c.npi.label("practice_npi"),
               doubt.label("doubt_started_at"), pending.label("pending_since"))
        .join_from(COVERAGES, PATIENTS, pat.id == cov.patient_id)
        .join(PRACTICES, PRACTICES.c.id == cov.practice_id)
        .where(cov.practice_id == bindparam("practice_id"),
               cov.id == bindparam("coverage_id"))
    )


# Statements built once and run with parameters: building one with its values each time
# (every value coerced, the cache key recomputed) costs more CPU than running it, and the
# ORM's unit-of-work machinery more again.
_STARTING_POINT = _starting_point(COVERAGES.c.payer)
_STARTING_POINT_WITH = _starting_point(bindparam("route", type_=String))
_WITHOUT_RAW = [c for c in CHECKS.c if c.name not in RAW]
_REUSABLE = (
    select(*_WITHOUT_RAW)
    .where(CHECKS.c.coverage_id == bindparam("coverage_id"),
           CHECKS.c.question_key == bindparam("question_key"),
           CHECKS.c.status.in_(ANSWERED), CHECKS.c.started_at >= bindparam("since"))
    .order_by(CHECKS.c.started_at.desc()).limit(1)
)
_IN_FLIGHT = (
    select(*_WITHOUT_RAW)
    .where(CHECKS.c.coverage_id == bindparam("coverage_id"),
           CHECKS.c.question_key == bindparam("question_key"),
           CHECKS.c.status == "pending", CHECKS.c.started_at >= bindparam("since"))
    .order_by(CHECKS.c.started_at.desc()).limit(1)
)
_ONE = select(*_WITHOUT_RAW).where(CHECKS.c.id == bindparam("check_id"))
_ABANDON = (
    CHECKS.update()
    .where(CHECKS.c.coverage_id == bindparam("abandoned_coverage"),
           CHECKS.c.question_key == bindparam("abandoned_question"),
           CHECKS.c.status == "pending", CHECKS.c.started_at < bindparam("before"))
    .values(status="error", error_code="CHECK_ABANDONED",
            error_message=ERROR_MESSAGES["CHECK_ABANDONED"], reached_payer=True,
            checked_at=bindparam("at", type_=CHECKS.c.checked_at.type))
)
STARTED = tuple(NewCheck.__annotations__)
_CLAIMED = ("state", "claimed_by", "claimed_at", "lease_until")


def _params(table: Table, prefix: str, names: tuple[str, ...]) -> dict[str, BindParameter[Any]]:
    # Parameters are named apart (started_*, outcome_*, audit_*, item_*): statements are
    # composed into one on PostgreSQL, where a parameter named like a column that another
    # part leaves out would be taken as a value for it.
    return {name: bindparam(f"{prefix}{name}", type_=table.c[name].type) for name in names}


def _prefixed(prefix: str, values: Mapping[str, Any]) -> dict[str, Any]:
    return {f"{prefix}{name}": value for name, value in values.items()}


_CHECK = _params(CHECKS, "started_", STARTED)
_AUDIT = _params(AUDIT, "audit_", AUDITED)
_INSERT_STARTED = insert(CHECKS).values(_CHECK)
_INSERT_AUDITED = insert(AUDIT).values(_AUDIT)
_INSERT_CHECK = insert(CHECKS)
# A guarded UPDATE is the claim: of two workers, exactly one sees rowcount 1.
_CLAIM = (ITEMS.update()
          .where(ITEMS.c.id == bindparam("item_id"), ITEMS.c.state == bindparam("was_state"),
                 ITEMS.c.attempts == bindparam("was_attempts"))
          .values(_params(ITEMS, "item_", _CLAIMED)))
_ITEM = select(ITEMS).where(ITEMS.c.id == bindparam("item_id"))


@functools.lru_cache(maxsize=32)
def _outcome(names: tuple[str, ...]) -> Update:
    """A check's outcome UPDATE for these columns (an answer, a payer error, a fault of ours
    and a carve-out link each set their own few)."""
    return (CHECKS.update().where(CHECKS.c.id == bindparam("finished_check"))
            .values(_params(CHECKS, "outcome_", names)))


@functools.lru_cache(maxsize=32)
def _item_update(names: tuple[str, ...]) -> Update:
    return (ITEMS.update().where(ITEMS.c.id == bindparam("item_id"))
            .values(_params(ITEMS, "item_", names)))


_TAKE_OVER = (ITEMS.update()
              .where(ITEMS.c.id == bindparam("item_id"), ITEMS.c.state == "running",
                     ITEMS.c.claimed_by.is_not_distinct_from(bindparam("held_by",
                                                                       type_=String)))
              .values(_params(ITEMS, "item_", _CLAIMED)))
_INSERT_ALERT = insert(ALERTS)
_ATTEMPTS_SINCE = (
    select(*_WITHOUT_RAW)
    .where(CHECKS.c.reverification_run_id == bindparam("run_id"),
           CHECKS.c.coverage_id == bindparam("coverage_id"),
           CHECKS.c.carve_out_of_id.is_(None), CHECKS.c.started_at >= bindparam("since"))
    .order_by(CHECKS.c.started_at.desc())
)
_PREVIOUS = (
    select(CHECKS.c.id, CHECKS.c.status, CHECKS.c.summary)
    .where(CHECKS.c.coverage_id == bindparam("coverage_id"),
           CHECKS.c.payer == bindparam("payer"), CHECKS.c.carve_out_of_id.is_(None),
           CHECKS.c.status.in_(ANSWERED), CHECKS.c.started_at < bindparam("before"),
           CHECKS.c.id != bindparam("other_than"))
    .order_by(CHECKS.c.started_at.desc()).limit(1)
)
_ANY_UNFINISHED = (select(ITEMS.c.id)
                   .where(ITEMS.c.run_id == bindparam("run_id"), ITEMS.c.state.in_(UNFINISHED))
                   .limit(1))


class SqlCheckStore:
    """service.db.check_port.CheckStore on the engine's pool, for any database (SQLite; the
    wiring takes PostgresCheckStore on PostgreSQL). A unit of one statement goes through
    `statements` (service/db/statements.py: in autocommit, one round trip), which a live
    check makes three times and a queue worker on every item; a unit of several statements
    is a transaction on the engine."""

    def __init__(self, engine: Engine, statements: Statements | None = None) -> None:
        self.engine = engine
        self.run = statements if statements is not None else statements_for(engine)

    def starting_point(self, practice_id: uuid.UUID, coverage_id: uuid.UUID, *,
                       route: str | None, doubtful_since: datetime) -> StartingPoint | None:
        params: dict[str, Any] = {"practice_id": practice_id, "coverage_id": coverage_id,
                                  "doubtful_since": doubtful_since}
        statement = _STARTING_POINT
        if route is not None:
            statement, params["route"] = _STARTING_POINT_WITH, route
        row = self.run.first(statement, params)
        return None if row is None else StartingPoint(**row)

    def reuse(self, coverage_id: uuid.UUID, *, question_key: str,
              since: datetime, audit: AuditRow) -> EligibilityCheck | None:
        with self.engine.connect() as conn:
            row = conn.execute(_REUSABLE, {"coverage_id": coverage_id,
                                           "question_key": question_key,
                                           "since": since}).first()
            if row is None:
                return None
            conn.execute(INSERT_AUDIT, {**audit, "resource_id": str(row.id)})
            conn.commit()
        return EligibilityCheck(**row._mapping)

    def in_flight(self, coverage_id: uuid.UUID, *, question_key: str,
                  since: datetime) -> EligibilityCheck | None:
        row = self.run.first(_IN_FLIGHT, {"coverage_id": coverage_id,
                                          "question_key": question_key, "since": since})
        return None if row is None else EligibilityCheck(**row)

    def check(self, check_id: uuid.UUID) -> EligibilityCheck | None:
        row = self.run.first(_ONE, {"check_id": check_id})
        return None if row is None else EligibilityCheck(**row)

    def start(self, check: NewCheck, *, audit: AuditRow,
              claim: ItemClaim | None = None) -> int | None:
        with _one_pending(), self.engine.connect() as conn:
            if claim is not None and conn.execute(
                    _CLAIM, _claim_params(claim, check["started_at"])).rowcount != 1:
                return None  # rolled back as the connection is given back
            number = check["control_number"]
            if number is None:
                number = next_number(conn, "interchange")
            conn.execute(_INSERT_STARTED,
                         _prefixed("started_", {**check, "control_number": number}))
            conn.execute(_INSERT_AUDITED, _prefixed("audit_", audit))
            conn.commit()
        return number

    def abandon(self, coverage_id: uuid.UUID, *, question_key: str, before: datetime,
                at: datetime) -> int:
        return self.run.rowcount(_ABANDON, {"abandoned_coverage": coverage_id,
                                            "abandoned_question": question_key,
                                            "before": before, "at": at})

    def finish(self, check_id: uuid.UUID, outcome: CheckOutcome, *,
               failed: Sequence[FailedRoute] = (), item: ItemRecord | None = None,
               events: Sequence[NewEvent] = ()) -> None:
        if not failed and item is None and not events:
            self.run.rowcount(*_outcome_params(check_id, outcome))
            return
        with self.engine.connect() as conn:
            _record_outcome(conn, check_id, outcome)
            for route in failed:
                conn.execute(_INSERT_CHECK, {**route.check, **route.outcome})
            if item is not None:
                _record_item(conn, item)
            emit(conn, events)
            conn.commit()

    def item(self, item_id: int) -> ReverificationItem | None:
        row = self.run.first(_ITEM, {"item_id": item_id})
        return None if row is None else ReverificationItem(**row)

    def take_over(self, claim: ItemClaim, *, held_by: str | None, at: datetime) -> bool:
        return self.run.rowcount(_TAKE_OVER, {"item_id": claim.item_id, "held_by": held_by,
                                              **_prefixed("item_", _claimed(claim, at))}) == 1

    def attempts_since(self, run_id: uuid.UUID, coverage_id: uuid.UUID,
                       since: datetime) -> list[EligibilityCheck]:
        rows = self.run.all(_ATTEMPTS_SINCE, {"run_id": run_id, "coverage_id": coverage_id,
                                              "since": since})
        return [EligibilityCheck(**row) for row in rows]

    def previous_answer(self, coverage_id: uuid.UUID, *, payer: str, before: datetime,
                        other_than: uuid.UUID) -> PreviousAnswer | None:
        row = self.run.first(_PREVIOUS, {"coverage_id": coverage_id, "payer": payer,
                                         "before": before, "other_than": other_than})
        return None if row is None else PreviousAnswer(row["id"], row["status"], row["summary"])

    def record_item(self, record: ItemRecord) -> None:
        if not record.alerts and not record.events:
            self.run.rowcount(*_item_params(record))
            return
        with self.engine.connect() as conn:
            _record_item(conn, record)
            conn.commit()

    def any_unfinished(self, run_id: uuid.UUID) -> bool:
        return self.run.first(_ANY_UNFINISHED, {"run_id": run_id}) is not None


@contextmanager
def _one_pending() -> Iterator[None]:
    """QuestionInFlight for the unique index on pending questions (SQLite names its columns,
    PostgreSQL the index); other integrity errors as they are."""
    try:
        yield
    except IntegrityError as error:
        found = str(error.orig)
        if PENDING_QUESTION in found or "eligibility_checks.question_key" in found:
            raise QuestionInFlight from None
        raise


def _claimed(claim: ItemClaim, at: datetime) -> dict[str, Any]:
    return {"state": "running", "claimed_by": claim.worker, "claimed_at": at,
            "lease_until": at + claim.lease}


def _claim_params(claim: ItemClaim, at: datetime) -> dict[str, Any]:
    return {"item_id": claim.item_id, "was_state": claim.was_state,
            "was_attempts": claim.was_attempts, **_prefixed("item_", _claimed(claim, at))}


def _outcome_params(check_id: uuid.UUID,
                    outcome: CheckOutcome) -> tuple[Update, dict[str, Any]]:
    return (_outcome(tuple(outcome)),
            {**_prefixed("outcome_", outcome), "finished_check": check_id})


def _item_params(record: ItemRecord) -> tuple[Update, dict[str, Any]]:
    return (_item_update(tuple(record.values)),
            {**_prefixed("item_", record.values), "item_id": record.item_id})


def _record_outcome(conn: Connection, check_id: uuid.UUID, outcome: CheckOutcome) -> None:
    conn.execute(*_outcome_params(check_id, outcome))


def _record_item(conn: Connection, record: ItemRecord) -> None:
    conn.execute(*_item_params(record))
    for alert in record.alerts:
        conn.execute(_INSERT_ALERT, dict(alert))
    emit(conn, record.events)


class PostgresCheckStore(SqlCheckStore):
    """SqlCheckStore with a unit of several writes sent as one statement (data-modifying
    CTEs): a check's start with its audit row, control number and item claim; its outcome
    with its item's record. One round trip each instead of four to six: on the queue
    workers' and the nightly run's many threads, each round trip costs a wait for the
    interpreter lock (bench/reverify.py: CPU per item about 45% higher with the transactions
    SqlCheckStore makes, which SQLite, without data-modifying CTEs, needs)."""

    def start(self, check: NewCheck, *, audit: AuditRow,
              claim: ItemClaim | None = None) -> int | None:
        params = {**_prefixed("started_", check), **_prefixed("audit_", audit)}
        if claim is not None:
            params.update(_claim_params(claim, check["started_at"]))
        with _one_pending():
            row = self.run.first(_STARTS[(check["control_number"] is None, claim is not None)],
                                 params)
        return None if row is None else int(row["control_number"])

    def finish(self, check_id: uuid.UUID, outcome: CheckOutcome, *,
               failed: Sequence[FailedRoute] = (), item: ItemRecord | None = None,
               events: Sequence[NewEvent] = ()) -> None:
        if failed or (item is not None and (item.alerts or item.events)):
            super().finish(check_id, outcome, failed=failed, item=item, events=events)
            return
        # The outcome, the item's record and the events (each with its deliveries) in one
        # statement: the events commit with the check or not at all.
        params = {**_prefixed("outcome_", outcome), "finished_check": check_id}
        for n, event in enumerate(events):
            params.update(parameters(event, f"event{n}_"))
        if item is None:
            self.run.rowcount(_finished_alone(tuple(outcome), len(events)), params)
            return
        self.run.rowcount(_finished_with_item(tuple(outcome), tuple(item.values), len(events)),
                          {**params, **_prefixed("item_", item.values), "item_id": item.item_id})


def _started(drawn: bool, claimed: bool) -> Select[Any]:
    number: ColumnElement[Any] = (DbSequence("interchange_control_number").next_value()
                                  if drawn else _CHECK["control_number"])
    started: Insert
    audited: Insert
    if not claimed:
        started = _INSERT_STARTED.values(control_number=number)
        audited = _INSERT_AUDITED
    else:
        # Written only when the claim took the item: INSERT ... SELECT ... WHERE EXISTS (each
        # parameter is sent with its column's type, which a SELECT list would not infer).
        taken = exists(_CLAIM.returning(ITEMS.c.id).cte("claimed").select())
        started = insert(CHECKS).from_select(list(STARTED), select(*[
            number if name == "control_number" else _CHECK[name]
            for name in STARTED]).where(taken))
        audited = insert(AUDIT).from_select(list(AUDITED), select(
            *[_AUDIT[name] for name in AUDITED]).where(taken))
    rows = started.returning(CHECKS.c.control_number).cte("started")
    return select(rows.c.control_number).add_cte(audited.cte("audited"))


_STARTS = {(drawn, claimed): _started(drawn, claimed)
           for drawn in (True, False) for claimed in (True, False)}


@functools.lru_cache(maxsize=32)
def _finished_with_item(outcome: tuple[str, ...], item: tuple[str, ...], events: int) -> Update:
    return _item_update(item).add_cte(_outcome(outcome).cte("outcome"), *_event_ctes(events))


@functools.lru_cache(maxsize=32)
def _finished_alone(outcome: tuple[str, ...], events: int) -> Update:
    return _outcome(outcome).add_cte(*_event_ctes(events))


def _event_ctes(events: int) -> list[Any]:
    """Each event's row and its deliveries as data-modifying CTEs, parameters apart."""
    return [part for n in range(events)
            for part in (insert_event(f"event{n}_").cte(f"event{n}"),
                         fan_out(f"event{n}_").cte(f"event{n}_deliveries"))]


def check_store_for(engine: Engine, statements: Statements) -> SqlCheckStore:
    """The check store for the engine's database."""
    if engine.dialect.name == "postgresql":
        return PostgresCheckStore(engine, statements)
    return SqlCheckStore(engine, statements)
