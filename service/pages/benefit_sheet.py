"""The client's one-page benefits sheet and the practice's verification-of-benefits record,
both read from one eligibility check through the benefits card."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal, cast

from service.domain import benefit_sheet
from service.domain.estimate import estimate
from service.pages.front_desk import BenefitsCard, benefits_card, payer_name
from service.practice import practices, settings
from service.practice.access import Caller
from service.wiring import Wiring

# The visits that show which code the practice usually books: the last year's and those
# booked for the next quarter (a new practice has only booked ones).
USUAL_CODE_PAST_DAYS = 365
USUAL_CODE_AHEAD_DAYS = 90


@dataclass(frozen=True, kw_only=True)
class BenefitSheet:
    card: BenefitsCard
    practice_name: str
    source: str  # where the answer came from, in words
    code: str  # the practice's usual code, the estimate's
    session: str  # the code in the client's words
    estimate: dict[str, Any]  # service.domain.estimate's result
    basis: str  # the estimate's basis in the client's words
    deductible: dict[str, Any] | None  # benefit_sheet.progress of the check's network
    out_of_pocket: dict[str, Any] | None
    routes_tried: list[str]  # payer names, in the order asked


def sheet(*, wiring: Wiring, caller: Caller, check_id: uuid.UUID) -> BenefitSheet:
    """The card of the check (tenancy and the read's audit are its), the practice's name,
    and the estimate for the practice's usual code at the check's network figures."""
    card = benefits_card(wiring=wiring, caller=caller, check_id=check_id)
    check, summary = card.check, card.check.summary or {}
    today = wiring.clock().date()
    code = settings.usual_code(uow=wiring.uow(), caller=caller,
                               start=today - timedelta(days=USUAL_CODE_PAST_DAYS),
                               end=today + timedelta(days=USUAL_CODE_AHEAD_DAYS))
    allowed = settings.allowed_amount(uow=wiring.uow(), caller=caller,
                                      payer=card.coverage.payer, code=code)
    network = cast(Literal["in", "out"], "out" if check.network_status == "out" else "in")
    shared = estimate(allowed_amount=allowed, network=network,
                      # Only an active plan's figures say what a visit will cost.
                      summary=summary if check.status == "active" else None)
    figures = summary.get("in_network" if network == "in" else "out_of_network") or {}
    return BenefitSheet(
        card=card,
        practice_name=practices.name_of(uow=wiring.uow(), practice_id=caller.practice_id),
        # The check's `source` column comes with answers recorded by phone; until then every
        # stored answer is a live 271.
        source=benefit_sheet.source_label(check.source), code=code,
        session=benefit_sheet.session_words(code), estimate=shared,
        basis=benefit_sheet.BASIS.get(shared["basis"], shared["basis"]),
        deductible=benefit_sheet.progress(figures.get("deductible")),
        out_of_pocket=benefit_sheet.progress(figures.get("out_of_pocket")),
        routes_tried=[payer_name(wiring, r) for r in (check.routes_tried or "").split(",")
                      if r],
    )
