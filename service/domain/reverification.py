"""A nightly run as data: which coverages it selects, and which item states are unfinished."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

# An item in one of these states is still to be checked (or being checked) by its run.
UNFINISHED = ("pending", "running", "retry")


@dataclass(frozen=True, kw_only=True)
class Selection:
    """Coverages with a visit within `within_days` and no answer younger than
    `older_than_hours` (an answer whose plan year has ended since counts as old: the plan
    renews before the visit); service/db/run_selection.py states it as one query."""

    within_days: int = 14
    older_than_hours: float | None = 72.0  # None: no age limit
    every_active: bool = False  # --all: every coverage not known to be inactive
    practice_id: uuid.UUID | None = None

    def to_json(self) -> dict[str, Any]:
        return {"within_days": self.within_days, "older_than_hours": self.older_than_hours,
                "all": self.every_active,
                "practice_id": str(self.practice_id) if self.practice_id else None}
