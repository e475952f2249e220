"""One function per webhook event: the outbox row for a change, with its stable payload.

Payloads carry ids and codes only, never a name, birth date or member id (docs/webhooks.md
and schemas/webhooks.py describe each). A use case writes the event in its own transaction:
`work.outbox.emit([...])`, or the check store's `events=` for checks.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from service.db.check_port import NewAlert
from service.db.models import Alert, Authorization, EligibilityCheck, ReverificationRun, Visit
from service.db.outbox import NewEvent
from service.domain.webhooks import TEST_EVENT, EventType


def _id(value: Any) -> str | None:
    return None if value is None else str(value)


def _iso(value: date | datetime | None) -> str | None:
    """A date or an instant in ISO 8601, or None."""
    return None if value is None else value.isoformat()


def _event(kind: str, *, practice_id: uuid.UUID, resource: str, at: datetime,
           data: dict[str, Any]) -> NewEvent:
    event_id = uuid.uuid4()
    return {"id": event_id, "practice_id": practice_id, "type": kind, "resource": resource,
            "created_at": at,
            "payload": {"id": f"evt_{event_id.hex}", "type": kind,
                        "timestamp": at.isoformat(), "data": data}}


def check_completed(check: EligibilityCheck, *, at: datetime) -> NewEvent:
    return _event(EventType.CHECK_COMPLETED, practice_id=check.practice_id,
                  resource=f"coverage:{check.coverage_id}", at=at, data={
                      "check_id": str(check.id), "coverage_id": str(check.coverage_id),
                      "payer": check.payer, "status": check.status,
                      "error_code": check.error_code,
                      "service_types": [s for s in check.service_types.split(",") if s],
                      "service_date": _iso(check.service_date),
                      "carve_out_of_id": _id(check.carve_out_of_id),
                      "reverification_run_id": _id(check.reverification_run_id),
                      "checked_at": _iso(check.checked_at)})


def coverage_changed(check: EligibilityCheck, *, previous_check_id: uuid.UUID,
                     changes: Sequence[dict[str, Any]], at: datetime) -> NewEvent:
    """What changed between the coverage's previous answer and this one (fields of
    service/domain/benefit_changes.py: codes, amounts, dates and flags)."""
    return _event(EventType.COVERAGE_CHANGED, practice_id=check.practice_id,
                  resource=f"coverage:{check.coverage_id}", at=at, data={
                      "coverage_id": str(check.coverage_id), "check_id": str(check.id),
                      "previous_check_id": str(previous_check_id),
                      "reverification_run_id": _id(check.reverification_run_id),
                      "changes": [{"field": c["field"], "before": c["before"],
                                   "after": c["after"]} for c in changes]})


def _alert_data(alert: Alert | NewAlert) -> dict[str, Any]:
    row = alert if isinstance(alert, dict) else {
        name: getattr(alert, name) for name in ("id", "kind", "coverage_id", "subject_id")}
    return {"alert_id": str(row["id"]), "kind": row["kind"],
            "coverage_id": _id(row["coverage_id"]), "subject_id": row["subject_id"]}


def alert_opened(alert: Alert | NewAlert, *, practice_id: uuid.UUID, at: datetime) -> NewEvent:
    """A stored alert written (the nightly job's coverage changes, a disabled endpoint)."""
    data = _alert_data(alert)
    return _event(EventType.ALERT_OPENED, practice_id=practice_id,
                  resource=f"alert:{data['alert_id']}", at=at, data=data)


def alert_resolved(alert: Alert, *, at: datetime) -> NewEvent:
    return _event(EventType.ALERT_RESOLVED, practice_id=alert.practice_id,
                  resource=f"alert:{alert.id}", at=at,
                  data={**_alert_data(alert), "resolved_at": _iso(alert.resolved_at)})


def verdict_status(verdict: dict[str, Any] | None) -> str | None:
    return None if verdict is None else verdict.get("status")


def visit_verdict_changed(visit: Visit, *, before: str | None, at: datetime) -> NewEvent:
    verdict = visit.verdict or {}
    return _event(EventType.VISIT_VERDICT_CHANGED, practice_id=visit.practice_id,
                  resource=f"visit:{visit.id}", at=at, data={
                      "visit_id": str(visit.id), "external_id": visit.external_id,
                      "coverage_id": str(visit.coverage_id), "date": _iso(visit.date),
                      "code": visit.code, "visit_status": visit.status, "before": before,
                      "after": verdict_status(visit.verdict),
                      "reasons": [r["code"] for r in verdict.get("reasons", [])],
                      "authorization_id": _id(visit.authorization_id)})


def authorization_updated(auth: Authorization, *, action: str, changed: Sequence[str],
                          at: datetime) -> NewEvent:
    return _event(EventType.AUTHORIZATION_UPDATED, practice_id=auth.practice_id,
                  resource=f"authorization:{auth.id}", at=at, data={
                      "authorization_id": str(auth.id), "coverage_id": str(auth.coverage_id),
                      "action": action, "changed": sorted(changed), "status": auth.status,
                      "unit": auth.unit, "quantity": auth.quantity, "used": auth.used,
                      "reserved": auth.reserved, "start_date": _iso(auth.start_date),
                      "end_date": _iso(auth.end_date),
                      "codes": [c for c in auth.codes.split(",") if c]})


def run_finished(run: ReverificationRun, *, practice_id: uuid.UUID, at: datetime) -> NewEvent:
    return _event(EventType.RUN_FINISHED, practice_id=practice_id,
                  resource=f"reverification_run:{run.id}", at=at, data={
                      "run_id": str(run.id), "status": run.status,
                      "finished_at": _iso(run.finished_at)})


def test_event(endpoint_id: uuid.UUID, *, practice_id: uuid.UUID, at: datetime) -> NewEvent:
    """What POST /v1/webhook-endpoints/{id}/test sends (to that endpoint only)."""
    return _event(TEST_EVENT, practice_id=practice_id, resource=f"test:{endpoint_id}", at=at,
                  data={"endpoint_id": str(endpoint_id)})
