"""What use cases need of storage, as protocols: the SQLAlchemy unit of work and repositories
fit them, and so do the in-memory fakes of the service layer's unit tests."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol, Self

from service.db.models import AuditEvent, Coverage, Patient


class Patients(Protocol):
    def add(self, patient: Patient) -> None: ...

    def get(self, practice_id: uuid.UUID, patient_id: uuid.UUID) -> Patient | None: ...

    def by_external_id(self, practice_id: uuid.UUID, external_id: str) -> Patient | None: ...

    def search(self, practice_id: uuid.UUID, *, external_id: str | None, q: str | None,
               offset: int, limit: int) -> tuple[Sequence[Patient], int]: ...


class Coverages(Protocol):
    def add(self, coverage: Coverage) -> None: ...

    def get(self, practice_id: uuid.UUID, coverage_id: uuid.UUID) -> Coverage | None: ...

    def for_patient(self, practice_id: uuid.UUID, patient_id: uuid.UUID, *, offset: int,
                    limit: int) -> tuple[Sequence[Coverage], int]: ...


class AuditLog(Protocol):
    def add_all(self, events: Sequence[AuditEvent]) -> None: ...


class Audited(Protocol):
    """A unit of work that can take audit rows (service/audit.py writes them)."""

    @property
    def audit(self) -> AuditLog: ...


class RecordsUnitOfWork(Audited, Protocol):
    """The unit of work of the patient and coverage use cases: `with uow: ...;
    uow.commit()`; leaving the block without commit() rolls back."""

    @property
    def patients(self) -> Patients: ...

    @property
    def coverages(self) -> Coverages: ...

    def __enter__(self) -> Self: ...

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None: ...

    def flush(self) -> None: ...

    def commit(self) -> None: ...


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
