"""The authorization part of a verdict: is one required, which one fits, and what is wrong."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from service.domain.allocation import AuthState, VisitSpec, choose, closest, draw, misfits
from service.domain.cpt import normalize
from service.domain.reasons import Reason, reason

_RULE_KEYS = frozenset({"auth_required_codes", "auth_required_after_visits", "counting"})


@dataclass(frozen=True, kw_only=True)
class PayerRules:
    """Authorization rules from the payer directory's `rules` (`counting` is read by
    CountingPolicy.merged)."""

    auth_required_codes: frozenset[str] = frozenset()
    auth_after_visits: int | None = None  # per plan year

    @classmethod
    def from_mapping(cls, rules: Mapping[str, Any] | None) -> PayerRules:
        if not rules:
            return cls()
        unknown = sorted(set(rules) - _RULE_KEYS)
        if unknown:
            raise ValueError(f"unknown payer rule(s): {', '.join(map(str, unknown))}; "
                             f"expected some of: {', '.join(sorted(_RULE_KEYS))}")
        codes = rules.get("auth_required_codes") or []
        if isinstance(codes, str) or not all(isinstance(c, str) for c in codes):
            raise ValueError("auth_required_codes must be a list of CPT/HCPCS codes")
        after = rules.get("auth_required_after_visits")
        if after is not None and (isinstance(after, bool) or not isinstance(after, int)
                                  or after < 0):
            raise ValueError("auth_required_after_visits must be a whole number of visits, 0 "
                             "or more")
        return cls(auth_required_codes=frozenset(normalize(c) for c in codes),
                   auth_after_visits=after)


@dataclass(frozen=True, kw_only=True)
class Usage:
    # Visits recorded (scheduled or completed, not cancelled) after the latest answered
    # check's date and within the visit limit's period holding this visit, not counting it.
    visits_since_answer: int = 0
    # The same within the plan year (for auth_after_visits).
    visits_this_plan_year: int = 0
    # The same within the visit limit's period holding this visit (for a limit's total).
    visits_in_period: int = 0
    # The start of that period when it begins after the latest answered check: the payer's
    # figures are about an earlier period and say nothing of this one yet.
    new_period_from: date | None = None
    # The first day of the plan year holding this visit (renewed past the answer's dates).
    plan_year_start: date | None = None


def required_because(visit: VisitSpec, *, summary_requires: Any, rules: PayerRules,
                     usage: Usage) -> list[str]:
    """Why an authorization is required for `visit`: `summary` (the payer's answer says so),
    `code` (payer rules list this code), `after_visits` (the plan year's free visits are
    used up). Empty when nothing requires one."""
    why: list[str] = []
    if summary_requires is True:
        why.append("summary")
    if normalize(visit.code) in rules.auth_required_codes:
        why.append("code")
    if rules.auth_after_visits is not None and (
            usage.visits_this_plan_year >= rules.auth_after_visits):
        why.append("after_visits")
    return why


def authorization_reasons(
    visit: VisitSpec, *, auths: Sequence[AuthState], summary_requires: Any, rules: PayerRules,
    usage: Usage, low_threshold: int, expiring_days: int,
) -> tuple[list[Reason], AuthState | None]:
    """The authorization reasons for `visit` and the authorization it would count against.

    When an authorization fits: AUTH_LOW / AUTH_EXPIRING about it (expiry is measured from
    the visit date: the visits after this one need the renewal, whenever it is booked).
    When none fits: AUTH_REQUIRED if something requires one, and the misfits of the closest
    authorization on file (one authorization, so each reason names it) unless the payer
    said no authorization is needed (`summary_requires` False and no payer rule applies):
    with nothing said either way, authorizations on file are taken as a sign one is needed.
    """
    chosen = choose(auths, visit)
    if chosen is not None:
        return _fitting(chosen, visit, low_threshold=low_threshold,
                        expiring_days=expiring_days), chosen
    why = required_because(visit, summary_requires=summary_requires, rules=rules, usage=usage)
    found: list[Reason] = []
    if why:
        found.append(reason(
            "AUTH_REQUIRED",
            f"An authorization is required for {normalize(visit.code)} and none on file fits "
            "this visit: request one from the payer before the visit.",
            why=why, code=normalize(visit.code), after_visits=rules.auth_after_visits,
            visits_this_plan_year=usage.visits_this_plan_year))
    nearest = closest(auths, visit)
    if nearest is not None and (why or summary_requires is not False):
        found += [_misfit(code, nearest, visit) for code in misfits(nearest, visit)]
    return found, None


def _fitting(auth: AuthState, visit: VisitSpec, *, low_threshold: int,
             expiring_days: int) -> list[Reason]:
    found: list[Reason] = []
    after = auth.remaining - draw(auth, visit)
    if after <= low_threshold:
        found.append(reason(
            "AUTH_LOW",
            f"Authorization {auth.number} will have {after} {_unit(auth, after)} left after "
            "this visit: request more from the payer now.",
            **_about(auth), remaining=after, quantity=auth.quantity))
    days = (auth.end_date - visit.date).days
    if days <= expiring_days:
        found.append(reason(
            "AUTH_EXPIRING",
            f"Authorization {auth.number} ends on {_d(auth.end_date)}, {days} "
            f"{'day' if days == 1 else 'days'} after this visit: request an extension for "
            "the visits that follow.",
            **_about(auth), ends=_d(auth.end_date), days_after_visit=days))
    return found


def _misfit(code: str, auth: AuthState, visit: VisitSpec) -> Reason:
    name = f"Authorization {auth.number}"
    if code == "AUTH_NOT_APPROVED":
        return reason(code, f"{name} is {auth.status}, not approved: follow up with the payer "
                            "before the visit.", **_about(auth), status=auth.status)
    if code == "AUTH_NOT_STARTED":
        return reason(code, f"{name} starts on {_d(auth.start_date)}, after this visit: move the "
                            "visit or ask the payer to move the start date.",
                      **_about(auth), starts=_d(auth.start_date))
    if code == "AUTH_EXPIRED":
        return reason(code, f"{name} ended on {_d(auth.end_date)}: request a new authorization "
                            "from the payer before this visit.",
                      **_about(auth), ended=_d(auth.end_date))
    if code == "AUTH_CODE_NOT_COVERED":
        visit_code = normalize(visit.code)
        return reason(code, f"{name} does not cover {visit_code}: check the visit's code or ask "
                            "the payer to add it.",
                      **_about(auth), code=visit_code, covered=sorted(auth.codes))
    if code == "AUTH_PROVIDER_MISMATCH":
        return reason(code, f"{name} is for another provider (NPI {auth.provider_npi}): book "
                            "with that provider or ask the payer to change it.",
                      **_about(auth), provider_npi=auth.provider_npi)
    needed = draw(auth, visit)
    return reason(code, f"{name} has {auth.remaining} of {auth.quantity} "
                        f"{_unit(auth, auth.quantity)} left, counting visits already "
                        f"scheduled, and this visit needs {needed}: request more from the payer.",
                  **_about(auth), remaining=auth.remaining, quantity=auth.quantity,
                  needed=needed)


def _about(auth: AuthState) -> dict[str, Any]:
    return {"authorization_id": auth.id, "number": auth.number}


def _unit(auth: AuthState, n: int) -> str:
    word = "visit" if auth.unit == "visit" else "unit"
    return word if n == 1 else word + "s"


def _d(value: date) -> str:
    return value.isoformat()
