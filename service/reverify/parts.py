"""A practice's part of a run: its status, end and size over that practice's items only."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from service.db.models import ReverificationRun
from service.db.ports import RunFigures


@dataclass(frozen=True, kw_only=True)
class Part:
    """What one practice is shown of a run. A run over every practice goes on while other
    practices' coverages are checked: its own status, end and size would tell one practice
    how much the others had, so the part is finished when this practice's items are."""

    run: ReverificationRun
    selected: int
    unfinished: int
    last_finished_at: datetime | None  # of this practice's items

    @property
    def id(self) -> uuid.UUID:
        return self.run.id

    @property
    def mode(self) -> str:
        return self.run.mode

    @property
    def created_at(self) -> datetime:
        return self.run.created_at

    @property
    def status(self) -> str:
        if self.unfinished or self.run.status == "finished":
            return self.run.status
        return "finished"

    @property
    def finished_at(self) -> datetime | None:
        if self.status != "finished":
            return None
        if self.run.practice_id is None:
            return self.last_finished_at or self.run.finished_at
        return self.run.finished_at or self.last_finished_at


def parts(reports: RunFigures, practice_id: uuid.UUID,
          runs: Sequence[ReverificationRun]) -> list[Part]:
    """Each run's part for this practice, counted in one read over its items."""
    if not runs:
        return []
    figures = reports.part_figures(practice_id, [run.id for run in runs])
    found = []
    for run in runs:
        selected, unfinished, last = figures.get(run.id, (0, 0, None))
        found.append(Part(run=run, selected=selected, unfinished=unfinished,
                          last_finished_at=last))
    return found
