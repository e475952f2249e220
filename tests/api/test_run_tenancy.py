"""Each practice sees only its own part of a re-verification run: in the run list, a run's
report and the dashboard; a run it had no part in is not there for it at all."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import update

from service.db.models import ReverificationItem
from service.domain.reverification import Selection
from service.reverify import runs
from tests.support.builders import VALID_NPIS, bearer, create_coverage, create_patient, new_practice
from tests.support.people import PEOPLE
from tests.support.web import signed_in_client

EVERY_COVERAGE = Selection(every_active=True, older_than_hours=None)
NO_RUN = "No re-verification has run yet."


@pytest.fixture
def practices(app, client):
    """Practice A with two coverages, practice B with one."""
    a_id, a_key = new_practice(app, name="Practice A", npi=VALID_NPIS[0])
    b_id, b_key = new_practice(app, name="Practice B", npi=VALID_NPIS[1])
    covered = {}
    for key, people in ((a_key, PEOPLE[:2]), (b_key, PEOPLE[2:3])):
        covered[key] = [create_coverage(client, key, create_patient(client, key, p)["id"], p)["id"]
                        for p in people]
    return {"a": (a_id, a_key, covered[a_key]), "b": (b_id, b_key, covered[b_key])}


def new_run(app, selection=EVERY_COVERAGE):
    wiring = app.extensions["coverwatch"]
    run_id, _ = runs.create(wiring.uow, wiring.clock, selection, mode="inline",
                            requested_by="test", max_attempts=3)
    return run_id


def finish_items(app, practice_id, at, changes=None):
    """Record every item of the practice as answered at `at` (as the runner would)."""
    with app.extensions["coverwatch"].uow() as work:
        work.session.execute(update(ReverificationItem)
                             .where(ReverificationItem.practice_id == practice_id)
                             .values(state="done", outcome="active", finished_at=at,
                                     changes=changes))
        work.commit()


def listed(client, key):
    response = client.get("/v1/reverification-runs", headers=bearer(key))
    assert response.status_code == 200, response.json
    return response.json


def test_a_run_over_both_practices_counts_only_each_practices_own_coverages(
        app, client, clock, practices):
    # Given a run over every practice, where A's coverages are answered and one changed
    (a_id, a_key, a_coverages), (_, b_key, b_coverages) = practices["a"], practices["b"]
    run_id = new_run(app)
    clock.advance(minutes=5)
    # (each change names the two checks it compares, as the nightly job records it)
    finish_items(app, a_id, clock(), changes=[{"field": "copay", "label": "Copay",
                                               "before": "25.00", "after": "40.00",
                                               "check_id": str(uuid.uuid4()),
                                               "previous_check_id": str(uuid.uuid4())}])
    clock.advance(hours=2)
    # When each practice lists the runs and reads the report
    mine, theirs = listed(client, a_key), listed(client, b_key)
    a_report = client.get(f"/v1/reverification-runs/{run_id}", headers=bearer(a_key)).json
    b_report = client.get(f"/v1/reverification-runs/{run_id}", headers=bearer(b_key)).json
    # Then each sees its own count, items and progress, never the other's
    assert [(r["id"], r["selected"]) for r in mine["items"]] == [(str(run_id), 2)]
    assert [(r["id"], r["selected"]) for r in theirs["items"]] == [(str(run_id), 1)]
    assert (a_report["selected"], a_report["checked"], a_report["changed"]) == (2, 2, 2)
    assert (b_report["selected"], b_report["checked"], b_report["remaining"]) == (1, 0, 1)
    assert {c["coverage_id"] for c in a_report["changes"]} == set(a_coverages)
    assert b_report["changes"] == [] and not set(b_coverages) & set(a_coverages)
    # A's part ended with its last coverage; B's is still going (the run as a whole is too).
    assert (mine["items"][0]["status"], theirs["items"][0]["status"]) == ("finished", "running")
    assert a_report["status"] == "finished" and a_report["seconds"] == 300.0
    assert mine["items"][0]["finished_at"] == a_report["finished_at"]
    assert theirs["items"][0]["finished_at"] is None and b_report["finished_at"] is None


def test_a_run_with_only_one_practices_coverages_is_invisible_to_the_other(
        app, client, clock, practices):
    (a_id, a_key, _), (b_id, b_key, b_coverages) = practices["a"], practices["b"]
    own_run = new_run(app, Selection(every_active=True, older_than_hours=None,
                                     practice_id=a_id))
    clock.advance(hours=1)
    only_a = new_run(app, EVERY_COVERAGE)
    with app.extensions["coverwatch"].uow() as work:  # as if B's were not due that night
        work.session.execute(ReverificationItem.__table__.delete().where(
            ReverificationItem.practice_id == b_id))
        work.commit()
    assert b_coverages  # B has coverages, just none in these runs

    assert [r["id"] for r in listed(client, a_key)["items"]] == [str(only_a), str(own_run)]
    theirs = listed(client, b_key)
    assert (theirs["items"], theirs["total"]) == ([], 0)
    missing = client.get(f"/v1/reverification-runs/{uuid.uuid4()}", headers=bearer(b_key))
    for run_id in (only_a, own_run):
        response = client.get(f"/v1/reverification-runs/{run_id}", headers=bearer(b_key))
        assert response.status_code == 404
        assert response.json == missing.json  # the same answer as an id that never existed

    assert NO_RUN in signed_in_client(app, b_id).get("/app/dashboard").text
    assert NO_RUN not in signed_in_client(app, a_id).get("/app/dashboard").text


def test_the_dashboard_shows_a_practices_last_run_as_its_own_part(
        app, client, clock, practices):
    (a_id, _, _), (b_id, _, _) = practices["a"], practices["b"]
    new_run(app)
    clock.advance(minutes=10)
    finish_items(app, a_id, clock())
    clock.advance(hours=3)
    mine = signed_in_client(app, a_id).get("/app/dashboard").text
    theirs = signed_in_client(app, b_id).get("/app/dashboard").text
    assert "2 coverages of this practice" in mine and "Finished" in mine
    assert "1 coverage of this practice" in theirs and "Running" in theirs
    assert "finished" not in theirs.split('id="run-title"')[1].split("</p>")[0]


def test_a_page_of_runs_counts_each_run_over_its_own_items(app, client, clock, practices):
    a_key, b_key = practices["a"][1], practices["b"][1]
    made = []
    for _ in range(3):
        made.append(new_run(app))
        clock.advance(hours=1)
    pages = [client.get(f"/v1/reverification-runs?page={n}&page_size=2",
                        headers=bearer(a_key)).json for n in (1, 2)]
    assert [r["id"] for p in pages for r in p["items"]] == [str(r) for r in reversed(made)]
    assert {r["selected"] for p in pages for r in p["items"]} == {2}
    assert pages[0]["total"] == 3 and listed(client, b_key)["total"] == 3
