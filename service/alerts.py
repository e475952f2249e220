"""Alerts: derived from the ledger and the latest checks each time they are listed.

Each derived alert has a subject (an authorization, a visit, a coverage) and a fingerprint of
the facts behind it. Listing refreshes them: a new fact opens an alert, an alert whose fact
is gone resolves itself (resolved_by "system"), and an alert a person resolved stays resolved
until its facts change (a new fingerprint is a new alert).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from service import audit
from service.access import Caller
from service.db.models import Alert, Authorization, Coverage, EligibilityCheck, Visit
from service.db.uow import UnitOfWork
from service.domain.cpt import time_mismatch
from service.domain.errors import NotFound
from service.domain.verdict import Settings

KINDS = ("auth_low", "auth_expiring", "auth_exhausted", "auth_expired", "coverage_inactive",
         "check_failing", "visit_not_covered", "cpt_time_mismatch", "no_shows",
         "coverage_changed")
NO_SHOWS, NO_SHOW_DAYS = 3, 30
Derived = tuple[str, str, uuid.UUID | None, str, dict[str, Any]]


def _fingerprint(data: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def _authorizations(work: UnitOfWork, practice_id: uuid.UUID, today: date,
                    settings: Settings) -> Iterator[Derived]:
    auths = work.session.scalars(select(Authorization).where(
        Authorization.practice_id == practice_id, Authorization.status == "approved")).all()
    scheduled: dict[uuid.UUID, int] = {}
    for visit in work.session.scalars(select(Visit).where(
            Visit.practice_id == practice_id, Visit.status == "scheduled", Visit.date >= today)):
        scheduled[visit.coverage_id] = scheduled.get(visit.coverage_id, 0) + 1
    for auth in auths:
        facts = {"number": auth.number, "remaining": auth.remaining,
                 "ends": auth.end_date.isoformat()}
        waiting = scheduled.get(auth.coverage_id, 0)
        if auth.end_date < today:
            if waiting:
                yield ("auth_expired", str(auth.id), auth.coverage_id,
                       f"Authorization {auth.number} ended on {facts['ends']} and visits are "
                       "still scheduled: request a new one or move the visits.",
                       {**facts, "scheduled_visits": waiting})
            continue
        if auth.remaining == 0 and waiting:
            yield ("auth_exhausted", str(auth.id), auth.coverage_id,
                   f"Authorization {auth.number} is used up and visits are still scheduled: "
                   "request more visits from the payer.", {**facts, "scheduled_visits": waiting})
        elif 0 < auth.remaining <= settings.auth_low_threshold:
            yield ("auth_low", str(auth.id), auth.coverage_id,
                   f"Authorization {auth.number} has {auth.remaining} left: request more now.",
                   facts)
        if (auth.end_date - today).days <= settings.auth_expiring_days:
            yield ("auth_expiring", str(auth.id), auth.coverage_id,
                   f"Authorization {auth.number} ends on {facts['ends']}: request an extension "
                   "if therapy continues.", facts)


def _coverages(work: UnitOfWork, practice_id: uuid.UUID) -> Iterator[Derived]:
    for coverage in work.session.scalars(select(Coverage).where(
            Coverage.practice_id == practice_id)):
        latest = work.session.scalars(select(EligibilityCheck).where(
            EligibilityCheck.coverage_id == coverage.id, EligibilityCheck.payer == coverage.payer,
            EligibilityCheck.status != "pending").order_by(
            EligibilityCheck.started_at.desc()).limit(1)).first()
        if latest is None:
            continue
        facts = {"check_id": str(latest.id), "status": latest.status}
        if latest.status == "inactive":
            yield ("coverage_inactive", str(coverage.id), coverage.id,
                   "The payer says this coverage is inactive: ask the client for their current "
                   "insurance.", facts)
        elif latest.status in ("error", "rejected"):
            yield ("check_failing", str(coverage.id), coverage.id,
                   "The latest eligibility check failed: open it for the next step and run it "
                   "again.", {**facts, "error_code": latest.error_code})


def _visits(work: UnitOfWork, practice_id: uuid.UUID, today: date) -> Iterator[Derived]:
    no_shows: dict[uuid.UUID, list[str]] = {}
    for visit in work.session.scalars(select(Visit).where(
            Visit.practice_id == practice_id,
            Visit.date >= today - timedelta(days=NO_SHOW_DAYS))):
        if visit.status == "no_show" and visit.date <= today:
            no_shows.setdefault(visit.coverage_id, []).append(visit.date.isoformat())
        if visit.status == "scheduled" and visit.date >= today and visit.verdict and \
                visit.verdict.get("status") == "not_covered":
            codes = sorted(r["code"] for r in visit.verdict.get("reasons", [])
                           if r.get("severity") == "block")
            yield ("visit_not_covered", str(visit.id), visit.coverage_id,
                   f"A visit on {visit.date.isoformat()} would not be covered: open it for "
                   "the reasons.", {"date": visit.date.isoformat(), "reasons": codes})
        expected = time_mismatch(visit.code, visit.minutes)
        if expected is not None and visit.status in ("scheduled", "completed"):
            yield ("cpt_time_mismatch", str(visit.id), visit.coverage_id,
                   f"The visit on {visit.date.isoformat()} is coded {visit.code} but lasted "
                   f"{visit.minutes} minutes: correct the code or the minutes before billing.",
                   {"code": visit.code, "minutes": visit.minutes, "expected_min": expected[0],
                    "expected_max": expected[1]})
    for coverage_id, dates in no_shows.items():
        if len(dates) >= NO_SHOWS:
            yield ("no_shows", str(coverage_id), coverage_id,
                   f"{len(dates)} no-shows in the last {NO_SHOW_DAYS} days: a clinical check-in "
                   "with the client may help.", {"count": len(dates), "dates": sorted(dates)})


def refresh(work: UnitOfWork, practice_id: uuid.UUID, now: datetime) -> None:
    today = now.date()
    saved = work.settings.get(practice_id)
    settings = Settings(**{k: v for k, v in (saved.thresholds if saved else {}).items()
                           if k in Settings.__dataclass_fields__})
    current = {(kind, subject, _fingerprint(data)): (coverage_id, message, data)
               for kind, subject, coverage_id, message, data in [
                   *_authorizations(work, practice_id, today, settings),
                   *_coverages(work, practice_id), *_visits(work, practice_id, today)]}
    existing = {(a.kind, a.subject_id, a.fingerprint): a for a in work.session.scalars(
        select(Alert).where(Alert.practice_id == practice_id))}
    for key, (coverage_id, message, data) in current.items():
        if key not in existing:
            work.session.add(Alert(practice_id=practice_id, coverage_id=coverage_id,
                                   kind=key[0], subject_id=key[1], fingerprint=key[2],
                                   message=message, data=data, created_at=now))
    for key, alert in existing.items():
        derived = alert.kind != "coverage_changed"
        if derived and key not in current and alert.resolved_at is None:
            alert.resolved_at, alert.resolved_by = now, "system"


def list_alerts(
    *, uow: UnitOfWork, clock: Callable[[], datetime], caller: Caller, kind: str | None,
    coverage_id: uuid.UUID | None, include_resolved: bool,
) -> Sequence[Alert]:
    with uow, uow.serialized():
        refresh(uow, caller.practice_id, clock())
        uow.flush()
        query = select(Alert).where(Alert.practice_id == caller.practice_id)
        if kind:
            query = query.where(Alert.kind == kind)
        if coverage_id:
            query = query.where(Alert.coverage_id == coverage_id)
        if not include_resolved:
            query = query.where(Alert.resolved_at.is_(None))
        rows = uow.session.scalars(query.order_by(Alert.kind, Alert.created_at.desc())).all()
        audit.record(uow, caller=caller, clock=clock, action="read", resource_type="alert",
                     resource_ids=[a.id for a in rows])
        uow.commit()
        return rows


def resolve(*, uow: UnitOfWork, clock: Callable[[], datetime], caller: Caller,
            alert_id: uuid.UUID) -> Alert:
    with uow:
        alert = uow.session.scalars(select(Alert).where(
            Alert.practice_id == caller.practice_id, Alert.id == alert_id)).first()
        if alert is None:
            raise NotFound("alert")
        if alert.resolved_at is None:
            alert.resolved_at, alert.resolved_by = clock(), caller.actor
        audit.record(uow, caller=caller, clock=clock, action="update", resource_type="alert",
                     resource_ids=[alert.id])
        uow.commit()
        return alert
