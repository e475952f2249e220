"""The verdict before a visit: covered, at risk or not covered, with the reasons why."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from service.domain.allocation import AuthState, VisitSpec
from service.domain.authorization_reasons import PayerRules, Usage, authorization_reasons
from service.domain.cpt import is_mental_health, normalize, suggestion_for, time_mismatch
from service.domain.dates import add_days
from service.domain.payer_facts import payer_fact_reasons
from service.domain.reasons import REASON_CODES, Reason, reason

__all__ = [
    "REASON_CODES", "CoverageState", "PayerRules", "Reason", "Settings", "Usage", "Verdict",
    "evaluate",
]

Status = Literal["covered", "at_risk", "not_covered"]
_SEVERITY_ORDER = {"block": 0, "warn": 1, "info": 2}
# Defaults of evaluate(): frozen, so one shared instance is safe.
NO_RULES = PayerRules()
NO_USAGE = Usage()


@dataclass(frozen=True, kw_only=True)
class CoverageState:
    network: Literal["in", "out"]
    last_check_status: str | None  # latest check: active|inactive|rejected|error|None
    last_check_at: datetime | None
    last_answer_at: datetime | None  # latest check with status active or inactive
    summary: Mapping[str, Any] | None  # summary JSON of that latest answered check
    ended_on: date | None = None  # the last day covered, once the practice ended the coverage
    # The latest answer was about other data (member id, names, birth dates since changed):
    # it is left out above (no answer, no summary).
    changed_since_answer: bool = False


@dataclass(frozen=True, kw_only=True)
class Settings:
    unverified_days: int = 30
    auth_low_threshold: int = 2
    auth_expiring_days: int = 14
    visit_limit_low_threshold: int = 2


@dataclass(frozen=True)
class Verdict:
    status: Status
    reasons: list[Reason]
    authorization_id: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "reasons": [r.to_dict() for r in self.reasons],
                "authorization_id": self.authorization_id}


def evaluate(
    visit: VisitSpec, *, now: datetime, coverage: CoverageState, auths: Sequence[AuthState],
    rules: PayerRules = NO_RULES, settings: Settings = Settings(), usage: Usage = NO_USAGE,
) -> Verdict:
    """The verdict for `visit`: not covered when any reason blocks, at risk when any warns.

    `auths` carry their counts without this visit's own draw. How the inputs are read:
    - COVERAGE_INACTIVE when the latest *answered* check says inactive (a later failed check
      does not erase that answer); COVERAGE_ENDS_BEFORE_VISIT from its eligibility end date,
      PLAN_RENEWAL_UNVERIFIED past its plan end date (a renewal).
    - Benefits come from the summary of the latest answered check. Besides the 271 summary
      keys, two optional keys are read: `non_covered_codes` (CPT/HCPCS codes the payer
      excludes) and `non_covered` (True when mental-health services are not covered at all).
    - Visit limit: remaining as of the check minus `usage.visits_since_answer`; when the
      payer sent only a total, the total minus `usage.visits_in_period`. Reached when
      nothing is left for this visit; low when what is left after it is at most the
      threshold. A visit in a later period than the answer's (`usage.new_period_from`)
      counts against the total and only warns (VISIT_LIMIT_UNVERIFIED).
    - The provider's network status, other payers, mental health unsaid: see payer_facts.
    - Authorizations: see authorization_reasons.
    - Reasons are listed blocks first, then warnings, each group in the order checked.
    """
    summary = coverage.summary or {}
    found = [
        *_coverage_reasons(visit, now=now, coverage=coverage, summary=summary,
                           settings=settings),
        *_benefit_reasons(visit, summary=summary, settings=settings, usage=usage),
        *payer_fact_reasons(coverage.network, summary),
    ]
    auth_found, chosen = authorization_reasons(
        visit, auths=auths, summary_requires=summary.get("auth_required"), rules=rules,
        usage=usage, low_threshold=settings.auth_low_threshold,
        expiring_days=settings.auth_expiring_days)
    found += auth_found
    found += _time_reasons(visit)
    found.sort(key=lambda r: _SEVERITY_ORDER[r.severity])
    status: Status = "covered"
    if any(r.severity == "block" for r in found):
        status = "not_covered"
    elif any(r.severity == "warn" for r in found):
        status = "at_risk"
    return Verdict(status, found, chosen.id if chosen else None)


def _coverage_reasons(visit: VisitSpec, *, now: datetime, coverage: CoverageState,
                      summary: Mapping[str, Any], settings: Settings) -> list[Reason]:
    found: list[Reason] = []
    answered = coverage.last_answer_at
    if summary.get("active") is False:
        found.append(reason(
            "COVERAGE_INACTIVE",
            "The payer's latest answer says this coverage is inactive: ask the client for "
            "their current insurance card and run a new benefits check.",
            checked_at=_iso(answered)))
    if coverage.ended_on is not None and coverage.ended_on < visit.date:
        found.append(reason(
            "COVERAGE_ENDED",
            f"This coverage was ended on {coverage.ended_on.isoformat()}, before this visit: "
            "book the visit on the client's current coverage.",
            ended_on=coverage.ended_on.isoformat(), visit_date=visit.date.isoformat()))
    found += _end_reasons(visit, summary)
    if coverage.changed_since_answer:
        found.append(reason(
            "ELIGIBILITY_UNVERIFIED",
            "The coverage changed since the last check (member ID, names, birth dates or "
            "payer): its answer was about other data. Run a benefits check before the visit.",
            last_verified=None, unverified_days=settings.unverified_days,
            coverage_changed=True))
    elif answered is None or now - answered > timedelta(days=settings.unverified_days):
        when = (f"was last verified on {answered.date().isoformat()}, more than "
                f"{settings.unverified_days} days ago" if answered else "has never been verified")
        found.append(reason(
            "ELIGIBILITY_UNVERIFIED",
            f"Eligibility {when}: run a benefits check before the visit.",
            last_verified=_iso(answered), unverified_days=settings.unverified_days))
    if coverage.last_check_status in ("error", "rejected"):
        what = ("was rejected by the payer: fix what the check says (member ID, name, birth "
                "date) and run it again" if coverage.last_check_status == "rejected"
                else "got no usable answer from the payer: run it again later")
        found.append(reason(
            "ELIGIBILITY_CHECK_FAILED", f"The latest eligibility check {what}.",
            status=coverage.last_check_status, checked_at=_iso(coverage.last_check_at)))
    return found


def _end_reasons(visit: VisitSpec, summary: Mapping[str, Any]) -> list[Reason]:
    """An eligibility end (DTP 357) before the visit blocks; a plan's end (DTP 347) is a
    renewal the payer has yet to confirm. Summaries stored before eligibility_end was kept
    cannot tell them apart: their end blocks, as it always did."""
    plan = summary.get("plan") or {}
    plan_end = _date(plan.get("end"))
    ends = _date(plan.get("eligibility_end")) if "eligibility_end" in plan else plan_end
    day = visit.date.isoformat()
    if ends is not None and ends < visit.date:
        return [reason(
            "COVERAGE_ENDS_BEFORE_VISIT",
            f"The coverage ends on {ends.isoformat()}, before this visit on {day}: ask the "
            "client for their new insurance and run a benefits check.",
            ends=ends.isoformat(), visit_date=day)]
    if plan_end is not None and plan_end < visit.date and summary.get("active") is not False:
        renews = add_days(plan_end, 1) or plan_end
        return [reason(
            "PLAN_RENEWAL_UNVERIFIED",
            f"The plan year ends on {plan_end.isoformat()}, before this visit on {day}, and "
            "the payer has not yet confirmed the renewal: re-check eligibility on or after "
            f"{renews.isoformat()}.",
            plan_end=plan_end.isoformat(), renews=renews.isoformat(), visit_date=day)]
    return []


def _benefit_reasons(visit: VisitSpec, *, summary: Mapping[str, Any], settings: Settings,
                     usage: Usage) -> list[Reason]:
    found: list[Reason] = []
    code = normalize(visit.code)
    excluded = {normalize(str(c)) for c in summary.get("non_covered_codes") or ()}
    if code in excluded:
        found.append(reason(
            "CODE_NOT_COVERED",
            f"The payer reports {code} as not covered under this plan: check the code, or "
            "discuss self-pay with the client before the visit.",
            code=code, basis="code"))
    elif summary.get("non_covered") is True and is_mental_health(code):
        found.append(reason(
            "CODE_NOT_COVERED",
            "The payer reports mental-health services as not covered under this plan: "
            "discuss self-pay with the client before the visit.",
            code=code, basis="mental_health"))
    carve_out = summary.get("carve_out")
    if carve_out:
        found.append(_carve_out(carve_out))
    found += _visit_limit_reasons(summary.get("visit_limit") or {}, settings=settings,
                                  usage=usage)
    return found


def _carve_out(carve_out: Mapping[str, Any]) -> Reason:
    name = carve_out.get("name")
    payer_id = carve_out.get("payer_id")
    phone = carve_out.get("phone")
    if name:
        who = name + (f" (payer ID {payer_id})" if payer_id else "")
        call = f"verify eligibility and authorization with {name}" + (
            f" at {phone}" if phone else "")
        message = f"Behavioral-health benefits are managed by {who}: {call}."
    else:
        message = ("Behavioral-health benefits are managed by another company: call the payer "
                   "to learn which one, then verify eligibility and authorization with it.")
    return reason("CARVE_OUT", message, name=name, payer_id=payer_id, phone=phone)


def _visit_limit_reasons(limit: Mapping[str, Any], *, settings: Settings,
                         usage: Usage) -> list[Reason]:
    total, remaining = _count(limit.get("total")), _count(limit.get("remaining"))
    period = limit.get("period")
    if usage.new_period_from is not None and (total is not None or remaining is not None):
        return [_new_period(total, period, usage)]
    if remaining is not None:
        left = remaining - usage.visits_since_answer
    elif total is not None:
        left = total - usage.visits_in_period
    else:
        return []
    per = f" per {period.lower()}" if isinstance(period, str) and period else ""
    if left <= 0:
        allowed = f"The plan allows {total} visits{per}" if total is not None else (
            "The plan's visit limit")
        return [reason(
            "VISIT_LIMIT_REACHED",
            f"{allowed} and none remain for this visit: ask the payer about more visits or "
            "discuss self-pay with the client.",
            limit=total, remaining=0, period=period)]
    after = left - 1
    if after <= settings.visit_limit_low_threshold:
        return [reason(
            "VISIT_LIMIT_LOW",
            f"Only {after} {_plural(after, 'visit')} of the plan's limit remain after this one: "
            "plan the next visits with the client.",
            limit=total, remaining=after, period=period)]
    return []


def _new_period(total: int | None, period: Any, usage: Usage) -> Reason:
    """A visit in a period the payer's answer is not about: the limit starts again, so it
    counts against the full total, which only a new answer confirms (a warning, never a
    block: last period's remainder says nothing of this one)."""
    since = usage.new_period_from.isoformat() if usage.new_period_from else None
    after = None if total is None else max(0, total - usage.visits_in_period - 1)
    if total is None:
        counted = "the payer's figures are about the previous one"
    elif total - usage.visits_in_period <= 0:
        counted = (f"the plan's {total} visits would already be booked before it "
                   f"({usage.visits_in_period} counted in the new period)")
    else:
        counted = (f"it is counted against the full limit of {total} visits, leaving {after} "
                   "after it")
    return reason(
        "VISIT_LIMIT_UNVERIFIED",
        f"This visit falls in a new benefit period starting {since}: {counted}. Re-check "
        f"eligibility on or after {since} to confirm the visits left.",
        limit=total, remaining=after, period=period, period_start=since)


def _time_reasons(visit: VisitSpec) -> list[Reason]:
    expected = time_mismatch(visit.code, visit.minutes)
    if expected is None or visit.minutes is None:
        return []
    low, high = expected
    code, minutes = normalize(visit.code), visit.minutes
    band = f"{low}-{high} minutes" if high is not None else f"{low} minutes or more"
    suggested = suggestion_for(code, minutes)
    fix = (f"bill {suggested} instead or correct the minutes" if suggested
           else "check the code and the session length")
    return [reason(
        "CPT_TIME_MISMATCH",
        f"This visit's {minutes} minutes do not fit {code} ({band}): {fix}.",
        expected_min=low, expected_max=high, minutes=minutes, suggested_code=suggested)]


def _plural(n: int, word: str) -> str:
    return word if n == 1 else word + "s"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        return date.fromisoformat(value)
    return None


def _count(value: Any) -> int | None:
    """Visit counts come as integers, or as decimal strings for fractional counts (floored)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return int(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return None
