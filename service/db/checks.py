"""Eligibility checks as the pages and the API read them: one, the latest, the history."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer

from service.db.models import EligibilityCheck

ANSWERED = ("active", "inactive")


class EligibilityCheckRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, practice_id: uuid.UUID, check_id: uuid.UUID) -> EligibilityCheck | None:
        return self.session.scalars(
            select(EligibilityCheck).where(
                EligibilityCheck.practice_id == practice_id, EligibilityCheck.id == check_id
            )
        ).first()

    def latest(
        self, coverage_id: uuid.UUID, payer: str
    ) -> tuple[EligibilityCheck | None, EligibilityCheck | None]:
        """In one query: the newest finished check of the coverage with this payer, and the
        newest answered one (active or inactive). The raw X12 is not loaded."""
        mine = (EligibilityCheck.coverage_id == coverage_id, EligibilityCheck.payer == payer)
        newest = (select(EligibilityCheck.id).where(*mine, EligibilityCheck.status != "pending")
                  .order_by(EligibilityCheck.started_at.desc()).limit(1).scalar_subquery())
        answered = (select(EligibilityCheck.id)
                    .where(*mine, EligibilityCheck.status.in_(ANSWERED))
                    .order_by(EligibilityCheck.started_at.desc()).limit(1).scalar_subquery())
        rows = self.session.scalars(
            select(EligibilityCheck)
            .options(defer(EligibilityCheck.request_raw), defer(EligibilityCheck.response_raw))
            .where(EligibilityCheck.id.in_([newest, answered]))
            .order_by(EligibilityCheck.started_at.desc())
        ).all()
        if not rows:
            return None, None
        answer = next((r for r in rows if r.status in ANSWERED), None)
        return rows[0], answer

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
