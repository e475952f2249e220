"""In-memory fakes of the ledger's repositories (service/db/ports.py): authorizations and
their history, visits, the reader of a verdict's inputs, and alerts."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from service.db.alerts import CoverageFacts
from service.db.models import (
    Alert,
    Authorization,
    AuthorizationChange,
    Coverage,
    EligibilityCheck,
    Visit,
    VisitChange,
)
from service.db.verdict_reads import (
    CheckFacts,
    Identity,
    SavedSettings,
    VerdictRows,
    auth_state,
)
from service.domain.eligibility import ANSWERED
from service.domain.policy import COUNTED, DELETED
from tests.support.rows import Rows, Tables


class FakeAuthorizations:
    """`lock` is taken and ignored: the fake has one writer at a time anyway."""

    def __init__(self, rows: Rows, changes: Rows) -> None:
        self.rows, self.history = rows, changes

    def add(self, auth: Authorization) -> None:
        self.rows.pending.append(auth)

    def get(self, practice_id: uuid.UUID, auth_id: uuid.UUID, *,
            lock: bool = False) -> Authorization | None:
        return next((a for a in self.rows.all()
                     if a.practice_id == practice_id and a.id == auth_id), None)

    def by_number(self, coverage_id: uuid.UUID, number: str) -> Authorization | None:
        return next((a for a in self.rows.all()
                     if a.coverage_id == coverage_id and a.number == number), None)

    def for_coverage(self, coverage_id: uuid.UUID, *,
                     lock: bool = False) -> list[Authorization]:
        return _by_id(a for a in self.rows.all() if a.coverage_id == coverage_id)

    def add_change(self, change: AuthorizationChange) -> None:
        self.history.pending.append(change)

    def changes(self, auth_id: uuid.UUID) -> Sequence[AuthorizationChange]:
        return [c for c in self.history.all() if c.authorization_id == auth_id]


class FakeVisits:
    """`lock` is taken and ignored, as for authorizations."""

    def __init__(self, rows: Rows, changes: Rows) -> None:
        self.rows, self.history = rows, changes

    def add(self, visit: Visit) -> None:
        self.rows.pending.append(visit)

    def get(self, practice_id: uuid.UUID, visit_id: uuid.UUID, *,
            lock: bool = False) -> Visit | None:
        return next((v for v in self.rows.all()
                     if v.practice_id == practice_id and v.id == visit_id), None)

    def by_external_id(self, practice_id: uuid.UUID, external_id: str, *,
                       lock: bool = False) -> Visit | None:
        return next((v for v in self.rows.all()
                     if v.practice_id == practice_id and v.external_id == external_id), None)

    def for_coverage(self, coverage_id: uuid.UUID, *, start: date | None = None,
                     end: date | None = None, lock: bool = False) -> Sequence[Visit]:
        found = [v for v in self.rows.all()
                 if v.coverage_id == coverage_id and v.status != DELETED
                 and (start is None or v.date >= start) and (end is None or v.date <= end)]
        return sorted(found, key=lambda v: (v.date, v.created_at))

    def add_change(self, change: VisitChange) -> None:
        self.history.pending.append(change)

    def changes(self, visit_id: uuid.UUID) -> Sequence[VisitChange]:
        return [c for c in self.history.all() if c.visit_id == visit_id]


class FakeVerdictRows:
    """What a verdict reads about a coverage, from the tables as they stand (pending rows
    included, as the real reader sees the transaction's own flushed writes)."""

    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def read(self, practice_id: uuid.UUID, coverage_id: uuid.UUID, *,
             exclude_visit: uuid.UUID | None = None) -> VerdictRows | None:
        coverage = _coverage(self.tables, coverage_id)
        if coverage is None or coverage.practice_id != practice_id:
            return None
        saved = next((s for s in self.tables["settings"].all()
                      if s.practice_id == practice_id), None)
        checks = [CheckFacts(status=c.status, checked_at=c.checked_at, summary=c.summary,
                             subject_key=c.subject_key)
                  for c in _finished_checks(self.tables, coverage)]
        patient = next(p for p in self.tables["patients"].all() if p.id == coverage.patient_id)
        identity = Identity.of(coverage, patient)
        return VerdictRows(
            payer=coverage.payer, network_status=coverage.network_status,
            end_date=coverage.end_date, identity=identity,
            settings=None if saved is None else SavedSettings(thresholds=saved.thresholds,
                                                              counting=saved.counting),
            latest=checks[0] if checks else None,
            answered=next((c for c in checks if c.status in ANSWERED), None),
            auths=tuple(auth_state(a) for a in _by_id(
                a for a in self.tables["authorizations"].all() if a.coverage_id == coverage_id)),
            counted_dates=tuple(sorted(
                v.date for v in self.tables["visits"].all() if v.coverage_id == coverage_id
                and v.status in COUNTED and v.id != exclude_visit)),
            fees={f.code: Decimal(f.allowed_amount) for f in self.tables["fees"].all()
                  if f.practice_id == practice_id and f.payer == coverage.payer},
        )


class FakeAlerts:
    """Stamps move on every commit, as the database's triggers move them on any write."""

    def __init__(self, tables: Tables, version: Callable[[], int]) -> None:
        self.tables, self.version = tables, version

    def practice_stamp(self, practice_id: uuid.UUID) -> tuple[int, ...]:
        return (self.version(),)

    def config(self, practice_id: uuid.UUID) -> tuple[int, dict[str, Any] | None] | None:
        practice = next((p for p in self.tables["practices"].all() if p.id == practice_id), None)
        if practice is None:
            return None
        saved = next((s for s in self.tables["settings"].all()
                      if s.practice_id == practice_id), None)
        return int(practice.config_version or 0), None if saved is None else saved.thresholds

    def coverage_stamps(self, practice_id: uuid.UUID) -> list[tuple[uuid.UUID, int]]:
        return [(c.id, self.version()) for c in _by_id(
            c for c in self.tables["coverages"].all() if c.practice_id == practice_id)]

    def facts(self, coverage_ids: Sequence[uuid.UUID], *, visits_since: date) -> CoverageFacts:
        found = CoverageFacts()
        for cid in coverage_ids:
            found.auths[cid] = [a for a in self.tables["authorizations"].all()
                                if a.coverage_id == cid and a.status == "approved"]
            found.visits[cid] = sorted((v for v in self.tables["visits"].all()
                                        if v.coverage_id == cid and v.date >= visits_since),
                                       key=lambda v: v.date)
            coverage = _coverage(self.tables, cid)
            checks = _finished_checks(self.tables, coverage) if coverage is not None else []
            if checks:
                found.latest_check[cid] = checks[0]
        return found

    def rows(self, practice_id: uuid.UUID) -> Sequence[Alert]:
        return [a for a in self.tables["alerts"].all() if a.practice_id == practice_id]

    def get(self, practice_id: uuid.UUID, alert_id: uuid.UUID) -> Alert | None:
        return next((a for a in self.rows(practice_id) if a.id == alert_id), None)

    def by_facts(self, practice_id: uuid.UUID, kind: str, subject_id: str,
                 fingerprint: str) -> Alert | None:
        return next((a for a in self.rows(practice_id) if (a.kind, a.subject_id, a.fingerprint)
                     == (kind, subject_id, fingerprint)), None)

    def open_for_subject(self, kind: str, subject_id: str) -> Sequence[Alert]:
        return sorted((a for a in self.tables["alerts"].all()
                       if (a.kind, a.subject_id) == (kind, subject_id) and a.resolved_at is None),
                      key=lambda a: (a.created_at, str(a.id)))

    def add(self, alert: Alert) -> None:
        self.tables["alerts"].pending.append(alert)

    def patients_of(self, coverage_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
        return {c.id: c.patient_id for c in self.tables["coverages"].all()
                if c.id in set(coverage_ids)}


def _by_id(rows: Any) -> list[Any]:
    """In id order, as the database sorts UUIDs."""
    return sorted(rows, key=lambda r: str(r.id))


def _coverage(tables: Tables, coverage_id: uuid.UUID) -> Coverage | None:
    return next((c for c in tables["coverages"].all() if c.id == coverage_id), None)


def _finished_checks(tables: Tables, coverage: Coverage) -> list[EligibilityCheck]:
    """The coverage's finished checks with its current payer, newest first."""
    return sorted((c for c in tables["checks"].all() if c.coverage_id == coverage.id
                   and c.payer == coverage.payer and c.status != "pending"),
                  key=lambda c: c.started_at, reverse=True)
