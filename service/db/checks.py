"""Eligibility checks as the pages and the API read them: one, the latest, the history."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.db.models import EligibilityCheck


class EligibilityCheckRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, practice_id: uuid.UUID, check_id: uuid.UUID) -> EligibilityCheck | None:
        return self.session.scalars(
            select(EligibilityCheck).where(
                EligibilityCheck.practice_id == practice_id, EligibilityCheck.id == check_id
            )
        ).first()


    def history(
        self, practice_id: uuid.UUID, coverage_id: uuid.UUID, *, offset: int, limit: int
    ) -> tuple[Sequence[EligibilityCheck], int]:
        query = select(EligibilityCheck).where(
            EligibilityCheck.practice_id == practice_id,
            EligibilityCheck.coverage_id == coverage_id,
        )
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = self.session.scalars(
            query.order_by(EligibilityCheck.started_at.desc(), EligibilityCheck.id)
            .offset(offset)
            .limit(limit)
        ).all()
        return rows, total
