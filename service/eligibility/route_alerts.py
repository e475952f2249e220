"""Use case: after a check finishes, open or resolve its route's route_degraded alert.

The route's checks of the rule's window are read (service/db/health_reads.py) and judged
by service/domain/route_alerts.py. Degraded: the practice whose check it was gets an alert
(subject: the route), unless it has one open, with its alert.opened webhook event.
Recovered: every practice's open alert for the route is resolved (by ``system``), each
with its alert.resolved event. A failure here is logged and never fails the check.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError

from service.db.models import Alert, EligibilityCheck
from service.db.uow import UnitOfWork
from service.domain.route_alerts import ROUTE_DEGRADED, RouteAlertRule, assess, message
from service.domain.route_health import Outcome, route_health
from service.webhooks import events

log = logging.getLogger("coverwatch.route_alerts")
RESOLVED_BY = "system"


class RouteWatch:
    """Judges a route after its checks (`after_check`), under one rule, at most once per
    `interval` in this process: each judgement reads the route's checks of the window, and
    a busy route finishes several checks a second."""

    def __init__(self, *, uow: Callable[[], UnitOfWork], clock: Callable[[], datetime],
                 rule: RouteAlertRule, interval: timedelta = timedelta(seconds=30)) -> None:
        self.uow = uow
        self.clock = clock
        self.rule = rule
        self.interval = interval
        self._judged: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def after_check(self, check: EligibilityCheck) -> None:
        if not check.route or check.status == "pending" or not self._due(check.route):
            return
        try:
            self.judge(check.route, practice_id=check.practice_id)
        except IntegrityError:
            # Another check of the same practice opened the same alert at the same moment.
            log.info("route %s: its alert was opened by another check", check.route)
        except Exception:
            log.exception("route %s could not be judged after a check", check.route)

    def _due(self, route: str) -> bool:
        now = self.clock()
        with self._lock:
            last = self._judged.get(route)
            if last is not None and now - last < self.interval:
                return False
            self._judged[route] = now
            return True

    def judge(self, route: str, *, practice_id: uuid.UUID) -> str | None:
        """Open or resolve alerts for `route`; what the checks said (assess)."""
        now = self.clock()
        with self.uow() as work:
            rows = work.health.outcomes_since([route], now - self.rule.window)
            health = route_health(Outcome(status, code, ms) for _, status, code, ms in rows)
            state = assess(health, self.rule)
            opened = work.alerts.open_for_subject(ROUTE_DEGRADED, route)
            if state == "degraded" and not any(a.practice_id == practice_id for a in opened):
                alert = Alert(
                    id=uuid.uuid4(), practice_id=practice_id, coverage_id=None,
                    kind=ROUTE_DEGRADED, subject_id=route,
                    fingerprint=hashlib.sha256(
                        f"{route}:{now:%Y-%m-%dT%H:%M}".encode()).hexdigest(),
                    message=message(route, health),
                    data={"route": route, "checks": health.checks,
                          "success_share": health.success_share,
                          "within_20s_share": health.within_budget_share},
                    created_at=now)
                work.alerts.add(alert)
                work.outbox.emit([events.alert_opened(alert, practice_id=practice_id, at=now)])
            elif state == "recovered":
                for alert in opened:
                    alert.resolved_at, alert.resolved_by = now, RESOLVED_BY
                    work.outbox.emit([events.alert_resolved(alert, at=now)])
            work.commit()
        return state
