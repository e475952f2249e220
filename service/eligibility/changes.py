"""What an answered check changed since the coverage's previous answer from the same payer."""

from __future__ import annotations

from typing import Any

from service.db.check_port import CheckStore
from service.db.models import EligibilityCheck
from service.domain import benefit_changes
from service.domain.eligibility import ANSWERED


def since_previous(store: CheckStore, check: EligibilityCheck) -> list[dict[str, Any]]:
    """Each change ({field, label, before, after, check_id, previous_check_id}); none when
    the check is not an answer, or is the coverage's first."""
    if check.status not in ANSWERED:
        return []
    previous = store.previous_answer(check.coverage_id, payer=check.payer,
                                     before=check.started_at, other_than=check.id)
    if previous is None:
        return []
    changes = benefit_changes.compare(previous.summary or {}, previous.status,
                                      check.summary or {}, check.status,
                                      network=check.network_status)
    return [{**c, "check_id": str(check.id), "previous_check_id": str(previous.id)}
            for c in changes]
