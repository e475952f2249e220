"""Unit of work: one transaction, its repositories, and an explicit commit."""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager, nullcontext
from types import TracebackType
from typing import Any

from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql import Select

from service.db.alerts import AlertRepository
from service.db.checks import EligibilityCheckRepository
from service.db.direct import DirectReads
from service.db.ledger import (
    AuthorizationRepository,
    FeeRepository,
    SettingsRepository,
    VisitRepository,
)
from service.db.repositories import (
    ApiKeyRepository,
    AuditRepository,
    CounterRepository,
    CoverageRepository,
    PatientRepository,
    PracticeRepository,
)

_SQLITE_WRITES = threading.RLock()


class UnitOfWork:
    """`with uow: ...; uow.commit()` — leaving the block without commit rolls back."""

    session: Session

    def __init__(self, session_factory: sessionmaker[Session],
                 reads: DirectReads | None = None) -> None:
        self.session_factory = session_factory
        self.reads = reads

    def read_first(self, statement: Select[Any], sql: str,
                   params: dict[str, Any]) -> dict[str, Any] | None:
        """One read that stands alone, made outside this unit (no `with` needed): the first
        row as column name -> value, or None. `sql` is the same query in PostgreSQL's SQL,
        run on the direct connections (service/db/direct.py) when the app has them."""
        if self.reads is not None:
            return self.reads.first(statement, sql, params)
        with self:
            self.autocommit()
            row = self.session.connection().execute(statement, params).first()
            return None if row is None else dict(row._mapping)

    def direct_writes(self) -> DirectReads | None:
        """The direct connections when statements that stand alone may go straight through
        psycopg (PostgreSQL), else None (use a session in autocommit)."""
        reads = self.reads
        return reads if reads is not None and reads.postgresql else None

    def __enter__(self) -> UnitOfWork:
        self.session = self.session_factory()
        self.practices = PracticeRepository(self.session)
        self.api_keys = ApiKeyRepository(self.session)
        self.patients = PatientRepository(self.session)
        self.coverages = CoverageRepository(self.session)
        self.audit = AuditRepository(self.session)
        self.counters = CounterRepository(self.session)
        self.checks = EligibilityCheckRepository(self.session)
        self.authorizations = AuthorizationRepository(self.session)
        self.visits = VisitRepository(self.session)
        self.fees = FeeRepository(self.session)
        self.settings = SettingsRepository(self.session)
        self.alerts = AlertRepository(self.session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # close() rolls back whatever was not committed, and keeps loaded objects readable
        # (a rollback would expire them) so that views can serialize what a read returned.
        self.session.close()

    def serialized(self) -> AbstractContextManager[object]:
        """Hold while counting against authorizations. PostgreSQL relies on row locks
        (SELECT ... FOR UPDATE); SQLite has none, so this process's writers take turns."""
        if self.session.get_bind().dialect.name == "sqlite":
            return _SQLITE_WRITES
        return nullcontext()

    def autocommit(self) -> None:
        """Let each statement commit on its own, for work whose every statement stands alone:
        no BEGIN or COMMIT round trips (on PostgreSQL; SQLite keeps one transaction, which
        costs no round trip). Call before the first statement; commit() is still called."""
        if self.session.get_bind().dialect.name == "postgresql":
            self.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})

    def commit(self) -> None:
        self.session.commit()

    def flush(self) -> None:
        self.session.flush()
