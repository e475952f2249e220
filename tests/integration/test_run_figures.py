"""The database's read of a run's items and the in-memory one the unit tests use agree."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from service.db.models import Coverage, ReverificationItem, ReverificationRun
from tests.support import reverify_data as data
from tests.support.fakes import FakeRunFigures

COPAY = {"field": "copay", "label": "Copay", "before": "20.00", "after": "40.00"}
# (whose, state, outcome, changes, minutes after the start it ended)
ITEMS = [("mine", "done", "active", [COPAY], 3), ("mine", "done", "active", None, 5),
         ("mine", "deferred", "rejected", None, 4), ("mine", "retry", "rejected", None, None),
         ("theirs", "pending", None, None, None), ("theirs", "done", None, [COPAY], 1)]


def an_item(run_id: uuid.UUID, practice_id: uuid.UUID, coverage_id: uuid.UUID, state: str,
            outcome: str | None, changes: list[dict[str, Any]] | None,
            minutes: int | None) -> ReverificationItem:
    return ReverificationItem(
        run_id=run_id, practice_id=practice_id, coverage_id=coverage_id, payer="sandbox",
        state=state, attempts=0, outcome=outcome, changes=changes,
        finished_at=None if minutes is None else data.NOW + timedelta(minutes=minutes))


def test_run_reports_and_the_fake_read_the_same_items_alike(db_url, app):
    # Given a run over every practice holding items of two practices, stored and in memory
    mine, theirs = data.practice(db_url), data.practice(db_url, "Eastside Therapy")
    practices = {"mine": mine, "theirs": theirs}
    coverages = {"mine": data.coverages(db_url, mine, ["ZZT0000001"] * 4, payer="sandbox"),
                 "theirs": data.coverages(db_url, theirs, ["ZZT0000002"] * 2, payer="sandbox")}
    run_id = uuid.uuid4()  # the run row itself expires once stored
    run = ReverificationRun(id=run_id, practice_id=None, status="running",
                            mode="inline", options={}, requested_by="test", created_at=data.NOW)
    fake, stored = FakeRunFigures(), []
    wiring = app.extensions["coverwatch"]
    with wiring.uow() as work:
        patients = dict(work.session.execute(select(Coverage.id, Coverage.patient_id)).all())
    unused = {whose: iter(ids) for whose, ids in coverages.items()}
    for whose, *facts in ITEMS:
        coverage_id = next(unused[whose])
        stored.append(an_item(run_id, practices[whose], coverage_id, *facts))
        fake.add(an_item(run_id, practices[whose], coverage_id, *facts),
                 patient_id=patients[coverage_id])
    data.add(db_url, run, *stored)

    # When both are read, Then they give the same figures
    with wiring.uow() as work:
        reports = work.run_reports
        for practice_id in (None, mine, theirs):
            assert sorted(reports.counts(run_id, practice_id), key=str) == sorted(
                fake.counts(run_id, practice_id), key=str)
            assert list(reports.changes(run_id, practice_id)) == list(
                fake.changes(run_id, practice_id))
        for practice_id in (mine, theirs, uuid.uuid4()):
            assert reports.part_figures(practice_id, [run_id]) == fake.part_figures(
                practice_id, [run_id])
