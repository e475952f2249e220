"""Unit of work: one transaction, its repositories, and an explicit commit."""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager, nullcontext
from types import TracebackType

from sqlalchemy.orm import Session, sessionmaker

from service.db.alerts import AlertRepository
from service.db.checks import EligibilityCheckRepository
from service.db.dashboard_reads import DashboardReads
from service.db.ledger import (
    AuthorizationRepository,
    FeeRepository,
    SettingsRepository,
    VisitRepository,
)
from service.db.lists import ListReads
from service.db.repositories import (
    ApiKeyRepository,
    AuditRepository,
    CounterRepository,
    CoverageRepository,
    PatientRepository,
    PracticeRepository,
)
from service.db.run_reports import RunReports
from service.db.runs import RunRepository
from service.db.signin import SignInRepository, WebSessionRepository
from service.db.staff import StaffRepository
from service.db.verdict_reads import VerdictReads

_SQLITE_WRITES = threading.RLock()


class UnitOfWork:
    """`with uow: ...; uow.commit()` — leaving the block without commit rolls back."""

    session: Session

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self.session_factory = session_factory

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
        self.verdict_rows = VerdictReads(self.session)
        self.staff = StaffRepository(self.session)
        self.signin = SignInRepository(self.session)
        self.web_sessions = WebSessionRepository(self.session)
        self.runs = RunRepository(self.session)
        self.run_reports = RunReports(self.session)
        self.dashboard = DashboardReads(self.session)
        self.lists = ListReads(self.session)
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

    def commit(self) -> None:
        self.session.commit()

    def flush(self) -> None:
        self.session.flush()

    def rollback(self) -> None:
        """Drop what the failed commit tried, so the block may read (and commit) again."""
        self.session.rollback()
