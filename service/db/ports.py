"""What use cases need of storage, as protocols: the SQLAlchemy unit of work and repositories
fit them, and so do the in-memory fakes of the service layer's unit tests."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import date, datetime
from types import TracebackType
from typing import Any, Protocol, Self

from service.db.alerts import CoverageFacts
from service.db.models import (
    Alert,
    Authorization,
    AuthorizationChange,
    Coverage,
    Patient,
    Visit,
    VisitChange,
)
from service.db.outbox import NewEvent
from service.db.verdict_reads import VerdictRows


class Patients(Protocol):
    def add(self, patient: Patient) -> None: ...

    def get(self, practice_id: uuid.UUID, patient_id: uuid.UUID, *,
            lock: bool = False) -> Patient | None: ...

    def by_external_id(self, practice_id: uuid.UUID, external_id: str) -> Patient | None: ...

    def search(self, practice_id: uuid.UUID, *, external_id: str | None, q: str | None,
               offset: int, limit: int) -> tuple[Sequence[Patient], int]: ...


class Coverages(Protocol):
    def add(self, coverage: Coverage) -> None: ...

    def get(self, practice_id: uuid.UUID, coverage_id: uuid.UUID, *,
            lock: bool = False) -> Coverage | None: ...

    def for_patient(self, practice_id: uuid.UUID, patient_id: uuid.UUID, *, offset: int,
                    limit: int) -> tuple[Sequence[Coverage], int]: ...

    def active_for_patient(self, practice_id: uuid.UUID,
                           patient_id: uuid.UUID) -> Sequence[Coverage]: ...


class AuditLog(Protocol):
    def add_all(self, row: Mapping[str, Any], resource_ids: Iterable[object]) -> None:
        """One audit row per resource id, each with the other columns of `row`."""


class Audited(Protocol):
    """A unit of work that can take audit rows (service/practice/audit.py writes them)."""

    @property
    def audit(self) -> AuditLog: ...


class Authorizations(Protocol):
    def add(self, auth: Authorization) -> None: ...

    def get(self, practice_id: uuid.UUID, auth_id: uuid.UUID, *,
            lock: bool = False) -> Authorization | None: ...

    def by_number(self, coverage_id: uuid.UUID, number: str) -> Authorization | None: ...

    def for_coverage(self, coverage_id: uuid.UUID, *,
                     lock: bool = False) -> list[Authorization]: ...

    def add_change(self, change: AuthorizationChange) -> None: ...

    def changes(self, auth_id: uuid.UUID) -> Sequence[AuthorizationChange]: ...


class Visits(Protocol):
    def add(self, visit: Visit) -> None: ...

    def get(self, practice_id: uuid.UUID, visit_id: uuid.UUID, *,
            lock: bool = False) -> Visit | None: ...

    def by_external_id(self, practice_id: uuid.UUID, external_id: str, *,
                       lock: bool = False) -> Visit | None: ...

    def for_coverage(self, coverage_id: uuid.UUID, *, start: date | None = None,
                     end: date | None = None, lock: bool = False) -> Sequence[Visit]: ...

    def add_change(self, change: VisitChange) -> None: ...

    def changes(self, visit_id: uuid.UUID) -> Sequence[VisitChange]: ...


class VerdictRowsReader(Protocol):
    """What a verdict needs about a coverage, as the unit of work sees it (its own writes
    included); None when the practice has no such coverage."""

    def read(self, practice_id: uuid.UUID, coverage_id: uuid.UUID, *,
             exclude_visit: uuid.UUID | None = None) -> VerdictRows | None: ...


class Alerts(Protocol):
    def practice_stamp(self, practice_id: uuid.UUID) -> tuple[int, ...]: ...

    def config(self, practice_id: uuid.UUID) -> tuple[int, dict[str, Any] | None] | None: ...

    def coverage_stamps(self, practice_id: uuid.UUID) -> list[tuple[uuid.UUID, int]]: ...

    def facts(self, coverage_ids: Sequence[uuid.UUID], *, visits_since: date) -> CoverageFacts:
        ...

    def rows(self, practice_id: uuid.UUID) -> Sequence[Alert]: ...

    def get(self, practice_id: uuid.UUID, alert_id: uuid.UUID) -> Alert | None: ...

    def by_facts(self, practice_id: uuid.UUID, kind: str, subject_id: str,
                 fingerprint: str) -> Alert | None: ...

    def open_for_subject(self, kind: str, subject_id: str) -> Sequence[Alert]: ...

    def add(self, alert: Alert) -> None: ...

    def patients_of(self, coverage_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
        ...


class Outbox(Protocol):
    def emit(self, events: Sequence[NewEvent]) -> None:
        """Write webhook events in this unit of work's transaction (service/db/outbox.py)."""


class Transaction(Audited, Protocol):
    """`with uow: ...; uow.commit()`; leaving the block without commit() rolls back."""

    def __enter__(self) -> Self: ...

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None: ...

    def flush(self) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...


class RecordsUnitOfWork(Transaction, Protocol):
    """The unit of work of the patient and coverage use cases."""

    @property
    def patients(self) -> Patients: ...

    @property
    def coverages(self) -> Coverages: ...


class LedgerUnitOfWork(Transaction, Protocol):
    """The unit of work of the authorization and visit use cases."""

    @property
    def patients(self) -> Patients: ...

    @property
    def coverages(self) -> Coverages: ...

    @property
    def authorizations(self) -> Authorizations: ...

    @property
    def visits(self) -> Visits: ...

    @property
    def verdict_rows(self) -> VerdictRowsReader: ...

    @property
    def outbox(self) -> Outbox: ...

    def serialized(self) -> AbstractContextManager[object]:
        """Held while counting against authorizations (see service/db/uow.py)."""
        ...


class AlertsUnitOfWork(Transaction, Protocol):
    """The unit of work of the alert use cases."""

    @property
    def alerts(self) -> Alerts: ...

    @property
    def outbox(self) -> Outbox: ...

# Nightly runs: what a run's report reads of its items (service/reverify/report.py and
# parts.py). service/db/run_reports.py RunReports reads them from the database.


class RunFigures(Protocol):
    def counts(self, run_id: uuid.UUID, practice_id: uuid.UUID | None = None
               ) -> Sequence[tuple[str, str | None, int, int | None]]:
        """(state, outcome, items, items that found changes), by state and outcome."""

    def changes(self, run_id: uuid.UUID, practice_id: uuid.UUID | None = None
                ) -> Sequence[tuple[uuid.UUID, uuid.UUID, str, list[dict[str, Any]] | None]]:
        """(coverage id, patient id, payer, changes) of each item that found changes."""

    def part_figures(self, practice_id: uuid.UUID, run_ids: Sequence[uuid.UUID]
                     ) -> dict[uuid.UUID, tuple[int, int, datetime | None]]:
        """By run: (the practice's items, those unfinished, its last item's end)."""
