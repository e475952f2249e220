"""The check store on SQLAlchemy Core: checks, their audit rows and nightly items."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Select,
    String,
    Table,
    bindparam,
    func,
    insert,
    select,
)

from service.check_store import (
    AuditRow,
    CheckOutcome,
    FailedRoute,
    ItemClaim,
    ItemRecord,
    NewCheck,
    PreviousAnswer,
    StartingPoint,
)
from service.db.checks import ANSWERED
from service.db.models import (
    Alert,
    Coverage,
    EligibilityCheck,
    Patient,
    Practice,
    ReverificationItem,
)
from service.db.repositories import INSERT_AUDIT, next_number

CHECKS = cast(Table, EligibilityCheck.__table__)
COVERAGES = cast(Table, Coverage.__table__)
PATIENTS = cast(Table, Patient.__table__)
PRACTICES = cast(Table, Practice.__table__)
ITEMS = cast(Table, ReverificationItem.__table__)
ALERTS = cast(Table, Alert.__table__)
UNFINISHED = ("pending", "running", "retry")
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
    return (
        select(cov.id, cov.payer, cov.member_id, cov.relationship, cov.network_status,
               cov.subscriber_first_name, cov.subscriber_last_name, cov.subscriber_birth_date,
               cov.subscriber_gender, cov.subscriber_member_id,
               pat.first_name, pat.last_name, pat.birth_date, pat.gender,
               PRACTICES.c.name.label("practice_name"), PRACTICES.c.npi.label("practice_npi"),
               doubt.label("doubt_started_at"))
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
    .where(CHECKS.c.coverage_id == bindparam("coverage_id"), CHECKS.c.payer == bindparam("payer"),
           CHECKS.c.status.in_(ANSWERED),
           CHECKS.c.service_types == bindparam("service_types"),
           CHECKS.c.started_at >= bindparam("since"))
    .order_by(CHECKS.c.started_at.desc()).limit(1)
)
_INSERT_CHECK = insert(CHECKS)
_RECORD_OUTCOME = CHECKS.update().where(CHECKS.c.id == bindparam("check_id"))
_ITEM = select(ITEMS).where(ITEMS.c.id == bindparam("item_id"))
_CLAIMED = ("state", "claimed_by", "claimed_at", "lease_until")
# A guarded UPDATE is the claim: of two workers, exactly one sees rowcount 1.
_CLAIM = ITEMS.update().where(ITEMS.c.id == bindparam("item_id"),
                              ITEMS.c.state == bindparam("was_state"),
                              ITEMS.c.attempts == bindparam("was_attempts"))
_TAKE_OVER = ITEMS.update().where(ITEMS.c.id == bindparam("item_id"),
                                  ITEMS.c.state == "running",
                                  ITEMS.c.claimed_by.is_not_distinct_from(bindparam(
                                      "held_by", type_=String)))
_RECORD_ITEM = ITEMS.update().where(ITEMS.c.id == bindparam("item_id"))
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
    """service.check_store.CheckStore on the engine's pool. A unit of one statement runs on
    a connection in autocommit: on PostgreSQL that is one round trip instead of three (BEGIN,
    the statement, COMMIT), which a live check makes twice and a queue worker on every item."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.alone = engine.execution_options(isolation_level="AUTOCOMMIT")

    def starting_point(self, practice_id: uuid.UUID, coverage_id: uuid.UUID, *,
                       route: str | None, doubtful_since: datetime) -> StartingPoint | None:
        params: dict[str, Any] = {"practice_id": practice_id, "coverage_id": coverage_id,
                                  "doubtful_since": doubtful_since}
        statement = _STARTING_POINT
        if route is not None:
            statement, params["route"] = _STARTING_POINT_WITH, route
        with self.alone.connect() as conn:
            row = conn.execute(statement, params).first()
        return None if row is None else StartingPoint(**row._mapping)

    def reuse(self, coverage_id: uuid.UUID, *, payer: str, service_types: str,
              since: datetime, audit: AuditRow) -> EligibilityCheck | None:
        with self.engine.connect() as conn:
            row = conn.execute(_REUSABLE, {"coverage_id": coverage_id, "payer": payer,
                                           "service_types": service_types,
                                           "since": since}).first()
            if row is None:
                return None
            conn.execute(INSERT_AUDIT, {**audit, "resource_id": str(row.id)})
            conn.commit()
        return EligibilityCheck(**row._mapping)

    def start(self, check: NewCheck, *, audit: AuditRow,
              claim: ItemClaim | None = None) -> int | None:
        with self.engine.connect() as conn:
            if claim is not None and not _claim(conn, claim, check["started_at"]):
                return None  # rolled back as the connection is given back
            number = check["control_number"]
            if number is None:
                number = next_number(conn, "interchange")
            conn.execute(_INSERT_CHECK, {**check, "control_number": number})
            conn.execute(INSERT_AUDIT, audit)
            conn.commit()
        return number

    def finish(self, check_id: uuid.UUID, outcome: CheckOutcome, *,
               failed: Sequence[FailedRoute] = (), item: ItemRecord | None = None) -> None:
        if not failed and item is None:
            with self.alone.connect() as conn:
                conn.execute(_RECORD_OUTCOME, {**outcome, "check_id": check_id})
                conn.commit()
            return
        with self.engine.connect() as conn:
            conn.execute(_RECORD_OUTCOME, {**outcome, "check_id": check_id})
            for route in failed:
                conn.execute(_INSERT_CHECK, {**route.check, **route.outcome})
            if item is not None:
                _record_item(conn, item)
            conn.commit()

    def item(self, item_id: int) -> ReverificationItem | None:
        with self.alone.connect() as conn:
            row = conn.execute(_ITEM, {"item_id": item_id}).first()
        return None if row is None else ReverificationItem(**row._mapping)

    def take_over(self, claim: ItemClaim, *, held_by: str | None, at: datetime) -> bool:
        with self.alone.connect() as conn:
            taken = conn.execute(_TAKE_OVER, {"item_id": claim.item_id, "held_by": held_by,
                                              **_claimed(claim, at)})
            conn.commit()
        return bool(taken.rowcount == 1)

    def attempts_since(self, run_id: uuid.UUID, coverage_id: uuid.UUID,
                       since: datetime) -> list[EligibilityCheck]:
        with self.alone.connect() as conn:
            rows = conn.execute(_ATTEMPTS_SINCE, {"run_id": run_id, "coverage_id": coverage_id,
                                                  "since": since}).all()
        return [EligibilityCheck(**row._mapping) for row in rows]

    def previous_answer(self, coverage_id: uuid.UUID, *, payer: str, before: datetime,
                        other_than: uuid.UUID) -> PreviousAnswer | None:
        with self.alone.connect() as conn:
            row = conn.execute(_PREVIOUS, {"coverage_id": coverage_id, "payer": payer,
                                           "before": before, "other_than": other_than}).first()
        return None if row is None else PreviousAnswer(row.id, row.status, row.summary)

    def record_item(self, record: ItemRecord) -> None:
        with (self.engine if record.alerts else self.alone).connect() as conn:
            _record_item(conn, record)
            conn.commit()

    def any_unfinished(self, run_id: uuid.UUID) -> bool:
        with self.alone.connect() as conn:
            return conn.execute(_ANY_UNFINISHED, {"run_id": run_id}).first() is not None


def _claimed(claim: ItemClaim, at: datetime) -> dict[str, Any]:
    return {"state": "running", "claimed_by": claim.worker, "claimed_at": at,
            "lease_until": at + claim.lease}


def _claim(conn: Connection, claim: ItemClaim, at: datetime) -> bool:
    taken = conn.execute(_CLAIM, {"item_id": claim.item_id, "was_state": claim.was_state,
                                  "was_attempts": claim.was_attempts, **_claimed(claim, at)})
    return bool(taken.rowcount == 1)


def _record_item(conn: Connection, record: ItemRecord) -> None:
    conn.execute(_RECORD_ITEM, {**record.values, "item_id": record.item_id})
    for alert in record.alerts:
        conn.execute(_INSERT_ALERT, dict(alert))
