"""Use case of the practice manager's dashboard: the figures at a glance, read in one go.

Authorizations expiring or running low come from the alerts (service/domain/alerts.py
owns those rules); verdicts are the ones stored on visits when they were booked.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from payers.registry import PayerRegistry
from service.db.models import Visit
from service.db.run_reports import RunReports
from service.db.uow import UnitOfWork
from service.domain.eligibility import ANSWERED
from service.domain.route_alerts import ROUTE_DEGRADED
from service.eligibility.health import RouteReport, every_route_health
from service.ledger import alerts
from service.practice.access import Caller
from service.reverify import parts

WINDOW_DAYS = 30  # checks: verified coverages, daily counts, payer error rates
AHEAD_DAYS = 14  # upcoming visits at risk or not covered
AUTH_KINDS = ("auth_exhausted", "auth_expired", "auth_low", "auth_expiring")
STATUSES = ("active", "inactive", "rejected", "error")


@dataclass(frozen=True)
class PayerRate:
    payer: str
    total: int
    failed: int  # no usable answer (timeouts, outages, garbage)
    rejected: int  # AAA rejections (usually the card's data)

    @property
    def rate(self) -> float:
        return self.failed / self.total if self.total else 0.0


@dataclass(frozen=True)
class FlaggedVisit:
    visit: Visit
    patient_id: uuid.UUID


@dataclass(frozen=True)
class RunReport:
    run: parts.Part  # this practice's part: its status and end, not the whole run's
    outcomes: dict[str, int]  # outcome (or state while unfinished) -> items of this practice
    changed: list[dict[str, Any]]  # {coverage_id, patient_id, outcome, changes}


@dataclass(frozen=True, kw_only=True)
class Dashboard:
    today: date
    coverages_total: int
    coverages_verified: int
    checks_by_day: list[tuple[date, dict[str, int]]]
    visits_by_status: dict[str, int]
    flagged_visits: list[FlaggedVisit]
    auth_alerts: list[alerts.AlertView]
    payers: list[PayerRate]
    last_run: RunReport | None
    # Routes with checks in the last 24 hours or a circuit not closed: the deployment's
    # routes, so the front desk knows when a payer is hard to reach for everyone.
    routes: list[RouteReport]
    # The practice's open route_degraded alerts (service/eligibility/route_alerts.py).
    route_alerts: list[alerts.AlertView]


def figures(*, uow: Callable[[], UnitOfWork], source: alerts.AlertSource,
            clock: Callable[[], datetime], caller: Caller,
            registry: PayerRegistry) -> Dashboard:
    now = clock()
    routes = [r for r in every_route_health(uow=uow(), clock=clock, registry=registry)
              if r.health.checks or r.circuit != "closed"]
    today = now.date()
    open_alerts = alerts.list_alerts(uow=uow(), source=source, clock=clock, caller=caller,
                                     kind=None, coverage_id=None, include_resolved=False).items
    with uow() as work:
        checks = work.dashboard.checks_since(caller.practice_id,
                                             now - timedelta(days=WINDOW_DAYS))
        total = work.dashboard.coverage_total(caller.practice_id)
        upcoming = work.dashboard.scheduled_visits(caller.practice_id, today,
                                                   today + timedelta(days=AHEAD_DAYS))
        report = last_run(work.run_reports, caller.practice_id)
    days = [today - timedelta(days=n) for n in range(WINDOW_DAYS - 1, -1, -1)]
    by_day: dict[date, Counter[str]] = {d: Counter() for d in days}
    by_payer: dict[str, Counter[str]] = {}
    for row in checks:
        by_day.setdefault(row.started_at.date(), Counter())[row.status] += 1
        by_payer.setdefault(row.payer, Counter())[row.status] += 1
    verdicts = Counter((v.verdict or {}).get("status", "covered") for v, _ in upcoming)
    return Dashboard(
        today=today, coverages_total=total,
        coverages_verified=len({r.coverage_id for r in checks if r.status in ANSWERED}),
        checks_by_day=[(d, {s: by_day[d][s] for s in STATUSES}) for d in days],
        visits_by_status={s: verdicts[s] for s in ("covered", "at_risk", "not_covered")},
        flagged_visits=[FlaggedVisit(v, patient) for v, patient in upcoming
                        if (v.verdict or {}).get("status") in ("at_risk", "not_covered")],
        auth_alerts=[a for a in open_alerts if a.kind in AUTH_KINDS],
        payers=sorted((PayerRate(payer, sum(c.values()), c["error"], c["rejected"])
                       for payer, c in by_payer.items()), key=lambda p: (-p.rate, p.payer)),
        last_run=report,
        routes=sorted(routes, key=lambda r: (not r.health.degraded, r.route)),
        route_alerts=[a for a in open_alerts if a.kind == ROUTE_DEGRADED],
    )


def last_run(reports: RunReports, practice_id: uuid.UUID) -> RunReport | None:
    """The latest re-verification run this practice took part in, with only its own items
    counted (a run over every practice that held none of them is not its last run)."""
    run = reports.latest(practice_id)
    if run is None:
        return None
    [part] = parts.parts(reports, practice_id, [run])
    items = reports.items(run.id, practice_id)
    outcomes = Counter(item.outcome or item.state for item, _ in items)
    changed = [{"coverage_id": item.coverage_id, "patient_id": patient,
                "outcome": item.outcome, "changes": item.changes}
               for item, patient in items if item.changes]
    return RunReport(run=part, outcomes=dict(outcomes), changed=changed)
