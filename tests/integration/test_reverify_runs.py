"""The re-verification engine in process: selection, retries by AAA follow-up code, payer
limits, change detection with its alerts, the run report over the API, and one item claimed
and recorded with its check through the check store."""

from __future__ import annotations

import gc
import threading
import time
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from payers.directory import parse_directory
from service import create_app
from service.db.models import (
    Alert,
    AuditEvent,
    Coverage,
    EligibilityCheck,
    ReverificationItem,
    Visit,
)
from service.domain.reverification import Selection
from service.reverify import runs
from service.reverify.items import Deps, process
from service.reverify.limits import LocalLimits
from service.reverify.runner import Runner
from service.reverify.setup import deps_for, limits_of
from tests.support import reverify_data as data
from tests.support.builders import bearer, new_key
from tests.support.scripted_payer import ScriptedPayer, serving


def route(url: str, **extra: object) -> dict[str, object]:
    return {"id": "scripted", "name": "Scripted plan", "payer_id": "SCRIPT01",
            "adapter": "core-soap", "url": url, "username": "cw-test", "password": "pw-test",
            "timeout_s": 1, **extra}


@pytest.fixture
def job(db_url, clock):
    """Builds (app, run function) for a scripted payer with the given directory fields."""
    apps = []
    stack = []

    def build(payer: ScriptedPayer, **fields: object):
        context = serving(payer)
        url = context.__enter__()
        stack.append(context)
        app = create_app({"database_url": db_url, "redis_url": None},
                         payers=parse_directory({"payers": [route(url, **fields)]}),
                         clock=clock)
        apps.append(app)
        wiring = app.extensions["coverwatch"]

        def advance(seconds: float) -> None:
            # Waiting for a retry moves the test's clock instead of the wall clock.
            clock.advance(seconds=max(seconds, 10))
            time.sleep(0.001)

        def run(selection: Selection, *, fake_time: bool = True, max_attempts: int = 3):
            run_id, _ = runs.create(wiring.uow, wiring.clock, selection, mode="inline",
                                    requested_by="test", max_attempts=max_attempts)
            deps = Deps(uow=wiring.uow, store=wiring.checks, clock=wiring.clock,
                        registry=wiring.payers,
                        limits=LocalLimits(limits_of(wiring.payers)), worker="test-worker",
                        max_attempts=max_attempts)
            status = Runner(deps, run_id, sleep=advance if fake_time else None).run()
            return run_id, status

        return app, run

    yield build
    for app in apps:
        app.extensions["coverwatch"].dispose()
    for context in stack:
        context.__exit__(None, None, None)


def items(app, run_id):
    with app.extensions["coverwatch"].uow() as work:
        rows = work.session.scalars(select(ReverificationItem).where(
            ReverificationItem.run_id == run_id)).all()
        return {row.coverage_id: row for row in rows}


def checks_of(app, run_id, coverage_id):
    with app.extensions["coverwatch"].uow() as work:
        return work.session.scalars(select(EligibilityCheck).where(
            EligibilityCheck.reverification_run_id == run_id,
            EligibilityCheck.coverage_id == coverage_id)
            .order_by(EligibilityCheck.started_at)).all()


def test_selection_takes_stale_coverages_with_visits_soon_and_all_takes_the_rest(
        db_url, clock, job):
    app, run = job(ScriptedPayer())
    mine, other = data.practice(db_url), data.practice(db_url, "Other Practice")
    soon, later = data.in_days(clock, 5), data.in_days(clock, 20)
    never, far, fresh, stale, no_visit, inactive, cancelled = data.coverages(
        db_url, mine, [f"ZZS000000{n}" for n in range(7)], payer="scripted")
    [elsewhere] = data.coverages(db_url, other, ["ZZS0000099"], payer="scripted",
                                 visit_on=soon)
    data.add(db_url,
             data.visit(mine, never, soon), data.visit(mine, far, later),
             data.visit(mine, fresh, soon), data.visit(mine, stale, soon),
             data.visit(mine, cancelled, soon, status="cancelled"),
             data.answered(mine, fresh, "scripted", clock() - timedelta(hours=2)),
             data.answered(mine, stale, "scripted", clock() - timedelta(hours=100)),
             data.answered(mine, inactive, "scripted", clock() - timedelta(hours=100),
                           status="inactive"))

    run_id, status = run(Selection(practice_id=mine))
    assert status == "finished"
    assert set(items(app, run_id)) == {never, stale}

    run_id, _ = run(Selection(every_active=True, older_than_hours=None, practice_id=mine))
    assert set(items(app, run_id)) == {never, far, fresh, stale, no_visit, cancelled}

    run_id, _ = run(Selection(within_days=30))
    assert set(items(app, run_id)) == {elsewhere}  # every practice; the others are fresh


def test_selection_takes_a_young_answer_whose_plan_year_ended_before_the_next_visit(
        db_url, clock, job):
    # Given answers of two hours ago, one about a plan year that ended yesterday
    app, run = job(ScriptedPayer())
    mine = data.practice(db_url)
    renewed, current, undated = data.coverages(
        db_url, mine, ["ZZS0000010", "ZZS0000011", "ZZS0000012"], payer="scripted")
    soon, two_hours_ago = data.in_days(clock, 5), clock() - timedelta(hours=2)
    data.add(db_url, *(data.visit(mine, c, soon) for c in (renewed, current, undated)),
             data.answered(mine, renewed, "scripted", two_hours_ago,
                           plan_end=data.in_days(clock, -1)),
             data.answered(mine, current, "scripted", two_hours_ago,
                           plan_end=data.in_days(clock, 0)),
             data.answered(mine, undated, "scripted", two_hours_ago))
    # When the nightly run selects
    run_id, _ = run(Selection(practice_id=mine))
    # Then only the renewed plan is asked again; a plan ending today is still current
    assert set(items(app, run_id)) == {renewed}


def test_selection_skips_a_coverage_the_practice_ended(db_url, clock, job):
    app, run = job(ScriptedPayer())
    mine = data.practice(db_url)
    soon = data.in_days(clock, 5)
    active, ended = data.coverages(db_url, mine, ["ZZS0000010", "ZZS0000011"],
                                   payer="scripted", visit_on=soon)
    with app.extensions["coverwatch"].uow() as work:
        work.session.execute(update(Coverage).where(Coverage.id == ended)
                             .values(end_date=clock().date()))
        work.commit()

    run_id, status = run(Selection(practice_id=mine))
    assert status == "finished" and set(items(app, run_id)) == {active}
    run_id, _ = run(Selection(every_active=True, older_than_hours=None, practice_id=mine))
    assert set(items(app, run_id)) == {active}


SCRIPTS = {
    "ZZR000000R": [("aaa", "42", "R"), ("active", "25")],
    "ZZR000000P": [("aaa", "42", "P"), ("active", "25")],
    "ZZR000000T": [("slow", 3.5), ("active", "25")],  # past the route's 3 s timeout
    "ZZR00000RR": [("aaa", "42", "R")],
    "ZZR000000C": [("aaa", "72", "C")],
    "ZZR000000N": [("aaa", "75", "N")],
    "ZZR000000W": [("aaa", "42", "W")],
    "ZZR000000X": [("aaa", "42", "X")],
}


def test_follow_up_codes_decide_retries_and_no_resend_comes_within_90_seconds(
        db_url, clock, job):
    payer = ScriptedPayer(dict(SCRIPTS))
    # A 3 s timeout: on a busy machine a prompt answer can take over a second to arrive, and
    # only ZZR000000T's may time out here.
    app, run = job(payer, max_concurrency=4, timeout_s=3)
    practice = data.practice(db_url)
    members = list(SCRIPTS)
    ids = dict(zip(members, data.coverages(db_url, practice, members, payer="scripted",
                                           visit_on=data.in_days(clock, 3)), strict=True))
    run_id, status = run(Selection())
    assert status == "finished"
    found = items(app, run_id)

    def summary(member):
        item = found[ids[member]]
        checks = checks_of(app, run_id, ids[member])
        return item.state, item.outcome, [c.status for c in checks], checks

    for member in ("ZZR000000R", "ZZR000000P"):
        state, outcome, statuses, checks = summary(member)
        assert (state, outcome, statuses) == ("done", "active", ["rejected", "active"])
        assert checks[1].started_at - checks[0].started_at >= timedelta(seconds=90)
    state, outcome, statuses, checks = summary("ZZR000000T")
    assert (state, outcome, statuses) == ("done", "active", ["error", "active"])
    assert checks[0].error_code == "PAYER_TIMEOUT"
    assert checks[1].started_at - checks[0].started_at >= timedelta(seconds=90)
    state, outcome, statuses, checks = summary("ZZR00000RR")
    assert (state, outcome, statuses) == ("done", "rejected", ["rejected"] * 3)
    gaps = [b.started_at - a.started_at for a, b in zip(checks, checks[1:], strict=False)]
    assert gaps[0] >= timedelta(seconds=90) and gaps[1] >= timedelta(seconds=180)
    for member in ("ZZR000000C", "ZZR000000N"):
        assert summary(member)[:3] == ("done", "rejected", ["rejected"])
        assert len(payer.calls_for(member)) == 1
    for member in ("ZZR000000W", "ZZR000000X"):
        assert summary(member)[:3] == ("deferred", "rejected", ["rejected"])
    # A deferred coverage is selected again by the next run (it still has no answer).
    next_run, _ = run(Selection())
    assert {ids["ZZR000000W"], ids["ZZR000000X"]} <= set(items(app, next_run))


def test_the_concurrency_cap_and_rate_of_the_payer_directory_hold(db_url, clock, job):
    payer = ScriptedPayer(latency_s=0.1)
    app, run = job(payer, max_concurrency=3)
    practice = data.practice(db_url)
    data.coverages(db_url, practice, [f"ZZL00000{n:02d}" for n in range(15)],
                   payer="scripted", visit_on=data.in_days(clock, 1))
    run(Selection(), fake_time=False)
    assert 2 <= payer.peak <= 3
    assert len(payer.calls) == 15

    paced = ScriptedPayer()
    app, run = job(paced, max_concurrency=5, rate_per_s=5)
    data.coverages(db_url, practice, [f"ZZL00001{n:02d}" for n in range(8)],
                   payer="scripted", visit_on=data.in_days(clock, 1))
    # A cyclic collection late in a long suite stops every thread for a moment; one between
    # the first call's turn and its send would bunch the first calls together at the payer.
    # What is measured here is the pacing, so no collection runs while it is measured.
    gc.collect()
    gc.disable()
    try:
        run(Selection(), fake_time=False)
    finally:
        gc.enable()
    starts = sorted(at for _, at in paced.calls)
    assert len(starts) == 8
    # 5 per second, whatever the five threads do. The gate opens before the check's first
    # transaction, so what the payer sees jitters by that much; never six within 0.85 s.
    assert starts[-1] - starts[0] >= 7 / 5 - 0.1
    assert all(b - a >= 1 - 0.15 for a, b in zip(starts, starts[5:], strict=False)), starts


def test_changes_become_alerts_and_lines_of_the_report(db_url, clock, job, app):
    payer = ScriptedPayer({
        "ZZC0000001": [("active", "25"), ("active", "40")],
        "ZZC0000002": [("active", "25"), ("inactive",)],
        "ZZC0000003": [("active", "25")],
    })
    scripted_app, run = job(payer)
    practice = data.practice(db_url)
    copay, ended, same = data.coverages(db_url, practice, list(payer.scripts),
                                        payer="scripted", visit_on=data.in_days(clock, 6))
    first, _ = run(Selection())
    assert all(i.changes is None for i in items(scripted_app, first).values())
    clock.advance(hours=73)
    second, status = run(Selection(within_days=30))
    assert status == "finished"
    found = items(scripted_app, second)
    assert found[same].changes is None
    [line] = found[copay].changes
    assert (line["field"], line["before"], line["after"]) == ("copay", "25.00", "40.00")
    fields = {c["field"]: c for c in found[ended].changes}
    assert (fields["status"]["before"], fields["status"]["after"]) == ("active", "inactive")
    assert "plan_end" in fields

    with scripted_app.extensions["coverwatch"].uow() as work:
        alerts = work.session.scalars(select(Alert).where(
            Alert.kind == "coverage_changed")).all()
    by_coverage = {(a.coverage_id, a.data["field"]): a for a in alerts}
    assert by_coverage[(copay, "copay")].message == "Copay changed from 25.00 to 40.00."
    assert "now inactive" in by_coverage[(ended, "status")].message
    assert len(alerts) == 1 + len(found[ended].changes)

    key = new_key(scripted_app, practice, {"read"})
    client = scripted_app.test_client()
    report = client.get(f"/v1/reverification-runs/{second}", headers=bearer(key))
    assert report.status_code == 200, report.json
    body = report.json
    assert (body["selected"], body["checked"], body["active"], body["inactive"],
            body["changed"]) == (3, 3, 2, 1, 2)
    lines = {(c["coverage_id"], c["field"]): c for c in body["changes"]}
    assert (lines[(str(copay), "copay")]["before"], lines[(str(copay), "copay")]["after"]) == (
        "25.00", "40.00")
    assert lines[(str(ended), "status")]["after"] == "inactive"
    listed = client.get("/v1/reverification-runs", headers=bearer(key)).json
    assert [r["id"] for r in listed["items"]] == [str(second), str(first)]

    stranger = new_key(scripted_app, data.practice(db_url, "Another"), {"read"})
    assert client.get(f"/v1/reverification-runs/{second}",
                      headers=bearer(stranger)).status_code == 404
    assert client.get(f"/v1/reverification-runs/{uuid.uuid4()}",
                      headers=bearer(key)).status_code == 404


def test_a_run_over_every_practice_reports_to_each_practice_its_own_part(db_url, clock, job):
    app, run = job(ScriptedPayer())
    one, two = data.practice(db_url), data.practice(db_url, "Second Practice")
    data.coverages(db_url, one, ["ZZP0000001", "ZZP0000002"], payer="scripted",
                   visit_on=data.in_days(clock, 1))
    data.coverages(db_url, two, ["ZZP0000003"], payer="scripted",
                   visit_on=data.in_days(clock, 1))
    run_id, _ = run(Selection())
    client = app.test_client()
    seen = [client.get(f"/v1/reverification-runs/{run_id}",
                       headers=bearer(new_key(app, p, {"read"}))).json["checked"]
            for p in (one, two)]
    assert seen == [2, 1]


def test_a_second_process_cannot_take_a_run_another_is_working(db_url, clock, job):
    app, run = job(ScriptedPayer())
    wiring = app.extensions["coverwatch"]
    run_id, _ = runs.create(wiring.uow, wiring.clock, Selection(), mode="inline",
                            requested_by="test", max_attempts=3)
    runs.claim(wiring.uow, wiring.clock, run_id, "first")
    with pytest.raises(runs.RunError, match="another process"):
        runs.claim(wiring.uow, wiring.clock, run_id, "second")
    clock.advance(seconds=31)  # the first one's heartbeat went silent: it is dead
    runs.claim(wiring.uow, wiring.clock, run_id, "second")
    stop = threading.Event()
    stop.set()
    assert runs.finish(wiring.uow, wiring.clock, run_id, owner="second",
                       stopped=True) == "finished"  # nothing was selected


def test_a_coverage_whose_payer_left_the_directory_is_reported_not_lost(db_url, clock, job):
    app, run = job(ScriptedPayer())
    practice = data.practice(db_url)
    [gone] = data.coverages(db_url, practice, ["ZZG0000001"], payer="retired-plan",
                            visit_on=data.in_days(clock, 2))
    [kept] = data.coverages(db_url, practice, ["ZZG0000002"], payer="scripted",
                            visit_on=data.in_days(clock, 2))
    run_id, status = run(Selection())
    assert status == "finished"
    found = items(app, run_id)
    assert (found[gone].state, found[gone].outcome, found[gone].error_code) == (
        "done", "error", "PAYER_NOT_CONFIGURED")
    assert (found[kept].state, found[kept].outcome) == ("done", "active")
    body = app.test_client().get(f"/v1/reverification-runs/{run_id}", headers=bearer(
        new_key(app, practice, {"read"}))).json
    assert (body["checked"], body["active"], body["errors"]) == (2, 1, 1)


def test_an_item_a_dead_worker_left_running_is_recovered_not_sent_twice(db_url, clock, job):
    payer = ScriptedPayer()
    app, _ = job(payer)
    wiring = app.extensions["coverwatch"]
    practice = data.practice(db_url)
    answered, in_flight, held = data.coverages(
        db_url, practice, ["ZZD0000001", "ZZD0000002", "ZZD0000003"], payer="scripted",
        visit_on=data.in_days(clock, 2))
    run_id, _ = runs.create(wiring.uow, wiring.clock, Selection(), mode="queue",
                            requested_by="test", max_attempts=3)
    claimed_at = clock() - timedelta(seconds=30)
    finished = data.answered(practice, answered, "scripted", claimed_at + timedelta(seconds=1))
    cut_off = data.answered(practice, in_flight, "scripted", claimed_at + timedelta(seconds=1),
                            status="pending")
    for check in (finished, cut_off):
        check.reverification_run_id = run_id
    finished_id, cut_off_at = finished.id, cut_off.started_at
    data.add(db_url, finished, cut_off)
    with wiring.uow() as work:
        for row in work.session.scalars(select(ReverificationItem).where(
                ReverificationItem.run_id == run_id)):
            live = row.coverage_id == held
            row.state, row.claimed_by, row.claimed_at = "running", "dead-worker", claimed_at
            row.lease_until = clock() + timedelta(seconds=60 if live else -1)
        work.commit()
    deps = Deps(uow=wiring.uow, store=wiring.checks, clock=wiring.clock, registry=wiring.payers,
                limits=LocalLimits(limits_of(wiring.payers)), worker="second-worker")
    ids = {i.coverage_id: i.id for i in items(app, run_id).values()}

    adopted = process(deps, ids[answered], recovering=True)
    assert (adopted.state, adopted.outcome) == ("done", "active")
    waiting = process(deps, ids[in_flight], recovering=True)
    assert waiting.state == "retry"
    assert waiting.next_attempt_at == cut_off_at + timedelta(seconds=90)
    assert process(deps, ids[held], recovering=True) is None  # its worker is alive
    assert payer.calls == []  # nothing was sent again
    assert items(app, run_id)[answered].check_id == finished_id


def _deps(wiring) -> Deps:  # type: ignore[no-untyped-def]
    return Deps(uow=wiring.uow, store=wiring.checks, clock=wiring.clock, registry=wiring.payers,
                limits=LocalLimits(limits_of(wiring.payers)), worker="this-worker")


def _count(wiring, model) -> int:  # type: ignore[no-untyped-def]
    with wiring.uow() as work:
        return int(work.session.scalar(select(func.count()).select_from(model)) or 0)


def test_an_item_another_worker_claimed_first_is_neither_sent_nor_stored(db_url, clock, job):
    payer = ScriptedPayer()
    app, _ = job(payer)
    wiring = app.extensions["coverwatch"]
    practice = data.practice(db_url)
    data.coverages(db_url, practice, ["ZZK0000001"], payer="scripted",
                   visit_on=data.in_days(clock, 3))
    run_id, _ = runs.create(wiring.uow, wiring.clock, Selection(), mode="queue",
                            requested_by="test", max_attempts=3)
    [item] = items(app, run_id).values()
    seen = wiring.checks.item(item.id)  # as this worker read it, before the other's claim
    with wiring.uow() as work:
        row = work.session.get(ReverificationItem, item.id)
        row.state, row.claimed_by = "running", "other-worker"
        work.commit()
    audited = _count(wiring, AuditEvent)

    assert process(_deps(wiring), item.id, known=seen) is None
    assert payer.calls == []
    assert _count(wiring, EligibilityCheck) == 0
    assert _count(wiring, AuditEvent) == audited
    assert wiring.checks.item(item.id).claimed_by == "other-worker"


def test_an_item_is_stored_with_its_check_and_the_check_with_its_audit_row(db_url, clock, job):
    app, _ = job(ScriptedPayer({"ZZF0000001": [("active", "30")]}))
    wiring = app.extensions["coverwatch"]
    practice = data.practice(db_url)
    [coverage] = data.coverages(db_url, practice, ["ZZF0000001"], payer="scripted",
                                visit_on=data.in_days(clock, 3))
    run_id, _ = runs.create(wiring.uow, wiring.clock, Selection(), mode="queue",
                            requested_by="test", max_attempts=3)
    [found] = items(app, run_id).values()

    done = process(_deps(wiring), found.id)

    assert (done.state, done.outcome, done.changed) == ("done", "active", False)
    with wiring.uow() as work:
        item = work.session.get(ReverificationItem, found.id)
        check = work.session.get(EligibilityCheck, item.check_id)
        audit_rows = [(a.action, a.actor, a.resource_type, a.at) for a in work.session.scalars(
            select(AuditEvent).where(AuditEvent.resource_id == str(check.id)))]
        item_values = {c.name: getattr(item, c.name) for c in ReverificationItem.__table__.c}
        check_values = {c.name: getattr(check, c.name) for c in EligibilityCheck.__table__.c}
        # SQL NULL (the column stores None as NULL), not JSON null
        assert work.session.scalar(select(func.count()).where(
            ReverificationItem.run_id == run_id, ReverificationItem.changes.is_(None))) == 1
    assert check.coverage_id == coverage and check.reverification_run_id == run_id
    assert check_values["control_number"] > 0
    assert (item_values["state"], item_values["outcome"], item_values["attempts"]) == (
        "done", "active", 1)
    assert item_values["claimed_by"] == "this-worker" and item_values["lease_until"] is None
    assert check_values["status"] == "active" and check_values["summary"]["active"] is True
    assert audit_rows == [("create", f"reverify:{run_id}", "eligibility_check",
                           check.started_at)]


def test_a_resend_the_90_second_rule_refuses_waits_without_an_attempt_or_a_row(
        db_url, clock, job):
    # Given a coverage whose last inquiry timed out at the payer 30 s ago
    app, _ = job(ScriptedPayer({"ZZF0000002": [("active", "30")]}))
    wiring = app.extensions["coverwatch"]
    practice = data.practice(db_url)
    [coverage] = data.coverages(db_url, practice, ["ZZF0000002"], payer="scripted",
                                visit_on=data.in_days(clock, 3))
    timed_out = data.answered(practice, coverage, "scripted",
                              clock() - timedelta(seconds=30), status="error")
    timed_out.error_code, timed_out.summary = "PAYER_TIMEOUT", None
    data.add(db_url, timed_out)
    run_id, _ = runs.create(wiring.uow, wiring.clock, Selection(), mode="queue",
                            requested_by="test", max_attempts=3)
    [found] = items(app, run_id).values()
    # When the nightly job comes to it
    later = process(_deps(wiring), found.id)
    # Then nothing is sent or stored, and the item waits out the rule without an attempt
    assert (later.state, later.outcome) == ("retry", None)
    assert later.next_attempt_at == clock() + timedelta(seconds=61)
    assert checks_of(app, run_id, coverage) == []
    item = items(app, run_id)[coverage]
    assert (item.state, item.attempts, item.check_id) == ("retry", 0, None)
    clock.advance(seconds=61)
    done = process(_deps(wiring), found.id)
    assert (done.state, done.outcome) == ("done", "active")


def test_a_phone_answer_counts_as_an_answer_of_its_age_and_is_never_re_sent(
        db_url, clock, job):
    # Given two coverages with a visit soon, verified by phone 2 and 100 hours ago
    payer = ScriptedPayer()
    app, run = job(payer)
    mine = data.practice(db_url)
    key = new_key(app, mine, {"read", "write"})
    fresh, stale = data.coverages(db_url, mine, ["ZZS0000201", "ZZS0000202"],
                                  payer="scripted", visit_on=data.in_days(clock, 5))
    api = app.test_client()
    for coverage_id, hours in ((fresh, 2), (stale, 100)):
        said = api.post(f"/v1/coverages/{coverage_id}/manual-verifications", headers=bearer(key),
                        json={"verified_at": (clock() - timedelta(hours=hours)).isoformat(),
                              "rep_name": "Dana", "reference": f"CALL-{hours}",
                              "active": True, "copay": "30.00"})
        assert said.status_code == 201, said.json
    # When the nightly job runs
    run_id, status = run(Selection(practice_id=mine))
    # Then only the coverage whose phone answer is old is asked, with a 270 of its own
    assert status == "finished"
    assert set(items(app, run_id)) == {stale}
    [asked] = checks_of(app, run_id, stale)
    assert asked.source == "payer" and asked.request_raw and "ZZS0000202" in asked.request_raw
    assert len(payer.calls_for("ZZS0000202")) == 1 and payer.calls_for("ZZS0000201") == []


def test_the_nightly_answer_reaches_the_visits_booked_on_the_coverage(db_url, clock, job):
    # Given a coverage never checked, with a visit booked in four days (no verdict yet)
    app, _ = job(ScriptedPayer())
    mine = data.practice(db_url)
    [coverage_id] = data.coverages(db_url, mine, ["ZZS0000301"], payer="scripted",
                                   visit_on=data.in_days(clock, 4))
    wiring = app.extensions["coverwatch"]
    # When the nightly job runs as `flask reverify` sets it up
    run_id, _ = runs.create(wiring.uow, wiring.clock, Selection(practice_id=mine),
                            mode="inline", requested_by="test", max_attempts=3)
    assert Runner(deps_for(wiring, max_attempts=3), run_id).run() == "finished"
    # Then the visit's stored verdict is judged on the payer's answer
    with wiring.uow() as work:
        [visit] = work.session.scalars(select(Visit).where(
            Visit.coverage_id == coverage_id)).all()
    assert visit.verdict is not None
    assert "ELIGIBILITY_UNVERIFIED" not in {r["code"] for r in visit.verdict["reasons"]}
