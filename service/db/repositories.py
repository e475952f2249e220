"""Repositories: queries scoped to one practice; they add and read, and never commit."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import cast

from sqlalchemy import Table, and_, false, func, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, defer

from service.db.models import (
    ApiKey,
    AuditEvent,
    ControlCounter,
    Coverage,
    EligibilityCheck,
    FeeScheduleEntry,
    Patient,
    Practice,
    PracticeSettings,
)


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

    def by_prefix(self, prefix: str) -> ApiKey | None:
        return self.session.scalars(select(ApiKey).where(ApiKey.prefix == prefix)).first()


class PatientRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, patient: Patient) -> None:
        self.session.add(patient)

    def get(self, practice_id: uuid.UUID, patient_id: uuid.UUID) -> Patient | None:
        return self.session.scalars(
            select(Patient).where(Patient.practice_id == practice_id, Patient.id == patient_id)
        ).first()

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
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = self.session.scalars(
            query.order_by(Patient.last_name, Patient.first_name, Patient.id)
            .offset(offset)
            .limit(limit)
        ).all()
        return rows, total


class CoverageRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, coverage: Coverage) -> None:
        self.session.add(coverage)

    def get(self, practice_id: uuid.UUID, coverage_id: uuid.UUID) -> Coverage | None:
        return self.session.scalars(
            select(Coverage).where(
                Coverage.practice_id == practice_id, Coverage.id == coverage_id
            )
        ).first()

    def with_people(
        self, practice_id: uuid.UUID, coverage_id: uuid.UUID
    ) -> tuple[Coverage, Patient, Practice] | None:
        """The coverage with its patient and practice, in one query."""
        row = self.session.execute(
            select(Coverage, Patient, Practice)
            .join(Patient, Patient.id == Coverage.patient_id)
            .join(Practice, Practice.id == Coverage.practice_id)
            .where(Coverage.practice_id == practice_id, Coverage.id == coverage_id)
        ).first()
        return None if row is None else (row[0], row[1], row[2])

    def for_verdict(
        self, practice_id: uuid.UUID, coverage_id: uuid.UUID, code: str
    ) -> tuple[Coverage, PracticeSettings | None, FeeScheduleEntry | None] | None:
        """The coverage with its practice's settings and the fee for `code`, in one query."""
        row = self.session.execute(
            select(Coverage, PracticeSettings, FeeScheduleEntry)
            .outerjoin(PracticeSettings, PracticeSettings.practice_id == Coverage.practice_id)
            .outerjoin(FeeScheduleEntry, and_(
                FeeScheduleEntry.practice_id == Coverage.practice_id,
                FeeScheduleEntry.payer == Coverage.payer, FeeScheduleEntry.code == code))
            .where(Coverage.practice_id == practice_id, Coverage.id == coverage_id)
        ).first()
        return None if row is None else (row[0], row[1], row[2])

    def for_patient(
        self, practice_id: uuid.UUID, patient_id: uuid.UUID, *, offset: int, limit: int
    ) -> tuple[Sequence[Coverage], int]:
        query = select(Coverage).where(
            Coverage.practice_id == practice_id, Coverage.patient_id == patient_id
        )
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = self.session.scalars(
            query.order_by(Coverage.priority, Coverage.created_at, Coverage.id)
            .offset(offset)
            .limit(limit)
        ).all()
        return rows, total


class AuditRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add_all(self, events: Sequence[AuditEvent]) -> None:
        self.session.add_all(events)

    def list(
        self, practice_id: uuid.UUID, *, offset: int, limit: int
    ) -> tuple[Sequence[AuditEvent], int]:
        query = select(AuditEvent).where(AuditEvent.practice_id == practice_id)
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = self.session.scalars(
            query.order_by(AuditEvent.id.desc()).offset(offset).limit(limit)
        ).all()
        return rows, total


class CounterRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def next(self, name: str) -> int:
        """The next value: never shared by concurrent callers, never reused.

        PostgreSQL draws from a sequence (no row lock to queue on; see migration 0003);
        SQLite bumps the counter row in one statement (its writers are serialized anyway).
        """
        if self.session.get_bind().dialect.name == "postgresql":
            return int(self.session.execute(
                text("SELECT nextval(:seq)"), {"seq": f"{name}_control_number"}
            ).scalar_one())
        bump = (
            update(ControlCounter)
            .where(ControlCounter.name == name)
            .values(value=ControlCounter.value + 1)
            .returning(ControlCounter.value)
        )
        value = self.session.execute(bump).scalar_one_or_none()
        if value is None:
            # The migration seeds the counter; should the row be missing, the first caller
            # creates it (a racing second caller's insert fails and it bumps instead).
            try:
                with self.session.begin_nested():
                    self.session.add(ControlCounter(name=name, value=1))
                return 1
            except IntegrityError:
                value = self.session.execute(bump).scalar_one()
        return int(value)


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

    def recent(
        self, coverage_id: uuid.UUID, *, payer: str, service_types: str,
        answered_since: datetime | None, doubtful_since: datetime,
    ) -> tuple[EligibilityCheck | None, EligibilityCheck | None]:
        """In one query: the newest answered check of these service types (reusable) since
        `answered_since`, and the newest attempt since `doubtful_since` that may have reached
        the payer without an answer (the 90-second rule)."""
        answered = and_(
            EligibilityCheck.status.in_(("active", "inactive")),
            EligibilityCheck.service_types == service_types,
            EligibilityCheck.started_at >= answered_since,
        ) if answered_since is not None else false()
        doubtful = and_(
            EligibilityCheck.status == "error",
            EligibilityCheck.reached_payer.is_(True),
            EligibilityCheck.started_at >= doubtful_since,
        )
        rows = self.session.scalars(
            select(EligibilityCheck)
            .options(defer(EligibilityCheck.request_raw), defer(EligibilityCheck.response_raw))
            .where(EligibilityCheck.coverage_id == coverage_id,
                   EligibilityCheck.payer == payer, or_(answered, doubtful))
            .order_by(EligibilityCheck.started_at.desc())
            .limit(20)
        ).all()
        reusable = next((r for r in rows if r.status != "error"), None)
        doubt = next((r for r in rows if r.status == "error"), None)
        return reusable, doubt

    def latest(
        self, coverage_id: uuid.UUID, payer: str
    ) -> tuple[EligibilityCheck | None, EligibilityCheck | None]:
        """In one query: the newest finished check of the coverage with this payer, and the
        newest answered one (active or inactive). The raw X12 is not loaded."""
        mine = (EligibilityCheck.coverage_id == coverage_id, EligibilityCheck.payer == payer)
        newest = (select(EligibilityCheck.id).where(*mine, EligibilityCheck.status != "pending")
                  .order_by(EligibilityCheck.started_at.desc()).limit(1).scalar_subquery())
        answered = (select(EligibilityCheck.id)
                    .where(*mine, EligibilityCheck.status.in_(("active", "inactive")))
                    .order_by(EligibilityCheck.started_at.desc()).limit(1).scalar_subquery())
        rows = self.session.scalars(
            select(EligibilityCheck)
            .options(defer(EligibilityCheck.request_raw), defer(EligibilityCheck.response_raw))
            .where(EligibilityCheck.id.in_([newest, answered]))
            .order_by(EligibilityCheck.started_at.desc())
        ).all()
        if not rows:
            return None, None
        answer = next((r for r in rows if r.status in ("active", "inactive")), None)
        return rows[0], answer

    def record_outcome(self, check_id: uuid.UUID, values: dict[str, object]) -> None:
        """Write a finished check's outcome in one UPDATE (no read first). A Core UPDATE of
        the table: the ORM's bulk-update machinery costs more than the statement here."""
        table = cast(Table, EligibilityCheck.__table__)
        self.session.connection().execute(
            table.update().where(table.c.id == check_id).values(**values))

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


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
