"""Repositories: queries scoped to one practice; they add and read, and never commit."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar, cast

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    Table,
    bindparam,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy import (
    Sequence as DbSequence,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session

from service.db.keyset import Order, by, keyset_page
from service.db.models import (
    ApiKey,
    AuditEvent,
    Base,
    ControlCounter,
    Coverage,
    Patient,
    Practice,
)
from service.domain.paging import Keys, Slice

AUDIT = cast(Table, AuditEvent.__table__)
AUDITED = ("public_id", "practice_id", "actor", "action", "resource_type", "resource_id",
           "request_id", "at")
# Built once and run with parameters (see service/db/check_store.py).
INSERT_AUDIT = insert(AUDIT).values({name: bindparam(name) for name in AUDITED})
COUNTERS = cast(Table, ControlCounter.__table__)

Record = TypeVar("Record", bound=Base)
PATIENT_ORDERS = {"created": by(Patient.created_at, Patient.id),
                  "updated": by(Patient.updated_at, Patient.id)}
# A key changes when it is revoked (its last use is not a change of the key).
KEY_CHANGED = func.coalesce(ApiKey.revoked_at, ApiKey.created_at)
KEY_ORDERS = {"newest": by(ApiKey.created_at, ApiKey.id, descending=True),
              "updated": Order((KEY_CHANGED, ApiKey.id),
                               lambda k: (k.revoked_at or k.created_at, k.id))}
AUDIT_ORDERS = {"newest": by(AuditEvent.at, AuditEvent.public_id, descending=True),
                "updated": by(AuditEvent.at, AuditEvent.public_id)}


def in_practice(session: Session, model: type[Record], practice_id: uuid.UUID,
                record_id: uuid.UUID, *, lock: bool = False) -> Record | None:
    """The record with this id if it is the practice's: another practice's id is simply not
    found. `lock` takes its row lock."""
    query = select(model).filter_by(practice_id=practice_id, id=record_id)
    return session.scalars(query.with_for_update() if lock else query).first()


def page_of(session: Session, query: Select[Record],
            *order: ColumnElement[Any] | InstrumentedAttribute[Any], offset: int,
            limit: int) -> tuple[Sequence[Record], int]:
    """A page of the query's records in this order, and how many records it finds in all."""
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    return session.scalars(query.order_by(*order).offset(offset).limit(limit)).all(), total


class PracticeRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, practice: Practice) -> None:
        self.session.add(practice)

    def get(self, practice_id: uuid.UUID) -> Practice | None:
        return self.session.get(Practice, practice_id)

    def first(self) -> Practice | None:
        return self.session.scalars(select(Practice).order_by(Practice.created_at)).first()


class ApiKeyRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, key: ApiKey) -> None:
        self.session.add(key)

    def get(self, practice_id: uuid.UUID, key_id: uuid.UUID) -> ApiKey | None:
        return in_practice(self.session, ApiKey, practice_id, key_id)

    def list(self, practice_id: uuid.UUID, *, revoked: bool | None, offset: int,
             limit: int) -> tuple[Sequence[ApiKey], int]:
        """The practice's keys, newest first; `revoked` narrows to revoked or live ones."""
        return page_of(self.session, self._matching(practice_id, revoked),
                       ApiKey.created_at.desc(), ApiKey.id.desc(), offset=offset, limit=limit)

    def by_cursor(self, practice_id: uuid.UUID, part: Slice, *, revoked: bool | None,
                  updated_since: datetime | None) -> tuple[Sequence[ApiKey], Keys | None]:
        """A page by cursor, newest first; or, since an instant, the keys created or
        revoked since, oldest change first."""
        query = self._matching(practice_id, revoked)
        if updated_since is not None:
            query = query.where(KEY_CHANGED >= updated_since)
        return keyset_page(self.session, query, KEY_ORDERS[part.order], after=part.after,
                           limit=part.limit)

    @staticmethod
    def _matching(practice_id: uuid.UUID, revoked: bool | None) -> Select[ApiKey]:
        query = select(ApiKey).where(ApiKey.practice_id == practice_id)
        if revoked is not None:
            query = query.where(ApiKey.revoked_at.is_not(None) if revoked
                                else ApiKey.revoked_at.is_(None))
        return query

    def live_with_scope(self, practice_id: uuid.UUID, scope: str) -> Sequence[ApiKey]:
        """The practice's keys not revoked that hold `scope`, their rows locked: of two
        revocations at once, the second waits and then counts without the first's key."""
        live = self.session.scalars(select(ApiKey).where(
            ApiKey.practice_id == practice_id, ApiKey.revoked_at.is_(None)).with_for_update()
        ).all()
        return [key for key in live if scope in key.scope_set]


class PatientRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, patient: Patient) -> None:
        self.session.add(patient)

    def get(self, practice_id: uuid.UUID, patient_id: uuid.UUID, *,
            lock: bool = False) -> Patient | None:
        return in_practice(self.session, Patient, practice_id, patient_id, lock=lock)

    def by_external_id(self, practice_id: uuid.UUID, external_id: str) -> Patient | None:
        return self.session.scalars(
            select(Patient).where(
                Patient.practice_id == practice_id, Patient.external_id == external_id
            )
        ).first()

    def search(
        self,
        practice_id: uuid.UUID,
        *,
        external_id: str | None,
        q: str | None,
        offset: int,
        limit: int,
    ) -> tuple[Sequence[Patient], int]:
        return page_of(self.session, self._matching(practice_id, external_id, q),
                       Patient.last_name, Patient.first_name, Patient.id,
                       offset=offset, limit=limit)

    def by_cursor(self, practice_id: uuid.UUID, part: Slice, *, external_id: str | None,
                  q: str | None, updated_since: datetime | None) -> tuple[Sequence[Patient],
                                                                       Keys | None]:
        """A page by cursor: in the order patients were added, or of their changes since."""
        query = self._matching(practice_id, external_id, q)
        if updated_since is not None:
            query = query.where(Patient.updated_at >= updated_since)
        return keyset_page(self.session, query, PATIENT_ORDERS[part.order], after=part.after,
                           limit=part.limit)

    @staticmethod
    def _matching(practice_id: uuid.UUID, external_id: str | None,
                  q: str | None) -> Select[Patient]:
        query = select(Patient).where(Patient.practice_id == practice_id)
        if external_id is not None:
            query = query.where(Patient.external_id == external_id)
        for word in (q or "").lower().split():
            pattern = f"%{_escape_like(word)}%"
            query = query.where(
                or_(
                    func.lower(Patient.first_name).like(pattern, escape="\\"),
                    func.lower(Patient.last_name).like(pattern, escape="\\"),
                )
            )
        return query


class CoverageRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, coverage: Coverage) -> None:
        self.session.add(coverage)

    def get(self, practice_id: uuid.UUID, coverage_id: uuid.UUID, *,
            lock: bool = False) -> Coverage | None:
        """`lock` takes the coverage's row lock: the first lock of a ledger writer, as the
        version-stamp triggers take it on a booking's first write (migration 0008)."""
        return in_practice(self.session, Coverage, practice_id, coverage_id, lock=lock)

    def for_patient(
        self, practice_id: uuid.UUID, patient_id: uuid.UUID, *, offset: int, limit: int
    ) -> tuple[Sequence[Coverage], int]:
        query = select(Coverage).where(
            Coverage.practice_id == practice_id, Coverage.patient_id == patient_id
        )
        return page_of(self.session, query, Coverage.priority, Coverage.created_at, Coverage.id,
                       offset=offset, limit=limit)

    def active_for_patient(self, practice_id: uuid.UUID,
                           patient_id: uuid.UUID) -> Sequence[Coverage]:
        """The patient's coverages not ended, oldest first."""
        return self.session.scalars(select(Coverage).where(
            Coverage.practice_id == practice_id, Coverage.patient_id == patient_id,
            Coverage.end_date.is_(None)).order_by(Coverage.created_at, Coverage.id)).all()


class AuditRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add_all(self, row: Mapping[str, Any], resource_ids: Iterable[object]) -> None:
        """The rows in one Core INSERT, built as plain values: a list page audits each of its
        rows (the schedule up to a thousand), and building and flushing as many ORM objects
        would cost more than the page's query and rendering together."""
        rows = [{**row, "resource_id": str(rid), "public_id": uuid.uuid4()}
                for rid in resource_ids]
        if rows:
            self.session.connection().execute(INSERT_AUDIT, rows)

    def write(self, values: dict[str, Any]) -> None:
        """One row, as a Core INSERT (a hot path's single statement)."""
        self.session.connection().execute(INSERT_AUDIT, values)

    def list(
        self, practice_id: uuid.UUID, *, offset: int, limit: int
    ) -> tuple[Sequence[AuditEvent], int]:
        query = select(AuditEvent).where(AuditEvent.practice_id == practice_id)
        return page_of(self.session, query, AuditEvent.at.desc(), AuditEvent.id.desc(),
                       offset=offset, limit=limit)

    def by_cursor(self, practice_id: uuid.UUID, part: Slice, *,
                  updated_since: datetime | None) -> tuple[Sequence[AuditEvent], Keys | None]:
        """A page by cursor, newest first; or, since an instant, oldest first (rows never
        change). Keyed by public id after time: the row id never leaves the database."""
        query = select(AuditEvent).where(AuditEvent.practice_id == practice_id)
        if updated_since is not None:
            query = query.where(AuditEvent.at >= updated_since)
        return keyset_page(self.session, query, AUDIT_ORDERS[part.order], after=part.after,
                           limit=part.limit)


class CounterRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def next(self, name: str) -> int:
        """The next value: never shared by concurrent callers, never reused."""
        return next_number(self.session.connection(), name)


def next_number(conn: Connection, name: str) -> int:
    """The next value of counter `name`, drawn in `conn`'s transaction.

    PostgreSQL draws from a sequence (no row lock to queue on; see migration 0003);
    SQLite bumps the counter row in one statement (its writers are serialized anyway).
    """
    if conn.dialect.name == "postgresql":
        return int(conn.execute(_draw(name)).scalar_one())
    bump = (
        update(COUNTERS)
        .where(COUNTERS.c.name == name)
        .values(value=COUNTERS.c.value + 1)
        .returning(COUNTERS.c.value)
    )
    value = conn.execute(bump).scalar_one_or_none()
    if value is None:
        # The migration seeds the counter; should the row be missing, the first caller
        # creates it (a racing second caller's insert fails and it bumps instead).
        try:
            with conn.begin_nested():
                conn.execute(insert(COUNTERS).values(name=name, value=1))
            return 1
        except IntegrityError:
            value = conn.execute(bump).scalar_one()
    return int(value)


@functools.lru_cache(maxsize=4)
def _draw(name: str) -> Select[Any]:
    return select(DbSequence(f"{name}_control_number").next_value())


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
