"""The question a payer adapter is sent: a coverage's 270 inquiry and its envelope's numbers."""

from __future__ import annotations

from datetime import date, datetime

from payers.base import EligibilityQuery
from service.domain.inquiry import CoverageData, inquiry_for


def build_query(
    data: CoverageData, *, trace_number: str, control_number: int, submitted_at: datetime,
    service_types: tuple[str, ...], service_date: date | None,
) -> EligibilityQuery:
    inquiry, receiver = inquiry_for(data, trace_number=trace_number, service_types=service_types,
                                    service_date=service_date)
    return EligibilityQuery(inquiry=inquiry, receiver=receiver, control_number=control_number,
                            submitted_at=submitted_at)
