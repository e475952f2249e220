"""A run's report read from in-memory items: counts by outcome, a practice's own part."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from service.db.models import ReverificationItem, ReverificationRun
from service.reverify import report
from tests.support.fakes import FakeRunFigures

STARTED = datetime(2026, 3, 2, 2, 30, tzinfo=UTC)
MINE, OTHERS = uuid.uuid4(), uuid.uuid4()
COPAY = {"field": "copay", "label": "Copay", "before": "20.00", "after": "40.00"}


def a_run(practice_id: uuid.UUID | None = None) -> ReverificationRun:
    return ReverificationRun(id=uuid.uuid4(), practice_id=practice_id, status="running",
                             mode="inline", options={}, created_at=STARTED)


def an_item(run: ReverificationRun, practice_id: uuid.UUID, state: str, *,
            outcome: str | None = None, changes: list[dict[str, Any]] | None = None,
            ended_after: timedelta | None = None) -> ReverificationItem:
    return ReverificationItem(
        run_id=run.id, practice_id=practice_id, coverage_id=uuid.uuid4(), payer="sandbox",
        state=state, outcome=outcome, changes=changes,
        finished_at=STARTED + ended_after if ended_after is not None else None)


def test_a_practices_part_of_a_run_over_every_practice_ends_with_its_own_items():
    # Given a run over every practice: this practice's two coverages are checked, one
    # changed, while another practice's coverage still waits
    figures, run, patient = FakeRunFigures(), a_run(), uuid.uuid4()
    changed = an_item(run, MINE, "done", outcome="active", changes=[COPAY],
                      ended_after=timedelta(minutes=3))
    figures.add(changed, patient_id=patient)
    figures.add(an_item(run, MINE, "done", outcome="active", ended_after=timedelta(minutes=5)),
                patient_id=uuid.uuid4())
    figures.add(an_item(run, OTHERS, "pending"), patient_id=uuid.uuid4())

    # When the practice reads its report, and the operator the whole run's
    mine = report.summary(figures, run, STARTED + timedelta(hours=1), practice_id=MINE)
    whole = report.summary(figures, run, STARTED + timedelta(hours=1))

    # Then the practice's part is finished at its last item's end; the run goes on
    assert (mine["status"], mine["finished_at"], mine["seconds"]) == (
        "finished", (STARTED + timedelta(minutes=5)).isoformat(), 300.0)
    assert (mine["selected"], mine["checked"], mine["active"], mine["changed"],
            mine["remaining"]) == (2, 2, 2, 1, 0)
    assert mine["changes"] == [{"coverage_id": str(changed.coverage_id),
                                "patient_id": str(patient), "payer": "sandbox", **COPAY}]
    assert (whole["status"], whole["finished_at"], whole["seconds"]) == ("running", None, 3600.0)
    assert (whole["selected"], whole["checked"], whole["remaining"]) == (3, 2, 1)


def test_deferred_items_are_checked_one_without_an_outcome_is_an_error_retries_are_not():
    figures, run = FakeRunFigures(), a_run(MINE)
    for state, outcome in (("deferred", "rejected"), ("done", None), ("done", "error"),
                           ("retry", "rejected"), ("running", None)):
        figures.add(an_item(run, MINE, state, outcome=outcome), patient_id=uuid.uuid4())

    summary = report.summary(figures, run, STARTED)

    assert {key: summary[key] for key in ("selected", "checked", "deferred", "rejected",
                                          "errors", "retrying", "remaining", "changed")} == {
        "selected": 5, "checked": 3, "deferred": 1, "rejected": 1, "errors": 2,
        "retrying": 1, "remaining": 1, "changed": 0}
