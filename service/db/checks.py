"""Eligibility checks as the pages and the API read them: one, the latest, the history."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.db.models import EligibilityCheck
from service.db.repositories import in_practice, page_of


class EligibilityCheckRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, check: EligibilityCheck) -> None:
        """A finished answer recorded by hand (a phone verification); live checks go through
        the check store (service/db/check_port.py)."""
        self.session.add(check)

    def get(self, practice_id: uuid.UUID, check_id: uuid.UUID) -> EligibilityCheck | None:
        return in_practice(self.session, EligibilityCheck, practice_id, check_id)

    def history(
        self, practice_id: uuid.UUID, coverage_id: uuid.UUID, *, offset: int, limit: int
    ) -> tuple[Sequence[EligibilityCheck], int]:
        query = select(EligibilityCheck).where(
            EligibilityCheck.practice_id == practice_id,
            EligibilityCheck.coverage_id == coverage_id,
        )
        return page_of(self.session, query, EligibilityCheck.started_at.desc(),
                       EligibilityCheck.id, offset=offset, limit=limit)
