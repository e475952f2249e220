"""Read model of the practice manager's dashboard: recent checks, coverages, upcoming visits."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from service.db.models import Coverage, EligibilityCheck, Visit


class DashboardReads:
    def __init__(self, session: Session) -> None:
        self.session = session

    def checks_since(self, practice_id: uuid.UUID,
                     since: datetime) -> Sequence[Row[uuid.UUID, str, str, datetime]]:
        """(coverage id, payer, status, started at) of the practice's finished checks."""
        return self.session.execute(select(
            EligibilityCheck.coverage_id, EligibilityCheck.payer, EligibilityCheck.status,
            EligibilityCheck.started_at,
        ).where(EligibilityCheck.practice_id == practice_id,
                EligibilityCheck.status != "pending",
                EligibilityCheck.started_at >= since)).all()

    def coverage_total(self, practice_id: uuid.UUID) -> int:
        return self.session.scalar(select(func.count()).select_from(Coverage).where(
            Coverage.practice_id == practice_id)) or 0

    def scheduled_visits(self, practice_id: uuid.UUID, first: date,
                         last: date) -> Sequence[Row[Visit, uuid.UUID]]:
        """(visit, patient id) of the practice's scheduled visits between the two days, by
        date."""
        return self.session.execute(select(Visit, Coverage.patient_id).join(
            Coverage, Coverage.id == Visit.coverage_id).where(
            Visit.practice_id == practice_id, Visit.status == "scheduled",
            Visit.date >= first, Visit.date <= last,
        ).order_by(Visit.date)).all()
