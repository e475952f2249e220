"""The one reader of what a verdict needs about a coverage: five Core queries, typed rows."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.orm import Session

from service.db.models import (
    Authorization,
    Coverage,
    EligibilityCheck,
    FeeScheduleEntry,
    Patient,
    PracticeSettings,
    Visit,
)
from service.domain.allocation import AuthState
from service.domain.eligibility import ANSWERED
from service.domain.policy import COUNTED

_COVERAGE = (
    select(Coverage.payer, Coverage.network_status, Coverage.end_date,
           PracticeSettings.thresholds,
           PracticeSettings.counting, PracticeSettings.practice_id.label("settings_of"),
           Coverage.member_id, Coverage.relationship, Coverage.subscriber_first_name,
           Coverage.subscriber_last_name, Coverage.subscriber_birth_date,
           Coverage.subscriber_member_id, Patient.first_name, Patient.last_name,
           Patient.birth_date)
    .join(Patient, Patient.id == Coverage.patient_id)
    .outerjoin(PracticeSettings, PracticeSettings.practice_id == Coverage.practice_id)
    .where(Coverage.id == bindparam("coverage_id"),
           Coverage.practice_id == bindparam("practice_id"))
)
_MINE = (EligibilityCheck.coverage_id == bindparam("coverage_id"),
         EligibilityCheck.payer == bindparam("payer"))
# The newest finished check and the newest answered one; the raw X12 stays in the database.
_CHECKS = (
    select(EligibilityCheck.status, EligibilityCheck.checked_at, EligibilityCheck.summary,
           EligibilityCheck.subject_key)
    .where(EligibilityCheck.id.in_([
        select(EligibilityCheck.id).where(*_MINE, EligibilityCheck.status != "pending")
        .order_by(EligibilityCheck.started_at.desc()).limit(1).scalar_subquery(),
        select(EligibilityCheck.id).where(*_MINE, EligibilityCheck.status.in_(ANSWERED))
        .order_by(EligibilityCheck.started_at.desc()).limit(1).scalar_subquery(),
    ]))
    .order_by(EligibilityCheck.started_at.desc())
)
_AUTHS = (
    select(Authorization.id, Authorization.number, Authorization.status, Authorization.unit,
           Authorization.quantity, Authorization.minutes_per_unit, Authorization.start_date,
           Authorization.end_date, Authorization.codes, Authorization.provider_npi,
           Authorization.used, Authorization.reserved)
    .where(Authorization.coverage_id == bindparam("coverage_id"))
    .order_by(Authorization.id)
)
_DATES = (
    select(Visit.date)
    .where(Visit.coverage_id == bindparam("coverage_id"), Visit.status.in_(COUNTED))
    .order_by(Visit.date)
)
_DATES_BUT_ONE = _DATES.where(Visit.id != bindparam("exclude"))
_FEES = (
    select(FeeScheduleEntry.code, FeeScheduleEntry.allowed_amount)
    .where(FeeScheduleEntry.practice_id == bindparam("practice_id"),
           FeeScheduleEntry.payer == bindparam("payer"))
)


@dataclass(frozen=True, kw_only=True)
class CheckFacts:
    """A finished eligibility check as a verdict sees it."""

    status: str
    checked_at: datetime | None
    summary: Mapping[str, Any] | None
    subject_key: str | None = None  # whom it asked about (None: stored before that was kept)


@dataclass(frozen=True, kw_only=True)
class Identity:
    """The coverage and its patient as a 270 names them (service/domain/question.py)."""

    member_id: str
    relationship: str
    first_name: str
    last_name: str
    birth_date: date
    subscriber_first_name: str | None
    subscriber_last_name: str | None
    subscriber_birth_date: date | None
    subscriber_member_id: str | None

    @classmethod
    def of(cls, coverage: Coverage, patient: Patient) -> Identity:
        return cls(
            member_id=coverage.member_id, relationship=coverage.relationship,
            first_name=patient.first_name, last_name=patient.last_name,
            birth_date=patient.birth_date, subscriber_first_name=coverage.subscriber_first_name,
            subscriber_last_name=coverage.subscriber_last_name,
            subscriber_birth_date=coverage.subscriber_birth_date,
            subscriber_member_id=coverage.subscriber_member_id)


@dataclass(frozen=True, kw_only=True)
class SavedSettings:
    """The practice's own thresholds and counting rules."""

    thresholds: Mapping[str, Any]
    counting: Mapping[str, Any]


@dataclass(frozen=True, kw_only=True)
class VerdictRows:
    payer: str
    network_status: str
    end_date: date | None  # set once the practice ended the coverage
    identity: Identity
    settings: SavedSettings | None  # None when the practice has saved none
    latest: CheckFacts | None  # the newest finished check
    answered: CheckFacts | None  # the newest answered one
    auths: tuple[AuthState, ...]  # in id order
    counted_dates: tuple[date, ...]  # of the visits that count, sorted
    fees: Mapping[str, Decimal]  # allowed amount by code, for the coverage's payer


def read_verdict_rows(conn: Connection, practice_id: uuid.UUID, coverage_id: uuid.UUID, *,
                      exclude_visit: uuid.UUID | None = None) -> VerdictRows | None:
    """None when the practice has no such coverage. `exclude_visit`: the visit being booked,
    left out of the counted dates. Reads on `conn` as it is: in the caller's transaction and
    under whatever locks it holds."""
    ids = {"coverage_id": coverage_id, "practice_id": practice_id}
    coverage = conn.execute(_COVERAGE, ids).first()
    if coverage is None:
        return None
    mine = {**ids, "payer": coverage.payer}
    checks = [CheckFacts(status=c.status, checked_at=c.checked_at, summary=c.summary,
                         subject_key=c.subject_key)
              for c in conn.execute(_CHECKS, mine)]
    auths = tuple(auth_state(a) for a in conn.execute(_AUTHS, ids))
    dates = tuple(conn.scalars(_DATES, ids) if exclude_visit is None else
                  conn.scalars(_DATES_BUT_ONE, {**ids, "exclude": exclude_visit}))
    return VerdictRows(
        payer=coverage.payer,
        network_status=coverage.network_status,
        end_date=coverage.end_date,
        identity=Identity(**{name: getattr(coverage, name)
                             for name in Identity.__dataclass_fields__}),
        settings=None if coverage.settings_of is None else SavedSettings(
            thresholds=coverage.thresholds, counting=coverage.counting),
        latest=checks[0] if checks else None,
        answered=next((c for c in checks if c.status in ANSWERED), None),
        auths=auths,
        counted_dates=dates,
        fees={code: Decimal(amount) for code, amount in conn.execute(_FEES, mine)},
    )


def auth_state(a: Any) -> AuthState:
    """An authorization's row (or object) as a verdict counts from it."""
    return AuthState(
        id=str(a.id), number=a.number, status=a.status, unit=a.unit, quantity=a.quantity,
        minutes_per_unit=a.minutes_per_unit, start_date=a.start_date, end_date=a.end_date,
        codes=frozenset(c for c in a.codes.split(",") if c), provider_npi=a.provider_npi,
        used=a.used, reserved=a.reserved)


class VerdictReads:
    """The reader on a unit of work's own connection: inside its transaction, under the row
    locks it holds, seeing what it has flushed."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def read(self, practice_id: uuid.UUID, coverage_id: uuid.UUID, *,
             exclude_visit: uuid.UUID | None = None) -> VerdictRows | None:
        return read_verdict_rows(self.session.connection(), practice_id, coverage_id,
                                 exclude_visit=exclude_visit)
