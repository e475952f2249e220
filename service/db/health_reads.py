"""Read model of payer route health: the stored outcomes of each route's recent checks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from service.db.models import EligibilityCheck


class HealthReads:
    def __init__(self, session: Session) -> None:
        self.session = session

    def outcomes_since(self, routes: Sequence[str], since: datetime
                           ) -> Sequence[Row[str | None, str, str | None, float | None]]:
        """(route, status, error code, elapsed ms) of every practice's finished checks on
        `routes` started at or after `since`: a route's health is the deployment's."""
        return self.session.execute(select(
            EligibilityCheck.route, EligibilityCheck.status, EligibilityCheck.error_code,
            EligibilityCheck.elapsed_ms,
        ).where(EligibilityCheck.route.in_(list(routes)),
                EligibilityCheck.status != "pending",
                EligibilityCheck.started_at >= since)).all()
