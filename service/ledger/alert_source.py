"""A practice's alerts, kept in memory for as long as the version stamps behind them stand.

Derived alerts (service/domain/alerts.py) are computed per coverage and filed under the
coverage's ledger stamp, the practice's config stamp and the date; migration 0008's
triggers move a coverage's stamp on every write to it, its visits, authorizations or
finished checks. On top of that the whole list is filed under the practice's stamp: how
many coverages it has and the sum of their ledger stamps (coverages are never deleted and
stamps only grow, so any write changes the sum), its config stamp, and how many alert rows
it has and how many are resolved (rows are added and resolved, never reopened). A read whose
practice stamp is unchanged costs that one statement; after a write, only the coverages
whose stamps moved are derived again.

Why a stale read cannot slip in: the stamps are read before the facts, so what is filed under
a stamp is at least as new as it. A write in between moves the stamp, and the next read
derives again.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from operator import attrgetter
from typing import Any

from service.db.models import Alert
from service.db.ports import AlertsUnitOfWork
from service.domain.alerts import NO_SHOW_DAYS, WRITTEN_KINDS, Derived, derive
from service.domain.verdict import Settings

CoverageKey = tuple[int, int, date]  # (ledger stamp, config stamp, today)


@dataclass(frozen=True, kw_only=True)
class AlertView:
    """An alert as listed: derived (resolved_at None until a person resolves it) or a row."""

    id: uuid.UUID
    kind: str
    coverage_id: uuid.UUID | None
    subject_id: str
    message: str
    data: dict[str, Any]
    created_at: datetime
    resolved_at: datetime | None = None
    resolved_by: str | None = None
    patient_id: uuid.UUID | None = None  # the coverage's patient, filled in when listed
    fingerprint: str = field(default="", repr=False)
    # By kind, newest first, then by id: a stable order for pages (worked out once).
    order: tuple[str, float, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "order",
                           (self.kind, -self.created_at.timestamp(), str(self.id)))

    @property
    def changed(self) -> tuple[datetime, str]:
        """When it last changed (raised, or resolved), then id: the order of a sync."""
        return max(self.created_at, self.resolved_at or self.created_at), str(self.id)

    @classmethod
    def of_row(cls, row: Alert) -> AlertView:
        return cls(id=row.id, kind=row.kind, coverage_id=row.coverage_id,
                   subject_id=row.subject_id, message=row.message, data=row.data,
                   created_at=row.created_at, resolved_at=row.resolved_at,
                   resolved_by=row.resolved_by, fingerprint=row.fingerprint)

    @classmethod
    def of_derived(cls, practice_id: uuid.UUID, found: Derived) -> AlertView:
        return cls(id=found.id_for(practice_id), kind=found.kind, coverage_id=found.coverage_id,
                   subject_id=found.subject_id, message=found.message, data=found.data,
                   created_at=found.since, fingerprint=found.fingerprint)


@dataclass(frozen=True)
class PracticeAlerts:
    """Open alerts and resolved ones, each sorted by AlertView.order."""

    open: tuple[AlertView, ...]
    resolved: tuple[AlertView, ...]


class AlertSource:
    """Alerts by practice and derived alerts by coverage, from memory while stamps match."""

    def __init__(self, coverages: int = 100_000, practices: int = 1_000) -> None:
        self.sizes = (coverages, practices)
        self._coverages: OrderedDict[uuid.UUID,
                                     tuple[CoverageKey, tuple[AlertView, ...]]] = OrderedDict()
        self._practices: OrderedDict[uuid.UUID, tuple[tuple[Any, ...], PracticeAlerts]] = \
            OrderedDict()
        self._building: dict[uuid.UUID, threading.Lock] = {}
        self._lock = threading.Lock()
        self.loads = 0  # coverages derived from the database (tests, benchmarks)

    def alerts(self, work: AlertsUnitOfWork, practice_id: uuid.UUID, today: date) -> PracticeAlerts:
        stamp = (*work.alerts.practice_stamp(practice_id), today)
        with self._lock:
            found = self._practices.get(practice_id)
            if found is not None and found[0] == stamp:
                self._practices.move_to_end(practice_id)
                return found[1]
            building = self._building.setdefault(practice_id, threading.Lock())
        # One request builds a practice's list; the others wait for it rather than repeat it.
        with building:
            with self._lock:
                found = self._practices.get(practice_id)
            if found is not None and found[0] == stamp:
                return found[1]
            built = self._build(work, practice_id, today)
            with self._lock:
                self._practices[practice_id] = (stamp, built)
                self._practices.move_to_end(practice_id)
                while len(self._practices) > self.sizes[1]:
                    self._practices.popitem(last=False)
            return built

    def _build(self, work: AlertsUnitOfWork, practice_id: uuid.UUID, today: date) -> PracticeAlerts:
        rows = work.alerts.rows(practice_id)
        resolved = [AlertView.of_row(r) for r in rows if r.resolved_at is not None]
        handled = {(a.kind, a.subject_id, a.fingerprint) for a in resolved}
        open_ = [a for a in self.derived(work, practice_id, today)
                 if (a.kind, a.subject_id, a.fingerprint) not in handled]
        open_ += [AlertView.of_row(r) for r in rows
                  if r.kind in WRITTEN_KINDS and r.resolved_at is None]
        by_order = attrgetter("order")
        return PracticeAlerts(tuple(sorted(open_, key=by_order)),
                              tuple(sorted(resolved, key=by_order)))

    def derived(self, work: AlertsUnitOfWork, practice_id: uuid.UUID,
                today: date) -> list[AlertView]:
        """Every alert the practice's coverages raise today, in coverage order."""
        config = work.alerts.config(practice_id)
        if config is None:
            return []
        keys = {cid: (version, config[0], today)
                for cid, version in work.alerts.coverage_stamps(practice_id)}
        found: dict[uuid.UUID, tuple[AlertView, ...]] = {}
        with self._lock:
            for cid, key in keys.items():
                entry = self._coverages.get(cid)
                if entry is not None and entry[0] == key:
                    self._coverages.move_to_end(cid)
                    found[cid] = entry[1]
        stale = [cid for cid in keys if cid not in found]
        if stale:
            fresh = {cid: tuple(AlertView.of_derived(practice_id, d) for d in derived)
                     for cid, derived in _derive(work, stale, today, _settings(config[1]))}
            found.update(fresh)
            with self._lock:
                self.loads += len(fresh)
                for cid, views in fresh.items():
                    self._coverages[cid] = (keys[cid], views)
                    self._coverages.move_to_end(cid)
                while len(self._coverages) > self.sizes[0]:
                    self._coverages.popitem(last=False)
        return [a for cid in keys for a in found[cid]]


def _settings(thresholds: dict[str, Any] | None) -> Settings:
    return Settings(**{k: v for k, v in (thresholds or {}).items()
                       if k in Settings.__dataclass_fields__})


def _derive(work: AlertsUnitOfWork, coverage_ids: Sequence[uuid.UUID], today: date,
            settings: Settings) -> list[tuple[uuid.UUID, list[Derived]]]:
    facts = work.alerts.facts(coverage_ids, visits_since=today - timedelta(days=NO_SHOW_DAYS))
    return [(cid, derive(cid, auths=facts.auths.get(cid, []), visits=facts.visits.get(cid, []),
                         latest_check=facts.latest_check.get(cid), today=today,
                         settings=settings))
            for cid in coverage_ids]
