"""Everything a verdict reads about one coverage, in five Core queries (no ORM objects)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, bindparam, select

from service.db.ledger import COUNTED
from service.db.models import (
    Authorization,
    Coverage,
    EligibilityCheck,
    FeeScheduleEntry,
    PracticeSettings,
    Visit,
)

_COVERAGE = (
    select(Coverage.id, Coverage.payer, Coverage.network_status, PracticeSettings.thresholds,
           PracticeSettings.counting, PracticeSettings.practice_id.label("settings_of"))
    .outerjoin(PracticeSettings, PracticeSettings.practice_id == Coverage.practice_id)
    .where(Coverage.id == bindparam("coverage_id"),
           Coverage.practice_id == bindparam("practice_id"))
)
_MINE = (EligibilityCheck.coverage_id == bindparam("coverage_id"),
         EligibilityCheck.payer == bindparam("payer"))
# The newest finished check and the newest answered one, as in
# EligibilityCheckRepository.latest; the raw X12 stays in the database.
_CHECKS = (
    select(EligibilityCheck.status, EligibilityCheck.checked_at, EligibilityCheck.summary)
    .where(EligibilityCheck.id.in_([
        select(EligibilityCheck.id).where(*_MINE, EligibilityCheck.status != "pending")
        .order_by(EligibilityCheck.started_at.desc()).limit(1).scalar_subquery(),
        select(EligibilityCheck.id)
        .where(*_MINE, EligibilityCheck.status.in_(("active", "inactive")))
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
_FEES = (
    select(FeeScheduleEntry.code, FeeScheduleEntry.allowed_amount)
    .where(FeeScheduleEntry.practice_id == bindparam("practice_id"),
           FeeScheduleEntry.payer == bindparam("payer"))
)


@dataclass(frozen=True)
class VerdictRows:
    coverage: Any  # payer, network_status
    settings: Any  # thresholds, counting; None when the practice has saved none
    latest: Any  # status, checked_at, summary; None without a finished check
    answered: Any  # the same, of the newest active/inactive answer
    auths: list[Any]
    counted_dates: list[date]
    fees: dict[str, Decimal]


def read_verdict_rows(conn: Connection, practice_id: uuid.UUID,
                      coverage_id: uuid.UUID) -> VerdictRows | None:
    """None when the practice has no such coverage."""
    ids = {"coverage_id": coverage_id, "practice_id": practice_id}
    coverage = conn.execute(_COVERAGE, ids).first()
    if coverage is None:
        return None
    checks = conn.execute(_CHECKS, {**ids, "payer": coverage.payer}).all()
    answered = next((c for c in checks if c.status in ("active", "inactive")), None)
    return VerdictRows(
        coverage=coverage,
        settings=coverage if coverage.settings_of is not None else None,
        latest=checks[0] if checks else None,
        answered=answered,
        auths=list(conn.execute(_AUTHS, ids)),
        counted_dates=list(conn.scalars(_DATES, ids)),
        fees={code: Decimal(amount) for code, amount in
              conn.execute(_FEES, {**ids, "payer": coverage.payer})},
    )
