"""Each place a fact changes writes its webhook event: live and nightly checks (and what they
changed), visits' verdicts, authorizations, alerts resolved and opened, a finished run."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select

from service import create_app
from service.db.models import WebhookDelivery, WebhookEvent
from service.domain.webhooks import EVENT_TYPES
from tests.conftest import PAYERS_FILE
from tests.support.builders import bearer, create_coverage, create_patient, new_practice
from tests.support.people import PEOPLE


@pytest.fixture
def app(db_url, clock) -> Iterator[Flask]:
    application = create_app({"database_url": db_url, "payers_file": PAYERS_FILE,
                              "log_level": "DEBUG"}, clock=clock)
    yield application
    application.extensions["coverwatch"].dispose()


@pytest.fixture
def key(app, client) -> str:
    _, admin = new_practice(app)
    made = client.post("/v1/webhook-endpoints", headers=bearer(admin),
                       json={"url": "https://ehr.example.com/hook", "events": list(EVENT_TYPES)})
    assert made.status_code == 201
    return admin


def events(app, kind: str | None = None) -> list[dict]:
    """The outbox's payloads (of one type), oldest first; each has its endpoint's delivery."""
    with app.extensions["coverwatch"].uow() as work:
        rows = work.session.scalars(select(WebhookEvent).order_by(WebhookEvent.created_at))
        found = [r for r in rows if kind is None or r.type == kind]
        delivered = set(work.session.scalars(select(WebhookDelivery.event_id)))
    assert {r.id for r in found} <= delivered
    return [r.payload for r in found]


def checked_coverage(client, key, member_id="ZZT0000001") -> str:
    patient = create_patient(client, key, PEOPLE[0])
    coverage = create_coverage(client, key, patient["id"], PEOPLE[0], member_id=member_id)
    assert client.post("/v1/eligibility-checks", json={"coverage_id": coverage["id"]},
                       headers=bearer(key)).status_code == 201
    return coverage["id"]


def test_a_live_check_that_finds_the_benefits_changed_says_what_changed(app, client, key,
                                                                        clock):
    coverage_id = checked_coverage(client, key)
    assert [e["data"]["status"] for e in events(app, "eligibility_check.completed")] == [
        "active"]
    assert events(app, "coverage.changed") == []
    # The card was wrong: the member's plan needs prior authorization
    client.patch(f"/v1/coverages/{coverage_id}", json={"member_id": "ZZT0000003"},
                 headers=bearer(key))
    clock.advance(minutes=5)
    second = client.post("/v1/eligibility-checks", json={"coverage_id": coverage_id},
                         headers=bearer(key)).json
    changed = events(app, "coverage.changed")
    assert len(changed) == 1
    data = changed[0]["data"]
    assert data["coverage_id"] == coverage_id and data["check_id"] == second["id"]
    assert {"field": "auth_required", "before": False, "after": True} in data["changes"]


def test_a_nightly_run_reports_its_checks_changes_alerts_and_its_end(app, client, key, clock):
    coverage_id = checked_coverage(client, key)
    client.patch(f"/v1/coverages/{coverage_id}", json={"member_id": "ZZT0000003"},
                 headers=bearer(key))
    clock.advance(days=4)
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["reverify", "--all"])
    assert result.exit_code == 0, result.output
    completed = events(app, "eligibility_check.completed")
    run_id = completed[-1]["data"]["reverification_run_id"]
    assert run_id is not None
    changed = events(app, "coverage.changed")
    assert [c["data"]["reverification_run_id"] for c in changed] == [run_id]
    opened = events(app, "alert.opened")
    assert opened and {o["data"]["kind"] for o in opened} == {"coverage_changed"}
    assert {o["data"]["coverage_id"] for o in opened} == {coverage_id}
    finished = events(app, "reverification_run.finished")
    assert [(f["data"]["run_id"], f["data"]["status"]) for f in finished] == [
        (run_id, "finished")]


def test_visits_and_authorizations_report_their_changes(app, client, key):
    coverage_id = checked_coverage(client, key, member_id="ZZT0000003")
    auth = client.post("/v1/authorizations", headers=bearer(key), json={
        "coverage_id": coverage_id, "number": "A1", "quantity": 10,
        "start_date": "2026-11-01", "end_date": "2026-12-31", "codes": ["90837"]}).json
    visit = client.post("/v1/visits", headers=bearer(key), json={
        "coverage_id": coverage_id, "date": "2026-12-10", "code": "90837", "minutes": 55,
        "external_id": "appt-1"}).json
    # The authorization ends before the visit: the visit is re-counted and its verdict moves
    client.patch(f"/v1/authorizations/{auth['id']}", json={"end_date": "2026-12-05"},
                 headers=bearer(key))
    updated = [e["data"] for e in events(app, "authorization.updated")]
    assert [(u["action"], u["changed"]) for u in updated] == [
        ("create", ["codes", "end_date", "number", "quantity", "start_date", "status",
                    "unit"]),
        ("update", ["end_date"])]
    verdicts = [e["data"] for e in events(app, "visit.verdict_changed")]
    assert [(v["visit_id"], v["before"], v["after"]) for v in verdicts] == [
        (visit["id"], None, "covered"), (visit["id"], "covered", "not_covered")]
    assert verdicts[1]["external_id"] == "appt-1" and verdicts[1]["reasons"]
    client.delete(f"/v1/visits/{visit['id']}", headers=bearer(key))
    last = events(app, "visit.verdict_changed")[-1]["data"]
    assert (last["before"], last["after"], last["visit_status"]) == (
        "not_covered", None, "deleted")


def test_resolving_an_alert_reports_it(app, client, key):
    coverage_id = checked_coverage(client, key, member_id="ZZT0000003")
    client.post("/v1/authorizations", headers=bearer(key), json={
        "coverage_id": coverage_id, "number": "A1", "quantity": 1,
        "start_date": "2026-11-01", "end_date": "2026-12-31", "codes": ["90837"]})
    client.post("/v1/visits", headers=bearer(key), json={
        "coverage_id": coverage_id, "date": "2026-12-10", "code": "90837", "minutes": 55})
    alert = client.get("/v1/alerts", headers=bearer(key)).json["items"][0]
    assert client.post(f"/v1/alerts/{alert['id']}/resolve",
                       headers=bearer(key)).status_code == 200
    resolved = [e["data"] for e in events(app, "alert.resolved")]
    assert [(r["alert_id"], r["kind"]) for r in resolved] == [(alert["id"], alert["kind"])]
    client.post(f"/v1/alerts/{alert['id']}/resolve", headers=bearer(key))
    assert len(events(app, "alert.resolved")) == 1  # resolving again changes nothing
