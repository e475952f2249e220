"""Eligibility checks in the database: what a check starts from, its rows, its history."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    Table,
    bindparam,
    func,
    insert,
    literal_column,
    select,
)
from sqlalchemy.orm import Session, defer

from service.db.direct import DirectReads, bind, cast_sql
from service.db.models import Coverage, EligibilityCheck, Patient, Practice
from service.db.repositories import AUDIT, AUDITED, INSERT_AUDIT, CounterRepository

if TYPE_CHECKING:
    from service.db.uow import UnitOfWork

CHECKS = cast(Table, EligibilityCheck.__table__)
COVERAGES = cast(Table, Coverage.__table__)
PATIENTS = cast(Table, Patient.__table__)
PRACTICES = cast(Table, Practice.__table__)
ANSWERED = ("active", "inactive")


class EligibilityCheckRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, check: EligibilityCheck) -> None:
        self.session.add(check)

    def get(self, practice_id: uuid.UUID, check_id: uuid.UUID) -> EligibilityCheck | None:
        return self.session.scalars(
            select(EligibilityCheck).where(
                EligibilityCheck.practice_id == practice_id, EligibilityCheck.id == check_id
            )
        ).first()

    def reusable(self, coverage_id: uuid.UUID, *, payer: str, service_types: str,
                 since: datetime) -> EligibilityCheck | None:
        """The newest answered check of these service types since `since` (raw X12 not
        loaded)."""
        return self.session.scalars(
            select(EligibilityCheck)
            .options(defer(EligibilityCheck.request_raw), defer(EligibilityCheck.response_raw))
            .where(EligibilityCheck.coverage_id == coverage_id,
                   EligibilityCheck.payer == payer,
                   EligibilityCheck.status.in_(ANSWERED),
                   EligibilityCheck.service_types == service_types,
                   EligibilityCheck.started_at >= since)
            .order_by(EligibilityCheck.started_at.desc()).limit(1)
        ).first()

    def insert_started(self, values: dict[str, Any], audit: dict[str, Any], *,
                       numbered: bool) -> int:
        """Insert a check as it starts (`values`: every column of STARTED) with its audit
        row; returns its control number: the next interchange number when `numbered`, else
        `values["control_number"]`. On PostgreSQL this is one statement (the number from
        the sequence, the audit row in a data-modifying CTE), which commits on its own."""
        connection = self.session.connection()
        if connection.dialect.name == "postgresql":
            fused = _STARTED_NUMBERED if numbered else _STARTED_AS_GIVEN
            params = {**{f"check_{k}": v for k, v in values.items()},
                      **{f"audit_{k}": v for k, v in audit.items()}}
            return int(connection.execute(fused, params).scalar_one())
        if numbered:
            values = {**values, "control_number": CounterRepository(self.session).next(
                "interchange")}
        connection.execute(_INSERT_STARTED, values)
        connection.execute(INSERT_AUDIT, audit)
        return int(values["control_number"])

    def record_outcome(self, check_id: uuid.UUID, values: dict[str, object]) -> None:
        """Write a finished check's outcome in one UPDATE (no read first)."""
        self.session.connection().execute(_RECORD_OUTCOME, {**values, "check_id": check_id})

    def history(
        self, practice_id: uuid.UUID, coverage_id: uuid.UUID, *, offset: int, limit: int
    ) -> tuple[Sequence[EligibilityCheck], int]:
        query = select(EligibilityCheck).where(
            EligibilityCheck.practice_id == practice_id,
            EligibilityCheck.coverage_id == coverage_id,
        )
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = self.session.scalars(
            query.order_by(EligibilityCheck.started_at.desc(), EligibilityCheck.id)
            .offset(offset)
            .limit(limit)
        ).all()
        return rows, total


def _starting_point(payer: ColumnElement[str]) -> Select[*tuple[Any, ...]]:
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


# A live check's statements are Core statements, built once and run with parameters: the
# ORM's unit-of-work machinery, or building a statement with its values each time (every
# value coerced, the cache key recomputed), costs more CPU than running the statement.
_STARTING_POINT = _starting_point(COVERAGES.c.payer)
_STARTING_POINT_WITH = _starting_point(bindparam("route", type_=String))


def _starting_point_sql(payer: str) -> str:
    """_starting_point in PostgreSQL's SQL, for the direct reads (service/db/direct.py)."""
    # `payer` is one of the two constants below, never a value.
    return (
        "SELECT c.id, c.payer, c.member_id, c.relationship, c.network_status, "  # noqa: S608
        "c.subscriber_first_name, c.subscriber_last_name, c.subscriber_birth_date, "
        "c.subscriber_gender, c.subscriber_member_id, "
        "p.first_name, p.last_name, p.birth_date, p.gender, "
        "pr.name AS practice_name, pr.npi AS practice_npi, "
        "(SELECT max(e.started_at) FROM eligibility_checks e "
        f" WHERE e.coverage_id = c.id AND e.payer = {payer} AND e.status = 'error' "
        "  AND e.reached_payer IS true AND e.started_at >= %(doubtful_since)s"
        ") AS doubt_started_at "
        "FROM coverages c JOIN patients p ON p.id = c.patient_id "
        "JOIN practices pr ON pr.id = c.practice_id "
        "WHERE c.practice_id = %(practice_id)s AND c.id = %(coverage_id)s")


_STARTING_POINT_SQL = _starting_point_sql("c.payer")
_STARTING_POINT_WITH_SQL = _starting_point_sql("%(route)s")


def starting_point(uow: Callable[[], UnitOfWork], practice_id: uuid.UUID,
                   coverage_id: uuid.UUID, *, route: str | None,
                   doubtful_since: datetime) -> SimpleNamespace | None:
    """In one read of its own: the coverage with what the payer is told of its patient and
    practice, and `doubt_started_at`: when the newest attempt with `route` (default: the
    coverage's payer) since `doubtful_since` began that may have reached the payer without
    an answer (the 90-second rule), or None."""
    params: dict[str, Any] = {"practice_id": practice_id, "coverage_id": coverage_id,
                              "doubtful_since": doubtful_since}
    if route is None:
        row = uow().read_first(_STARTING_POINT, _STARTING_POINT_SQL, params)
    else:
        row = uow().read_first(_STARTING_POINT_WITH, _STARTING_POINT_WITH_SQL,
                               {**params, "route": route})
    return None if row is None else SimpleNamespace(**row)


STARTED = ("id", "practice_id", "coverage_id", "payer", "service_types", "service_date",
           "provider_npi", "network_status", "status", "reached_payer", "trace_number",
           "control_number", "requested_by", "started_at", "carve_out_of_id",
           "reverification_run_id", "error_code", "error_message", "checked_at")
_INSERT_STARTED = insert(CHECKS).values({name: bindparam(name) for name in STARTED})


def _fused(number: ColumnElement[Any]) -> Select[int]:
    # Parameter names differ from column names: a parameter named like a column that a
    # statement leaves out (audit_log.id) would be taken as a value for it.
    started = (insert(CHECKS)
               .values({name: number if name == "control_number" else bindparam(f"check_{name}")
                        for name in STARTED})
               .returning(CHECKS.c.control_number).cte("started"))
    audited = insert(AUDIT).values(
        {name: bindparam(f"audit_{name}") for name in AUDITED}).cte("audited")
    return select(started.c.control_number).add_cte(audited)


_STARTED_NUMBERED = _fused(func.nextval(literal_column("'interchange_control_number'")))
_STARTED_AS_GIVEN = _fused(bindparam("check_control_number"))
_RECORD_OUTCOME = CHECKS.update().where(CHECKS.c.id == bindparam("check_id"))


def _fused_sql(numbered: bool) -> str:
    """_fused in PostgreSQL's SQL, for the direct writes (service/db/direct.py)."""
    number = "nextval('interchange_control_number')" if numbered else "%(check_control_number)s"
    values = ", ".join(number if name == "control_number" else f"%(check_{name})s"
                       for name in STARTED)
    # Names from our own table metadata, never a value.
    return (f"WITH audited AS (INSERT INTO {AUDIT.name} ({', '.join(AUDITED)}) "  # noqa: S608
            f"VALUES ({', '.join(f'%(audit_{name})s' for name in AUDITED)})), "
            f"started AS (INSERT INTO {CHECKS.name} ({', '.join(STARTED)}) VALUES ({values}) "
            "RETURNING control_number) SELECT control_number FROM started")


_STARTED_NUMBERED_SQL = _fused_sql(numbered=True)
_STARTED_AS_GIVEN_SQL = _fused_sql(numbered=False)


@dataclass(frozen=True)
class Companion:
    """A caller's own statement in PostgreSQL's SQL, run fused with one of a check's writes
    (one statement: one round trip, one commit). Its parameters (psycopg's %(name)s, values
    as the driver takes them: see direct.bind) are named apart from the check's."""

    sql: str
    params: Mapping[str, Any]


@functools.lru_cache(maxsize=16)
def _guarded_sql(numbered: bool, guard: str) -> str:
    """_fused_sql with the rows written only when `guard` (a data-modifying statement with
    RETURNING) returns a row; INSERT ... SELECT, so each value is cast to its column's type."""
    number = ("nextval('interchange_control_number')" if numbered
              else cast_sql(CHECKS.c.control_number, "check_control_number"))
    values = ", ".join(number if name == "control_number"
                       else cast_sql(CHECKS.c[name], f"check_{name}") for name in STARTED)
    audited = ", ".join(cast_sql(AUDIT.c[name], f"audit_{name}") for name in AUDITED)
    # Names from our own table metadata and the caller's constant SQL, never a value.
    return (f"WITH guard AS ({guard}), "  # noqa: S608
            f"audited AS (INSERT INTO {AUDIT.name} ({', '.join(AUDITED)}) SELECT {audited} "
            "WHERE EXISTS (SELECT FROM guard)), "
            f"started AS (INSERT INTO {CHECKS.name} ({', '.join(STARTED)}) SELECT {values} "
            "WHERE EXISTS (SELECT FROM guard) RETURNING control_number) "
            "SELECT control_number FROM started")


@functools.lru_cache(maxsize=32)
def _outcome_sql(names: tuple[str, ...]) -> str:
    """_RECORD_OUTCOME for these columns in PostgreSQL's SQL (an outcome sets one of a few
    column sets: an answer, a payer error, a fault of ours)."""
    unknown = set(names) - set(CHECKS.c.keys())
    if unknown:
        raise ValueError(f"not columns of {CHECKS.name}: {sorted(unknown)}")
    sets = ", ".join(f"{name} = %({name})s" for name in names)
    return f"UPDATE {CHECKS.name} SET {sets} WHERE id = %(check_id)s"  # noqa: S608 - names


def _direct_value(name: str, value: Any) -> Any:
    return bind(CHECKS.c[name], value)


def _started_params(values: Mapping[str, Any], audit: Mapping[str, Any]) -> dict[str, Any]:
    return {**{f"check_{k}": _direct_value(k, v) for k, v in values.items()},
            **{f"audit_{k}": bind(AUDIT.c[k], v) for k, v in audit.items()}}


def insert_started_alone(uow: Callable[[], UnitOfWork], values: dict[str, Any],
                         audit: dict[str, Any], *, numbered: bool) -> int:
    """insert_started as a statement of its own (it commits alone); on PostgreSQL straight
    through psycopg, with no session or pool checkout."""
    unit = uow()
    direct = unit.direct_writes()
    if direct is None:
        with unit as work:
            work.autocommit()
            number = work.checks.insert_started(values, audit, numbered=numbered)
            work.commit()
        return number
    row = direct.write(_STARTED_NUMBERED_SQL if numbered else _STARTED_AS_GIVEN_SQL,
                       _started_params(values, audit))
    if row is None:
        raise RuntimeError("the check's INSERT returned no control number")
    return int(row[0])


def record_outcome_alone(uow: Callable[[], UnitOfWork], check_id: uuid.UUID,
                         values: dict[str, Any]) -> None:
    """record_outcome as a statement of its own (it commits alone), direct on PostgreSQL."""
    unit = uow()
    direct = unit.direct_writes()
    if direct is None:
        with unit as work:
            work.autocommit()
            work.checks.record_outcome(check_id, values)
            work.commit()
        return
    params = {name: _direct_value(name, value) for name, value in values.items()}
    direct.write(_outcome_sql(tuple(values)), {**params, "check_id": check_id})


def _with_companion(params: dict[str, Any], companion: Companion) -> dict[str, Any]:
    clash = set(params) & set(companion.params)
    if clash:
        raise ValueError(f"the companion's parameters clash with the check's: {sorted(clash)}")
    return {**params, **companion.params}


def insert_started_guarded(direct: DirectReads, values: dict[str, Any],
                           audit: dict[str, Any], *, numbered: bool,
                           guard: Companion) -> int | None:
    """insert_started and the caller's `guard` as one statement (direct, PostgreSQL): the
    check and its audit row are written only if the guard returns a row. The control number,
    or None when the guard matched nothing (and nothing was written)."""
    row = direct.write(_guarded_sql(numbered, guard.sql),
                       _with_companion(_started_params(values, audit), guard))
    return None if row is None else int(row[0])


@functools.lru_cache(maxsize=32)
def _outcome_with_sql(names: tuple[str, ...], companion: str) -> str:
    return f"WITH outcome AS ({_outcome_sql(names)}) {companion}"


def record_outcome_with(direct: DirectReads, check_id: uuid.UUID, values: dict[str, Any],
                        companion: Companion) -> None:
    """record_outcome and the caller's `companion` as one statement (direct, PostgreSQL)."""
    params = {name: _direct_value(name, value) for name, value in values.items()}
    direct.write(_outcome_with_sql(tuple(values), companion.sql),
                 _with_companion({**params, "check_id": check_id}, companion))
