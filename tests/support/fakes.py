"""In-memory fakes of the unit of work and repositories (service/db/ports.py), for fast unit
tests of use cases: what a use case stores is visible after commit() and gone without it."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime
from types import TracebackType
from typing import Any, Self

from sqlalchemy.exc import IntegrityError

from service.db.models import (
    Alert,
    AuditEvent,
    Authorization,
    AuthorizationChange,
    Base,
    Coverage,
    EligibilityCheck,
    FeeScheduleEntry,
    Patient,
    Practice,
    PracticeSettings,
    ReverificationItem,
    Visit,
    VisitChange,
)
from service.db.outbox import NewEvent
from service.domain.reverification import UNFINISHED
from tests.support.fake_ledger import (
    FakeAlerts,
    FakeAuthorizations,
    FakeVerdictRows,
    FakeVisits,
)
from tests.support.rows import Rows

# The table of each kind of row, and the unique rules the database keeps on it (a row whose
# key is None takes no part, as NULLs do not clash).
TABLES: dict[type[Base], str] = {
    Patient: "patients", Coverage: "coverages", AuditEvent: "audit",
    Authorization: "authorizations", AuthorizationChange: "authorization_changes",
    Visit: "visits", VisitChange: "visit_changes", Alert: "alerts", Practice: "practices",
    PracticeSettings: "settings", FeeScheduleEntry: "fees", EligibilityCheck: "checks"}
UNIQUE: dict[str, tuple[str, Callable[[Any], Hashable | None]]] = {
    "uq_patients_practice_external": (
        "patients", lambda r: None if r.external_id is None else (r.practice_id, r.external_id)),
    "uq_authorizations_coverage_number": (
        "authorizations", lambda r: (r.coverage_id, r.number)),
    "uq_visits_practice_external": (
        "visits", lambda r: None if r.external_id is None else (r.practice_id, r.external_id)),
    "uq_coverages_active_member": (
        "coverages",
        lambda r: None if r.end_date is not None else (r.patient_id, r.payer, r.member_id)),
    "uq_coverages_active_priority": (
        "coverages", lambda r: None if r.end_date is not None else (r.patient_id, r.priority)),
    "uq_alerts_subject": (
        "alerts", lambda r: (r.practice_id, r.kind, r.subject_id, r.fingerprint)),
}


class FakePatients:
    def __init__(self, rows: Rows) -> None:
        self.rows = rows

    def add(self, patient: Patient) -> None:
        self.rows.pending.append(patient)

    def get(self, practice_id: uuid.UUID, patient_id: uuid.UUID, *,
            lock: bool = False) -> Patient | None:
        return next((p for p in self.rows.all()
                     if p.practice_id == practice_id and p.id == patient_id), None)

    def by_external_id(self, practice_id: uuid.UUID, external_id: str) -> Patient | None:
        return next((p for p in self.rows.all()
                     if p.practice_id == practice_id and p.external_id == external_id), None)

    def search(self, practice_id: uuid.UUID, *, external_id: str | None, q: str | None,
               offset: int, limit: int) -> tuple[Sequence[Patient], int]:
        found = [p for p in self.rows.all() if p.practice_id == practice_id
                 and (external_id is None or p.external_id == external_id)
                 and all(w in p.first_name.lower() or w in p.last_name.lower()
                         for w in (q or "").lower().split())]
        found.sort(key=lambda p: (p.last_name, p.first_name, str(p.id)))
        return found[offset:offset + limit], len(found)


class FakeCoverages:
    def __init__(self, rows: Rows) -> None:
        self.rows = rows

    def add(self, coverage: Coverage) -> None:
        self.rows.pending.append(coverage)

    def get(self, practice_id: uuid.UUID, coverage_id: uuid.UUID, *,
            lock: bool = False) -> Coverage | None:
        return next((c for c in self.rows.all()
                     if c.practice_id == practice_id and c.id == coverage_id), None)

    def for_patient(self, practice_id: uuid.UUID, patient_id: uuid.UUID, *, offset: int,
                    limit: int) -> tuple[Sequence[Coverage], int]:
        found = [c for c in self.rows.all()
                 if c.practice_id == practice_id and c.patient_id == patient_id]
        found.sort(key=lambda c: (c.priority, c.created_at, str(c.id)))
        return found[offset:offset + limit], len(found)

    def active_for_patient(self, practice_id: uuid.UUID,
                           patient_id: uuid.UUID) -> Sequence[Coverage]:
        found = [c for c in self.rows.all() if c.practice_id == practice_id
                 and c.patient_id == patient_id and c.end_date is None]
        return sorted(found, key=lambda c: (c.created_at, str(c.id)))


class FakeAudit:
    def __init__(self, rows: Rows) -> None:
        self.rows = rows

    def add_all(self, row: Mapping[str, Any], resource_ids: Iterable[object]) -> None:
        self.rows.pending.extend(AuditEvent(**row, resource_id=str(rid))
                                 for rid in resource_ids)


class FakeOutbox:
    """Webhook events a use case emits, kept with the unit of work's commit or dropped."""

    def __init__(self) -> None:
        self.pending: list[NewEvent] = []
        self.committed: list[NewEvent] = []

    def emit(self, events: Sequence[NewEvent]) -> None:
        self.pending.extend(events)


class FakeUnitOfWork:
    """`with uow: ...; uow.commit()`, as the real one: leaving without commit() drops what was
    added (changes to rows already committed stay, as with expired ORM objects reloaded)."""

    def __init__(self) -> None:
        self.tables = {name: Rows() for name in TABLES.values()}
        self.commits = 0
        self.patients = FakePatients(self.tables["patients"])
        self.coverages = FakeCoverages(self.tables["coverages"])
        self.audit = FakeAudit(self.tables["audit"])
        self.authorizations = FakeAuthorizations(self.tables["authorizations"],
                                                 self.tables["authorization_changes"])
        self.visits = FakeVisits(self.tables["visits"], self.tables["visit_changes"])
        self.verdict_rows = FakeVerdictRows(self.tables)
        self.alerts = FakeAlerts(self.tables, lambda: self.commits)
        self.outbox = FakeOutbox()

    def __call__(self) -> Self:
        """The same unit of work, for use cases that take a factory of them."""
        return self

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.rollback()

    def given(self, *rows: Base) -> None:
        """Rows stored before the test, each in its table (practices, checks, settings …)."""
        for row in rows:
            self.tables[TABLES[type(row)]].committed.append(row)

    def serialized(self) -> AbstractContextManager[object]:
        return nullcontext()

    def flush(self) -> None:
        """Gives new rows their ids, as the database's defaults would, and keeps the unique
        rules of the tables."""
        for rows in self.tables.values():
            for row in rows.pending:
                if getattr(row, "id", None) is None:
                    row.id = uuid.uuid4()
        for name, (table, key) in UNIQUE.items():
            keys = [k for k in map(key, self.tables[table].all()) if k is not None]
            if len(keys) != len(set(keys)):
                raise IntegrityError(name, None, Exception(f"duplicate key of {table}: {name}"))

    def commit(self) -> None:
        self.flush()
        for rows in self.tables.values():
            rows.committed.extend(rows.pending)
            rows.pending.clear()
        self.outbox.committed.extend(self.outbox.pending)
        self.outbox.pending.clear()
        self.commits += 1

    def rollback(self) -> None:
        for rows in self.tables.values():
            rows.pending.clear()
        self.outbox.pending.clear()

    @property
    def audit_rows(self) -> list[AuditEvent]:
        return list(self.tables["audit"].committed)


class FakeRunFigures:
    """A run's items in memory, read as service/db/run_reports.py reads them from the tables;
    `patients` gives each coverage's patient."""

    def __init__(self) -> None:
        self.items: list[ReverificationItem] = []
        self.patients: dict[uuid.UUID, uuid.UUID] = {}

    def add(self, item: ReverificationItem, *, patient_id: uuid.UUID) -> None:
        item.id = len(self.items) + 1
        self.items.append(item)
        self.patients[item.coverage_id] = patient_id

    def _of(self, run_id: uuid.UUID, practice_id: uuid.UUID | None) -> list[ReverificationItem]:
        return [i for i in self.items if i.run_id == run_id
                and (practice_id is None or i.practice_id == practice_id)]

    def counts(self, run_id: uuid.UUID, practice_id: uuid.UUID | None = None
               ) -> Sequence[tuple[str, str | None, int, int | None]]:
        groups: dict[tuple[str, str | None], list[int]] = {}
        for item in self._of(run_id, practice_id):
            found = groups.setdefault((item.state, item.outcome), [0, 0])
            found[0] += 1
            found[1] += item.changes is not None
        return [(state, outcome, n, changed) for (state, outcome), (n, changed) in groups.items()]

    def changes(self, run_id: uuid.UUID, practice_id: uuid.UUID | None = None
                ) -> Sequence[tuple[uuid.UUID, uuid.UUID, str, list[dict[str, Any]] | None]]:
        return [(i.coverage_id, self.patients[i.coverage_id], i.payer, i.changes)
                for i in self._of(run_id, practice_id) if i.changes is not None]

    def part_figures(self, practice_id: uuid.UUID, run_ids: Sequence[uuid.UUID]
                     ) -> dict[uuid.UUID, tuple[int, int, datetime | None]]:
        figures = {}
        for run_id in run_ids:
            mine = self._of(run_id, practice_id)
            if mine:
                ends = [i.finished_at for i in mine if i.finished_at is not None]
                figures[run_id] = (len(mine), sum(i.state in UNFINISHED for i in mine),
                                   max(ends, default=None))
        return figures
