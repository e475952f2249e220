"""Repositories of the visit ledger: authorizations, their history, visits, fees, settings."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.db.models import (
    Authorization,
    AuthorizationChange,
    FeeScheduleEntry,
    PracticeSettings,
    Visit,
    VisitChange,
)
from service.db.repositories import in_practice
from service.domain.policy import COUNTED, DELETED


class AuthorizationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, auth: Authorization) -> None:
        self.session.add(auth)

    def get(self, practice_id: uuid.UUID, auth_id: uuid.UUID, *,
            lock: bool = False) -> Authorization | None:
        return in_practice(self.session, Authorization, practice_id, auth_id, lock=lock)

    def by_number(self, coverage_id: uuid.UUID, number: str) -> Authorization | None:
        return self.session.scalars(select(Authorization).where(
            Authorization.coverage_id == coverage_id, Authorization.number == number)).first()

    def for_coverage(self, coverage_id: uuid.UUID, *, lock: bool = False) -> list[Authorization]:
        """All of a coverage's authorizations; `lock` takes their row locks in id order (the
        same order everywhere, so two writers never deadlock) and reads the rows as they are
        once locked, over what this session read of them before."""
        query = select(Authorization).where(Authorization.coverage_id == coverage_id).order_by(
            Authorization.id)
        if lock:
            query = query.with_for_update().execution_options(populate_existing=True)
        return list(self.session.scalars(query))

    def add_change(self, change: AuthorizationChange) -> None:
        self.session.add(change)

    def changes(self, auth_id: uuid.UUID) -> Sequence[AuthorizationChange]:
        return self.session.scalars(select(AuthorizationChange).where(
            AuthorizationChange.authorization_id == auth_id).order_by(AuthorizationChange.id)
        ).all()


class VisitRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, visit: Visit) -> None:
        self.session.add(visit)

    def get(self, practice_id: uuid.UUID, visit_id: uuid.UUID, *,
            lock: bool = False) -> Visit | None:
        """The practice's visit, deleted or not; `lock` takes its row lock (before those of
        authorizations, so two writers of one visit queue and never deadlock)."""
        return in_practice(self.session, Visit, practice_id, visit_id, lock=lock)

    def by_external_id(self, practice_id: uuid.UUID, external_id: str, *,
                       lock: bool = False) -> Visit | None:
        query = select(Visit).where(Visit.practice_id == practice_id,
                                    Visit.external_id == external_id)
        return self.session.scalars(query.with_for_update() if lock else query).first()

    def for_coverage(self, coverage_id: uuid.UUID, *, start: date | None = None,
                     end: date | None = None, lock: bool = False) -> Sequence[Visit]:
        """The coverage's visits, those deleted as booked in error left out; `lock` takes
        their row locks (in date order, before any authorization's)."""
        query = select(Visit).where(Visit.coverage_id == coverage_id, Visit.status != DELETED)
        if start is not None:
            query = query.where(Visit.date >= start)
        if end is not None:
            query = query.where(Visit.date <= end)
        query = query.order_by(Visit.date, Visit.created_at, Visit.id)
        return self.session.scalars(query.with_for_update() if lock else query).all()

    def add_change(self, change: VisitChange) -> None:
        self.session.add(change)

    def changes(self, visit_id: uuid.UUID) -> Sequence[VisitChange]:
        return self.session.scalars(select(VisitChange).where(
            VisitChange.visit_id == visit_id).order_by(VisitChange.id)).all()

    def mix(self, practice_id: uuid.UUID, start: date | None,
            end: date | None) -> list[tuple[str | None, str]]:
        query = select(Visit.provider_npi, Visit.code).where(
            Visit.practice_id == practice_id, Visit.status.in_(COUNTED))
        if start is not None:
            query = query.where(Visit.date >= start)
        if end is not None:
            query = query.where(Visit.date <= end)
        return [(npi, code) for npi, code in self.session.execute(query)]


class FeeRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, practice_id: uuid.UUID, payer: str, code: str) -> FeeScheduleEntry | None:
        return self.session.scalars(select(FeeScheduleEntry).where(
            FeeScheduleEntry.practice_id == practice_id, FeeScheduleEntry.payer == payer,
            FeeScheduleEntry.code == code)).first()

    def add(self, entry: FeeScheduleEntry) -> None:
        self.session.add(entry)

    def all(self, practice_id: uuid.UUID) -> Sequence[FeeScheduleEntry]:
        return self.session.scalars(select(FeeScheduleEntry).where(
            FeeScheduleEntry.practice_id == practice_id).order_by(
            FeeScheduleEntry.payer, FeeScheduleEntry.code)).all()


class SettingsRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, practice_id: uuid.UUID) -> PracticeSettings | None:
        return self.session.get(PracticeSettings, practice_id)

    def add(self, settings: PracticeSettings) -> None:
        self.session.add(settings)
