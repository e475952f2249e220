"""Use case: a coordination of benefits check of one coverage, asked at once and returned.

The coverage is read in one short step, the clearinghouse asked with no transaction open,
and the check recorded as an audit row (action ``cob_check`` on the coverage) in a second
short step. The answer itself is returned, not stored: it is the clearinghouse's view on
the day, and the front desk acts on it by adding or reordering coverages.
"""

from __future__ import annotations

import logging
import math
import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from payers.base import Origin, PayerError
from payers.cob import CobAnswer, CobQuery
from payers.registry import PayerRegistry
from service.db.check_port import CheckStore
from service.db.uow import UnitOfWork
from service.domain.cob import this_primacy, who_pays_first
from service.domain.errors import InvalidInput, NotFound, PayerFailed
from service.domain.inquiry import inquiry_for
from service.eligibility import coverage_data
from service.practice import audit
from service.practice.access import Caller

log = logging.getLogger("coverwatch.cob")
COB_NOT_SUPPORTED = "COB_NOT_SUPPORTED"


def run_cob_check(
    *, store: CheckStore, uow: UnitOfWork, clock: Callable[[], datetime],
    registry: PayerRegistry, caller: Caller, coverage_id: uuid.UUID,
    service_date: date | None = None, provider_npi: str | None = None,
) -> dict[str, Any]:
    """The other plans the coverage's patient holds and which pays first (cob_result).

    NotFound for another practice's coverage; InvalidInput (reason COB_NOT_SUPPORTED) when
    the coverage's route has no COB endpoint; PayerFailed when no usable answer came."""
    now = clock()
    # The 90-second no-resend rule is about 270s: no earlier attempt counts here.
    found = store.starting_point(caller.practice_id, coverage_id, route=None,
                                 doubtful_since=now)
    if found is None:
        raise NotFound("coverage")
    route = registry.route_of(found.payer)
    if not registry.supports_cob(route):
        raise InvalidInput({"coverage_id": [
            "This coverage's payer route cannot run coordination of benefits checks."]},
            reason=COB_NOT_SUPPORTED)
    inquiry, receiver = inquiry_for(coverage_data(found, provider_npi),
                                    trace_number=uuid.uuid4().hex, service_types=("30",),
                                    service_date=service_date or now.date())
    try:
        answer = registry.check_cob(route, CobQuery(inquiry=inquiry, receiver=receiver),
                                    origin=Origin(tenant=str(caller.practice_id),
                                                  subject=str(found.id)))
    except PayerError as err:
        log.warning("COB check on route %s failed: %s", route, err.code.value)
        wait = math.ceil(err.retry_after_s) if err.retry_after_s is not None else None
        raise PayerFailed(err.code.value, retry_after_s=wait) from err
    with uow:
        audit.record(uow, caller=caller, clock=clock, action="cob_check",
                     resource_type="coverage", resource_ids=[found.id])
        uow.commit()
    return cob_result(answer, coverage_id=found.id, route=route, checked_at=clock())


def cob_result(answer: CobAnswer, *, coverage_id: uuid.UUID, route: str,
               checked_at: datetime) -> dict[str, Any]:
    """The check as the API shows it: the status words, this coverage's place, the others."""
    places = [plan.primacy.value for plan in answer.others]
    mine = this_primacy(others=places, cob_required=answer.cob_required,
                        primacy_determined=answer.primacy_determined)
    return {
        "coverage_id": coverage_id, "route": route, "checked_at": checked_at,
        "classification": answer.classification, "cob_required": answer.cob_required,
        "primacy_determined": answer.primacy_determined,
        "coverage_overlap": answer.coverage_overlap,
        "benefit_overlap": answer.benefit_overlap,
        "this_coverage_primacy": mine, "primary": who_pays_first(mine, places),
        "other_coverages": [
            {"payer_name": p.payer_name, "payer_id": p.payer_id, "member_id": p.member_id,
             "primacy": p.primacy.value, "begin": p.begin, "end": p.end}
            for p in answer.others],
    }
