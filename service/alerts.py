"""Alerts: derived from the ledger when listed (never written by a read); resolving writes.

Derived alerts (service/domain/alerts.py) are computed per coverage and kept in memory for
as long as the coverage's ledger stamp, the practice's config stamp and the date stand
(migration 0008's triggers move the stamps on every write), so a list costs one indexed
query for the stamps plus whatever changed since the last one. The alerts table holds only
what a read cannot derive: alerts the nightly job writes (coverage_changed) and a person's
resolution of a derived alert, filed under its id, kind, subject and fingerprint.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import load_only

from service import audit
from service.access import Caller
from service.db.models import (
    Alert,
    Authorization,
    Coverage,
    EligibilityCheck,
    Practice,
    PracticeSettings,
    Visit,
)
from service.db.uow import UnitOfWork
from service.domain.alerts import NO_SHOW_DAYS, WRITTEN_KINDS, Derived, derive
from service.domain.errors import NotFound
from service.domain.verdict import Settings

CHUNK = 500  # coverage ids per IN (...) list
Key = tuple[int, int, date]  # (ledger_version, config_version, today)


@dataclass(frozen=True, kw_only=True)
class AlertView:
    id: uuid.UUID
    kind: str
    coverage_id: uuid.UUID | None
    subject_id: str
    message: str
    data: dict[str, Any]
    created_at: datetime
    resolved_at: datetime | None = None
    resolved_by: str | None = None

    @classmethod
    def of_row(cls, row: Alert) -> AlertView:
        return cls(id=row.id, kind=row.kind, coverage_id=row.coverage_id,
                   subject_id=row.subject_id, message=row.message, data=row.data,
                   created_at=row.created_at, resolved_at=row.resolved_at,
                   resolved_by=row.resolved_by)

    @classmethod
    def of_derived(cls, practice_id: uuid.UUID, found: Derived) -> AlertView:
        return cls(id=found.id_for(practice_id), kind=found.kind, coverage_id=found.coverage_id,
                   subject_id=found.subject_id, message=found.message, data=found.data,
                   created_at=found.since)


@dataclass(frozen=True)
class AlertPage:
    items: list[AlertView]
    total: int


class AlertSource:
    """Derived alerts by coverage: from memory while the stamps and the date match."""

    def __init__(self, size: int = 100_000) -> None:
        self.size = size
        self._entries: OrderedDict[uuid.UUID, tuple[Key, tuple[Derived, ...]]] = OrderedDict()
        self._lock = threading.Lock()
        self.loads = 0  # coverages derived from the database (tests, benchmarks)

    def current(self, work: UnitOfWork, practice_id: uuid.UUID, today: date) -> list[Derived]:
        """Every alert the practice's coverages raise today, in coverage order."""
        # The stamps are read before the facts, so what is filed under a stamp is at least as
        # new as it: a write in between moves the stamp and the next read derives again.
        config = work.session.execute(
            select(Practice.config_version, PracticeSettings.thresholds)
            .outerjoin(PracticeSettings, PracticeSettings.practice_id == Practice.id)
            .where(Practice.id == practice_id)).first()
        if config is None:
            return []
        stamps = work.session.execute(select(Coverage.id, Coverage.ledger_version).where(
            Coverage.practice_id == practice_id).order_by(Coverage.id)).all()
        keys = {cid: (int(version), int(config[0]), today) for cid, version in stamps}
        found: dict[uuid.UUID, tuple[Derived, ...]] = {}
        with self._lock:
            for cid, key in keys.items():
                entry = self._entries.get(cid)
                if entry is not None and entry[0] == key:
                    self._entries.move_to_end(cid)
                    found[cid] = entry[1]
        stale = [cid for cid in keys if cid not in found]
        if stale:
            fresh = _derive(work, stale, today, _settings(config[1]))
            found.update(fresh)
            with self._lock:
                self.loads += len(fresh)
                for cid, derived in fresh.items():
                    self._entries[cid] = (keys[cid], derived)
                    self._entries.move_to_end(cid)
                while len(self._entries) > self.size:
                    self._entries.popitem(last=False)
        return [d for cid in keys for d in found[cid]]


def _settings(thresholds: dict[str, Any] | None) -> Settings:
    return Settings(**{k: v for k, v in (thresholds or {}).items()
                       if k in Settings.__dataclass_fields__})


def _derive(work: UnitOfWork, coverage_ids: Sequence[uuid.UUID], today: date,
            settings: Settings) -> dict[uuid.UUID, tuple[Derived, ...]]:
    session = work.session
    auths: dict[uuid.UUID, list[Authorization]] = {}
    visits: dict[uuid.UUID, list[Visit]] = {}
    latest: dict[uuid.UUID, EligibilityCheck] = {}
    for start in range(0, len(coverage_ids), CHUNK):
        chunk = coverage_ids[start:start + CHUNK]
        for auth in session.scalars(select(Authorization).where(
                Authorization.coverage_id.in_(chunk), Authorization.status == "approved")):
            auths.setdefault(auth.coverage_id, []).append(auth)
        for visit in session.scalars(select(Visit).where(
                Visit.coverage_id.in_(chunk),
                Visit.date >= today - timedelta(days=NO_SHOW_DAYS)).order_by(Visit.date)):
            visits.setdefault(visit.coverage_id, []).append(visit)
        # The newest finished check with the coverage's current payer, per coverage.
        ranked = select(EligibilityCheck.id, func.row_number().over(
            partition_by=EligibilityCheck.coverage_id,
            order_by=EligibilityCheck.started_at.desc()).label("n")).join(
            Coverage, (Coverage.id == EligibilityCheck.coverage_id)
            & (Coverage.payer == EligibilityCheck.payer)).where(
            EligibilityCheck.coverage_id.in_(chunk),
            EligibilityCheck.status != "pending").subquery()
        for check in session.scalars(select(EligibilityCheck).options(load_only(
                EligibilityCheck.id, EligibilityCheck.coverage_id, EligibilityCheck.status,
                EligibilityCheck.error_code, EligibilityCheck.started_at)).join(
                ranked, ranked.c.id == EligibilityCheck.id).where(ranked.c.n == 1)):
            latest[check.coverage_id] = check
    return {cid: tuple(derive(cid, auths=auths.get(cid, []), visits=visits.get(cid, []),
                              latest_check=latest.get(cid), today=today, settings=settings))
            for cid in coverage_ids}


def _open(work: UnitOfWork, source: AlertSource, practice_id: uuid.UUID,
          today: date) -> list[AlertView]:
    """Open alerts: derived ones nobody resolved, and written ones still open."""
    resolved = set(work.session.execute(select(Alert.kind, Alert.subject_id, Alert.fingerprint)
                                        .where(Alert.practice_id == practice_id,
                                               Alert.resolved_at.is_not(None))).all())
    derived = [AlertView.of_derived(practice_id, d)
               for d in source.current(work, practice_id, today)
               if (d.kind, d.subject_id, d.fingerprint) not in resolved]
    written = [AlertView.of_row(row) for row in work.session.scalars(select(Alert).where(
        Alert.practice_id == practice_id, Alert.kind.in_(WRITTEN_KINDS),
        Alert.resolved_at.is_(None)))]
    return derived + written


def list_alerts(
    *, uow: UnitOfWork, source: AlertSource, clock: Callable[[], datetime], caller: Caller,
    kind: str | None, coverage_id: uuid.UUID | None, include_resolved: bool,
    window: tuple[int, int] | None = None,
) -> AlertPage:
    """Alerts by kind, newest first; `window` is (offset, limit), None for all. Reads only:
    alerts name records, not people, so listing them is not a read of a patient's record
    (opening the coverage, visit or authorization is, and is audited there)."""
    with uow:
        rows = _open(uow, source, caller.practice_id, clock().date())
        if include_resolved:
            rows += [AlertView.of_row(row) for row in uow.session.scalars(select(Alert).where(
                Alert.practice_id == caller.practice_id, Alert.resolved_at.is_not(None)))]
    rows = [a for a in rows if (kind is None or a.kind == kind)
            and (coverage_id is None or a.coverage_id == coverage_id)]
    rows.sort(key=lambda a: (a.kind, -a.created_at.timestamp(), str(a.id)))
    if window is None:
        return AlertPage(rows, len(rows))
    offset, limit = window
    return AlertPage(rows[offset:offset + limit], len(rows))


def resolve(*, uow: UnitOfWork, source: AlertSource, clock: Callable[[], datetime],
            caller: Caller, alert_id: uuid.UUID) -> AlertView:
    """Mark an alert handled. A derived alert's resolution is the row written here, under
    the alert's id; it stays resolved until its facts change (and with them its id)."""
    now = clock()
    with uow:
        row = uow.session.scalars(select(Alert).where(
            Alert.practice_id == caller.practice_id, Alert.id == alert_id)).first()
        key = None
        if row is None:
            found = next((d for d in source.current(uow, caller.practice_id, now.date())
                          if d.id_for(caller.practice_id) == alert_id), None)
            if found is None:
                raise NotFound("alert")
            key = (Alert.practice_id == caller.practice_id, Alert.kind == found.kind,
                   Alert.subject_id == found.subject_id,
                   Alert.fingerprint == found.fingerprint)
            row = uow.session.scalars(select(Alert).where(*key)).first() or Alert(
                id=alert_id, practice_id=caller.practice_id, coverage_id=found.coverage_id,
                kind=found.kind, subject_id=found.subject_id, fingerprint=found.fingerprint,
                message=found.message, data=found.data, created_at=found.since)
            uow.session.add(row)
        if row.resolved_at is None:
            row.resolved_at, row.resolved_by = now, caller.actor
        audit.record(uow, caller=caller, clock=clock, action="update", resource_type="alert",
                     resource_ids=[row.id])
        try:
            uow.commit()
        except IntegrityError:
            if key is None:
                raise
            # Resolved at the same moment by someone else: theirs stands.
            uow.session.rollback()
            row = uow.session.scalars(select(Alert).where(*key)).one()
        return AlertView.of_row(row)
