"""What needs attention: the alerts list and the practice manager's dashboard."""

from __future__ import annotations

import uuid
from itertools import groupby

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from service.ledger import alerts
from service.pages import dashboard
from service.ui import session as ui_session
from service.ui.blueprint import bp
from service.wiring import current_wiring

KIND_LABELS = {
    "coverage_inactive": "Coverage inactive", "coverage_changed": "Coverage changed",
    "webhook_disabled": "Webhook endpoint disabled", "route_degraded": "Payer route degraded",
    "check_failing": "Eligibility checks failing", "visit_not_covered": "Visits not covered",
    "auth_exhausted": "Authorizations used up", "auth_expired": "Authorizations ended",
    "auth_low": "Authorizations running low", "auth_expiring": "Authorizations ending soon",
    "cpt_time_mismatch": "Code and minutes do not match", "no_shows": "Repeated no-shows",
}

OUTCOME_LABELS = {"active": "Active", "inactive": "Inactive", "rejected": "Rejected",
                  "error": "No answer", "pending": "Waiting", "running": "Running",
                  "retry": "To retry", "deferred": "Next run", "done": "Done"}


@bp.route("/alerts", methods=["GET"])
@ui_session.signed_in
def alert_list() -> ResponseReturnValue:
    wiring = current_wiring()
    rows = alerts.list_alerts(uow=wiring.uow(), source=wiring.alerts, clock=wiring.clock,
                              caller=ui_session.caller(), kind=None, coverage_id=None,
                              include_resolved=False).items
    order = {kind: n for n, kind in enumerate(KIND_LABELS)}
    ordered = sorted(rows, key=lambda a: (order.get(a.kind, len(order)), a.kind,
                                          -a.created_at.timestamp()))
    groups = [(kind, KIND_LABELS.get(kind, kind), list(items))
              for kind, items in groupby(ordered, key=lambda a: a.kind)]
    return render_template("alerts.html", groups=groups, total=len(rows))


@bp.route("/alerts/<uuid:alert_id>/resolve", methods=["POST"])
@ui_session.signed_in
def resolve_alert(alert_id: uuid.UUID) -> ResponseReturnValue:
    wiring = current_wiring()
    alerts.resolve(uow=wiring.uow(), source=wiring.alerts, clock=wiring.clock,
                   caller=ui_session.caller(), alert_id=alert_id)
    flash("Alert resolved.")
    return redirect(url_for("ui.alert_list"))


@bp.route("/dashboard", methods=["GET"])
@ui_session.signed_in
def manager_dashboard() -> ResponseReturnValue:
    wiring = current_wiring()
    figures = dashboard.figures(uow=wiring.uow, source=wiring.alerts, clock=wiring.clock,
                                caller=ui_session.caller(), registry=wiring.payers)
    payer_rows = [(p.payer, "error", round(p.rate * 100)) for p in figures.payers]
    run_rows = [(OUTCOME_LABELS.get(k, k), k, n)
                for k, n in sorted((figures.last_run.outcomes if figures.last_run else {})
                                   .items())]
    return render_template("dashboard.html", d=figures, payer_rows=payer_rows,
                           run_rows=run_rows)
