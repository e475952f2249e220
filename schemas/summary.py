"""Benefits summary schemas: what a 271 says, as the API shows it (figures, tiers, facts)."""

from __future__ import annotations

import marshmallow as ma

from payers.x12.codes import AaaReason, FollowUpAction, TimePeriod
from schemas.common import one_of

# Where an AAA can stand in a 271: a level (2000A payer ... 2000D dependent) or its name loop.
REJECTION_LOOPS = tuple(f"{loop}{level}" for loop in ("2000", "2100") for level in "ABCD")
REJECT_REASONS = tuple(code.value for code in AaaReason)
FOLLOW_UPS = tuple(code.value for code in FollowUpAction)
# The summary names a visit limit's period by its EB06 description ("Calendar Year").
PERIODS = tuple(period.description for period in TimePeriod)

MONEY = "A decimal string, never a number"


def _decimal(description: str) -> ma.fields.Decimal:
    """A nullable figure, written as a decimal string."""
    return ma.fields.Decimal(as_string=True, allow_none=True, required=True,
                             metadata={"description": description})


def _text(description: str) -> ma.fields.String:
    """A nullable text the payer stated, null when it did not."""
    return ma.fields.String(allow_none=True, required=True,
                            metadata={"description": description})


class FiguresOut(ma.Schema):
    total = _decimal(f"For the plan period. {MONEY}")
    remaining = _decimal(f"Left to meet in the plan period. {MONEY}")


class AmountsOut(FiguresOut):
    # Not required: summaries stored before issue 21 lack them.
    level = one_of(("individual", "family"), allow_none=True, metadata={
        "description": "Whose figure this is: the individual's when the payer gives one, "
                       "else the family's; null when the payer gave none"})
    family = ma.fields.Nested(FiguresOut, allow_none=True, metadata={
        "description": "The family's figure beside an individual one; null when the payer "
                       "gave none or the figure above is the family's"})


class TierOut(ma.Schema):
    label = ma.fields.String(required=True, metadata={
        "description": "The payer's words for the tier (its MSG), e.g. HIGHEST BENEFIT"})
    copay = _decimal(f"Per visit in this tier. {MONEY}")
    coinsurance = _decimal("The patient's share as a rate in this tier")
    deductible = ma.fields.Nested(FiguresOut, required=True, metadata={
        "description": "The deductible in this tier: its total and what is left to meet"})
    out_of_pocket = ma.fields.Nested(FiguresOut, required=True, metadata={
        "description": "The out-of-pocket maximum in this tier"})


COINSURANCE = "The patient's share as a rate: \"0.20\" is 20 %."


class CostShareOut(ma.Schema):
    copay = _decimal(f"Per visit (the standard tier). {MONEY}")
    coinsurance = _decimal(f"{COINSURANCE} {MONEY}")
    deductible = ma.fields.Nested(AmountsOut, required=True, metadata={
        "description": "The deductible: its total and what is left to meet"})
    out_of_pocket = ma.fields.Nested(AmountsOut, required=True, metadata={
        "description": "The out-of-pocket maximum: its total and what is left to meet"})
    tiers = ma.fields.List(ma.fields.Nested(TierOut), metadata={
        "description": "Other benefit tiers the payer lists for the same benefits (rows told "
                       "apart by a message such as HIGHEST BENEFIT); the figures above are "
                       "the standard tier's"})


class VisitLimitOut(ma.Schema):
    # A count, but a payer may state a fraction: a decimal string like the money figures.
    total = _decimal("Visits the plan allows in the period, as a decimal string")
    remaining = _decimal("Visits left in the period, as a decimal string")
    period = one_of(PERIODS, allow_none=True, required=True, metadata={
        "description": "The period the limit is counted over (X12 EB06, e.g. Calendar Year); "
                       "null when the payer stated none"})


class PlanOut(ma.Schema):
    name = _text("The plan's name as the payer states it; null when not stated")
    group_number = ma.fields.String(allow_none=True, required=True)
    begin = ma.fields.String(allow_none=True, required=True, metadata={
        "format": "date", "description": "The plan period's first day (YYYY-MM-DD); null "
                                         "when the payer stated no plan dates"})
    end = ma.fields.String(allow_none=True, required=True, metadata={
        "format": "date", "description": "The plan's end (a renewal) or, without plan dates, "
                                         "the member's eligibility end"})
    eligibility_end = ma.fields.String(allow_none=True, metadata={
        "format": "date", "description": "The member's own eligibility end (DTP 357): after it "
                                         "nothing is covered"})


class CarveOutOut(ma.Schema):
    name = _text("The organisation that manages behavioral health benefits instead of "
                 "the payer; null when not named")
    payer_id = _text("Its X12 payer id, to ask it directly; null when not given")
    phone = _text("Its phone number as the payer gave it; null when not given")


class TelehealthOut(ma.Schema):
    copay = _decimal(f"Per telehealth visit. {MONEY}")
    coinsurance = _decimal(COINSURANCE)
    places = ma.fields.List(one_of(("02", "10")), required=True, metadata={
        "description": "Places of service the figures are for: 02 telehealth other than in "
                       "the patient's home, 10 telehealth in the patient's home"})


class ProviderNetworkOut(ma.Schema):
    status = one_of(("in", "out", "unknown"), required=True, metadata={
        "description": "What the payer says of the provider asked about: in or out of "
                       "network, unknown when it says neither"})
    evidence = _text("The payer's words (its message), or which benefit said so")


class OtherCoverageOut(ma.Schema):
    payer_name = _text("The other payer's name; null when not named")
    payer_id = _text("Its X12 payer id; null when not given")
    member_id = _text("The patient's id at that payer; null when not given")
    hint = _text("What the payer says of it: its role (primary, secondary payer), "
                 "insurance type, plan and messages")


class RejectionOut(ma.Schema):
    code = one_of(REJECT_REASONS, required=True, metadata={
        "description": "The AAA reject reason (AAA03, X12 element 901)"})
    description = _text("The reason code's meaning in X12's words")
    follow_up = one_of(FOLLOW_UPS, allow_none=True, required=True, metadata={
        "description": "The payer's follow-up action code (AAA04): C correct and resubmit, "
                       "N resubmission not allowed, P resubmit, R resubmission allowed, S and "
                       "Y do not resubmit, W wait 30 days, X wait 10 days"})
    loop = one_of(REJECTION_LOOPS, required=True, metadata={
        "description": "Where in the 271 the payer refused: 2000A/2100A the payer, B the "
                       "provider, C the subscriber, D the dependent"})
    retryable = ma.fields.Boolean(required=True, metadata={
        "description": "Whether asking again later may get an answer (the payer was "
                       "unavailable), as opposed to correcting the request first"})
    text = ma.fields.String(metadata={
        "description": "The clearinghouse's own words about the rejection (its description "
                       "and resolution steps, e.g. Stedi's possibleResolutions); absent when "
                       "the reply carries none (an X12 AAA has no text)"})
    action = ma.fields.String(metadata={"description": "What the front desk should do next"})


class SummaryOut(ma.Schema):
    active = ma.fields.Boolean(allow_none=True, required=True, metadata={
        "description": "Whether the coverage is active on the date asked; null when the "
                       "payer did not say"})
    plan = ma.fields.Nested(PlanOut, required=True, metadata={
        "description": "The plan's name, group and dates"})
    in_network = ma.fields.Nested(CostShareOut, required=True, metadata={
        "description": "Mental-health cost shares in the plan's network"})
    out_of_network = ma.fields.Nested(CostShareOut, required=True, metadata={
        "description": "Mental-health cost shares out of the plan's network"})
    visit_limit = ma.fields.Nested(VisitLimitOut, required=True, metadata={
        "description": "The plan's limit on visits (figures null when the payer states none)"})
    auth_required = ma.fields.Boolean(allow_none=True, required=True, metadata={
        "description": "Whether the payer requires a prior authorization; null when it did "
                       "not say"})
    carve_out = ma.fields.Nested(CarveOutOut, allow_none=True, required=True, metadata={
        "description": "Who manages behavioral health benefits when another organisation "
                       "does; null when the payer itself does"})
    messages = ma.fields.List(ma.fields.String(), required=True, metadata={
        "description": "Free-text notes of the payer (MSG segments), in its order"})
    rejections = ma.fields.List(ma.fields.Nested(RejectionOut), required=True, metadata={
        "description": "The payer's refusals (AAA segments); empty when it answered"})
    # Read since issue 21; absent from summaries stored before.
    telehealth = ma.fields.Nested(TelehealthOut, allow_none=True, metadata={
        "description": "Telehealth cost shares in the requested network when the payer "
                       "gives them apart from the office's; null when it does not"})
    provider_network = ma.fields.Nested(ProviderNetworkOut, metadata={
        "description": "The provider's network status as the payer states it"})
    other_coverage = ma.fields.List(ma.fields.Nested(OtherCoverageOut), metadata={
        "description": "Other payers named in the reply (coordination of benefits): another "
                       "payer may be primary"})
    mh_benefits_reported = ma.fields.Boolean(allow_none=True, metadata={
        "description": "false when the payer answered (active) but said nothing about mental "
                       "health beyond the plan: call the payer; null when not an active "
                       "answer"})
