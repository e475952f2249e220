"""What the app factory builds once and every request, command and job shares."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from payers.registry import PayerRegistry
from service.cds.tokens import TokenVerifier
from service.config import Config
from service.db.cds import CdsReads
from service.db.check_port import CheckStore
from service.db.check_store import check_store_for
from service.db.idempotency import StoredAnswers
from service.db.key_lookup import KeyLookup
from service.db.models import EligibilityCheck
from service.db.statements import statements_for
from service.db.uow import UnitOfWork
from service.domain.eligibility import ANSWERED
from service.domain.ratelimit import TokenBuckets
from service.eligibility.route_alerts import RouteWatch
from service.ledger.alert_source import AlertSource
from service.ledger.verdict_inputs import VerdictInputSource
from service.ledger.visits import reevaluate_scheduled
from service.metrics import Metrics
from service.practice.access import Caller, VerifiedKeys
from service.webhooks.deliver import Deliverer
from service.webhooks.queue import WebhookQueue
from service.webhooks.runner import Runner
from service.webhooks.secrets import Sealer
from service.webhooks.sender import Sender

log = logging.getLogger("coverwatch.wiring")

# Where the app keeps its wiring (Flask's app.extensions).
EXTENSION = "coverwatch"


@dataclass(kw_only=True)
class Wiring:
    config: Config
    engine: Engine
    session_factory: sessionmaker[Session]
    clock: Callable[[], datetime]
    payers: PayerRegistry
    metrics: Metrics
    alerts: AlertSource = field(default_factory=AlertSource)
    verdict_inputs: VerdictInputSource = field(init=False)
    checks: CheckStore = field(init=False)
    keys: KeyLookup = field(init=False)
    stored_answers: StoredAnswers = field(init=False)
    verified_keys: VerifiedKeys = field(default_factory=VerifiedKeys)
    check_limits: TokenBuckets = field(init=False)
    # Checks made with `Prefer: respond-async` ask their payer on these threads, in this
    # process: a restart mid-call leaves the check pending until its deadline passes.
    background: ThreadPoolExecutor = field(init=False)
    # Opens and resolves route_degraded alerts after each finished check.
    route_watch: RouteWatch = field(init=False)
    # Webhook signing secrets at rest, and the deliverer of events (service/webhooks/).
    sealer: Sealer = field(init=False)
    deliverer: Deliverer = field(init=False)
    runner: Runner | None = None
    # CDS Hooks JWTs: each client's parsed keys kept, so a call costs one signature check.
    cds_reads: CdsReads = field(init=False)
    cds_tokens: TokenVerifier = field(init=False)

    def __post_init__(self) -> None:
        # Fair shares of payer routes between practices, and of this process's threads.
        self.payers = self.payers.fair(tenant_share=self.config.payer_practice_share,
                                       held_limit=self.config.route_thread_limit)
        self.check_limits = TokenBuckets(rate_per_minute=self.config.check_rate_per_minute,
                                         burst=self.config.check_burst, clock=self.clock)
        # How units of one statement are run on this database: chosen here, once.
        statements = statements_for(self.engine)
        self.verdict_inputs = VerdictInputSource(engine=self.engine, statements=statements,
                                                 registry=self.payers,
                                                 size=self.config.verdict_cache_size,
                                                 on_read=self.metrics.verdict_input)
        # Where checks and nightly items are stored: chosen here, once.
        self.checks = check_store_for(self.engine, statements)
        self.keys = KeyLookup(statements)
        self.stored_answers = StoredAnswers(statements)
        self.cds_reads = CdsReads(statements, self.engine.dialect.name)
        self.cds_tokens = TokenVerifier(uow=self.uow, reads=self.cds_reads, clock=self.clock,
                                        allow_private=self.config.cds_allow_private)
        self.route_watch = RouteWatch(
            uow=self.uow, clock=self.clock, rule=self.config.route_alert_rule,
            interval=timedelta(seconds=self.config.route_alert_interval_s))
        self.background = ThreadPoolExecutor(max_workers=self.config.async_check_threads,
                                             thread_name_prefix="async-check")
        self.sealer = Sealer(self.config.webhooks_secret_key)
        self.deliverer = Deliverer(
            uow=self.uow, clock=self.clock, sealer=self.sealer,
            sender=Sender(allow_private=self.config.webhooks_allow_private))

    def webhook_queue(self) -> WebhookQueue | None:
        """The Dramatiq queue of webhook deliveries when REDIS_URL is set, else None."""
        if self.config.redis_url is None:
            return None
        return WebhookQueue(self.config.redis_url, prefix=self.config.redis_prefix)

    def after_check(self, caller: Caller) -> Callable[[EligibilityCheck], None]:
        """What each finished check (the API's, the front desk's, the nightly run's) is
        followed by: its route judged (alerts), and, when the payer answered, the coverage's
        visits to come judged again on the new answer, so the verdicts stored on them (the
        schedule, GET /v1/visits) follow it at once rather than at the visit's next change."""

        def after(check: EligibilityCheck) -> None:
            self.route_watch.after_check(check)
            if check.status not in ANSWERED:
                return
            try:
                reevaluate_scheduled(uow=self.uow, clock=self.clock, registry=self.payers,
                                     caller=caller, coverage_id=check.coverage_id)
            except Exception:
                # The answer is stored and stands; the visits keep their verdicts until
                # their next change (or the nightly run), and the failure is in the log.
                log.exception("visits not judged again after check %s", check.id)

        return after

    def start_webhooks(self) -> Runner:
        """Start delivering webhook events from this process (the server's entry point
        calls it): on this process's threads, or through Dramatiq when REDIS_URL is set
        (`flask webhooks worker` delivers them)."""
        if self.runner is None:
            queue = self.webhook_queue()
            self.runner = Runner(self.deliverer, threads=self.config.webhook_threads,
                                 dispatch=queue.send if queue is not None else None)
            self.runner.start()
        return self.runner

    def dispose(self) -> None:
        """Let background checks finish, then close every pooled database connection (tests,
        before the app goes away)."""
        self.background.shutdown(wait=True)
        if self.runner is not None:
            self.runner.stop()
        self.deliverer.sender.close()
        self.engine.dispose()

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.session_factory)


def current_wiring() -> Wiring:
    """The wiring of the app serving this request or running this command."""
    wiring: Wiring = current_app.extensions[EXTENSION]
    return wiring
