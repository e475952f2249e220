"""Read model of the schedule worklist: a practice's scheduled visits over some days, in one
query, each with its client's name and the verdict stored when it was last written."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from service.db.models import Coverage, Patient, Visit

ScheduleRow = Row[Any]  # id, date, code, minutes, provider_npi, verdict, coverage_id,
#                         patient_id, first_name, last_name


class ScheduleReads:
    def __init__(self, session: Session) -> None:
        self.session = session

    def visits(self, practice_id: uuid.UUID, first: date, last: date) -> Sequence[ScheduleRow]:
        """The practice's scheduled visits between the two days (both included), by date."""
        return self.session.execute(select(
            Visit.id, Visit.date, Visit.code, Visit.minutes, Visit.provider_npi, Visit.verdict,
            Visit.coverage_id, Coverage.patient_id, Patient.first_name, Patient.last_name,
        ).join(Coverage, Coverage.id == Visit.coverage_id).join(
            Patient, Patient.id == Coverage.patient_id,
        ).where(
            Visit.practice_id == practice_id, Visit.status == "scheduled",
            Visit.date >= first, Visit.date <= last,
        ).order_by(Visit.date, Visit.id)).all()
