"""Unit of work: one transaction, its repositories, and an explicit commit."""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, ExitStack, nullcontext
from contextvars import ContextVar, Token
from types import TracebackType

from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from service.db.alerts import AlertRepository
from service.db.cds import CdsClientRepository
from service.db.checks import EligibilityCheckRepository
from service.db.dashboard_reads import DashboardReads
from service.db.health_reads import HealthReads
from service.db.idempotency import IdempotencyRepository
from service.db.ledger import (
    AuthorizationRepository,
    FeeRepository,
    SettingsRepository,
    VisitRepository,
)
from service.db.lists import ListReads
from service.db.outbox import Outbox
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
from service.db.schedule_reads import ScheduleReads
from service.db.signin import SignInRepository, WebSessionRepository
from service.db.staff import StaffRepository
from service.db.verdict_reads import VerdictReads
from service.db.webhooks import WebhookRepository

_SQLITE_WRITES = threading.RLock()


class RequestTransaction:
    """One transaction for a whole request. Every unit of work opened while it is joined
    (`join`) runs in it as a savepoint, so a use case's commit only releases its savepoint;
    the request commits once, at its end, together with what it adds then (the answer an
    Idempotency-Key replays). Either all of it is stored or none.

    The transaction starts at the first unit of work, with `on_begin` (taking the key); on
    SQLite it holds this process's write turn from then on, since the database's write lock
    is held from that first write to the end and a writer waiting for the turn while holding
    that lock would stall the others."""

    def __init__(self, session_factory: sessionmaker[Session], *,
                 on_begin: Callable[[Session], None]) -> None:
        self.session_factory = session_factory
        self.on_begin = on_begin
        self.session: Session | None = None
        self._held = ExitStack()

    def begin(self) -> Session:
        """The request's session, the transaction started (and `on_begin` run) if need be."""
        if self.session is None:
            session = self.session_factory()
            if session.get_bind().dialect.name == "sqlite":
                self._held.enter_context(_SQLITE_WRITES)
            self.session = session
            self.on_begin(session)
        return self.session

    def commit(self) -> None:
        self.begin().commit()

    def close(self) -> None:
        """Roll back whatever was not committed and give back the connection and the turn."""
        if self.session is not None:
            self.session.close()
        self._held.close()


_JOINED: ContextVar[RequestTransaction | None] = ContextVar("request_transaction",
                                                             default=None)


def join(transaction: RequestTransaction) -> Token[RequestTransaction | None]:
    """Units of work opened from now on, in this context, run in `transaction`."""
    return _JOINED.set(transaction)


def leave(token: Token[RequestTransaction | None]) -> None:
    _JOINED.reset(token)


class UnitOfWork:
    """`with uow: ...; uow.commit()` — leaving the block without commit rolls back. Within a
    joined request transaction the block is a savepoint of it."""

    session: Session
    _savepoint: SessionTransaction | None

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self.session_factory = session_factory

    def __enter__(self) -> UnitOfWork:
        joined = _JOINED.get()
        if joined is None:
            self.session = self.session_factory()
            self._savepoint = None
        else:
            self.session = joined.begin()
            self._savepoint = self.session.begin_nested()
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
        self.schedule = ScheduleReads(self.session)
        self.health = HealthReads(self.session)
        self.lists = ListReads(self.session)
        self.idempotency = IdempotencyRepository(self.session)
        self.webhooks = WebhookRepository(self.session)
        self.outbox = Outbox(self.session)
        self.cds_clients = CdsClientRepository(self.session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._savepoint is not None:
            # The request's session stays open for the request; only this block is undone.
            if self._savepoint.is_active:
                self._savepoint.rollback()
            return
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
        if self._savepoint is None:
            self.session.commit()
        else:
            self._savepoint.commit()

    def flush(self) -> None:
        self.session.flush()

    def rollback(self) -> None:
        """Drop what the failed commit tried, so the block may read (and commit) again."""
        if self._savepoint is None:
            self.session.rollback()
        else:
            self._savepoint.rollback()
            self._savepoint = self.session.begin_nested()
