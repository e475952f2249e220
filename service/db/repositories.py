"""Repositories: queries scoped to one practice; they add and read, and never commit."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from service.db.models import ApiKey, AuditEvent, Coverage, Patient, Practice


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


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
