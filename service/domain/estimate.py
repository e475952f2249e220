"""What the client may owe for a visit, from the benefits summary, with every assumption said."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Literal

from service.domain.payer_facts import provider_out_of_network

_CENT = Decimal("0.01")
_ZERO = Decimal("0")


def estimate(*, allowed_amount: Decimal | None, summary: Mapping[str, Any] | None,
             network: Literal["in", "out"], new_plan_year: bool = False) -> dict[str, Any]:
    """The client's share of one visit.

    A copay when the network's benefits have one (the lesser of copay and allowed amount).
    Otherwise the deductible still to meet, then coinsurance on the rest of the allowed
    amount: min(allowed, deductible remaining) + coinsurance x the remainder. Either is
    capped at the out-of-pocket maximum remaining when the payer reported it. Amounts are
    rounded half up to cents; `amount` is None (basis "unknown") when a figure is missing.
    With `new_plan_year` (the visit falls in a plan year after the answer's), what was met
    last year says nothing: the deductible and out-of-pocket maximum count in full. When the
    coverage is booked in network but the payer says the provider is out of network
    (PROVIDER_OUT_OF_NETWORK), the out-of-network benefits are used.
    """
    if network not in ("in", "out"):
        raise ValueError("network must be 'in' or 'out'")
    if allowed_amount is not None and allowed_amount < 0:
        raise ValueError("allowed_amount must not be negative")
    allowed = _cents(allowed_amount) if allowed_amount is not None else None
    assumptions: list[str] = []
    if not summary:
        assumptions.append("No eligibility answer is on file, so the client's share cannot be "
                           "estimated.")
        return _result(None, "unknown", allowed, assumptions)
    if provider_out_of_network(network, summary):
        network = "out"
        assumptions.append("The payer says this provider is out of network, so the plan's "
                           "out-of-network benefits apply although the coverage is booked in "
                           "network.")
    block = summary.get("in_network" if network == "in" else "out_of_network") or {}
    if new_plan_year:
        block = _restarted(block)
        assumptions.append("This visit falls in a new plan year: assumes none of its "
                           "deductible or out-of-pocket maximum is met yet.")
    label = "in-network" if network == "in" else "out-of-network"
    assumptions.append(f"Uses the plan's {label} benefits from the latest eligibility answer.")
    copay = _money(block.get("copay"))
    if copay is not None:
        amount, basis = copay, "copay"
        assumptions.append("Assumes the copay applies to this visit without a deductible first.")
        if allowed is not None and allowed < copay:
            amount = allowed
            assumptions.append("The allowed amount is below the copay, so the client pays the "
                               "allowed amount.")
    else:
        if allowed is None:
            assumptions.append("The plan has no copay and no allowed amount is on file for this "
                               "service, so deductible and coinsurance cannot be applied.")
            return _result(None, "unknown", allowed, assumptions)
        shared = _deductible_then_coinsurance(allowed, block, assumptions)
        if shared is None:
            return _result(None, "unknown", allowed, assumptions)
        amount, basis = shared
    amount = _capped(amount, block, assumptions)
    assumptions.append("Assumes no other claims are pending that would change the deductible or "
                       "out-of-pocket amounts.")
    if network == "out":
        assumptions.append("Out of network, the client may also owe the difference between the "
                           "practice's fee and the payer's allowed amount.")
    return _result(amount, basis, allowed, assumptions)


def _deductible_then_coinsurance(allowed: Decimal, block: Mapping[str, Any],
                                 assumptions: list[str]) -> tuple[Decimal, str] | None:
    deductible = block.get("deductible") or {}
    remaining, total = _money(deductible.get("remaining")), _money(deductible.get("total"))
    if remaining is None and total is not None:
        # Without the amount met so far, the whole deductible is assumed still due: the
        # estimate may be high, never a surprise bill for the client.
        remaining = total
        assumptions.append("The payer did not say how much of the deductible is met; assumes "
                           "none of it is.")
    elif remaining is None:
        remaining = _ZERO
        assumptions.append("The payer reported no deductible; assumes none applies.")
    from_deductible = min(allowed, max(_ZERO, remaining))
    rest = allowed - from_deductible
    if rest == 0:
        return from_deductible, "deductible" if remaining > 0 else "coinsurance"
    coinsurance = decimal_of(block.get("coinsurance"))
    if coinsurance is None:
        assumptions.append("The payer reported no coinsurance, so the share after the "
                           "deductible cannot be estimated.")
        return None
    assumptions.append(f"Coinsurance of {_percent(coinsurance)}% applied to the practice's "
                       "allowed amount" + (" after the deductible." if from_deductible else "."))
    amount = from_deductible + _cents(rest * coinsurance)
    return amount, "deductible_then_coinsurance" if from_deductible else "coinsurance"


def _restarted(block: Mapping[str, Any]) -> dict[str, Any]:
    """The network's benefits with each deductible and out-of-pocket remaining set to its
    total (unknown when the payer sent no total)."""
    restarted = dict(block)
    for key in ("deductible", "out_of_pocket"):
        amounts = block.get(key) or {}
        restarted[key] = {**amounts, "remaining": amounts.get("total")}
    return restarted


def _capped(amount: Decimal, block: Mapping[str, Any], assumptions: list[str]) -> Decimal:
    out_of_pocket = block.get("out_of_pocket") or {}
    limit = _money(out_of_pocket.get("remaining"))
    if limit is not None and amount > limit:
        assumptions.append(f"Capped at the out-of-pocket maximum remaining ({_cents(limit)}).")
        return max(_ZERO, limit)
    return amount


def _result(amount: Decimal | None, basis: str, allowed: Decimal | None,
            assumptions: list[str]) -> dict[str, Any]:
    return {"amount": str(_cents(amount)) if amount is not None else None, "basis": basis,
            "allowed_amount": str(allowed) if allowed is not None else None,
            "assumptions": assumptions}


def _percent(fraction: Decimal) -> str:
    """0.2 as "20", 0.125 as "12.5": no exponent, no trailing zeros."""
    text = format(fraction * 100, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _cents(value: Decimal) -> Decimal:
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def _money(value: Any) -> Decimal | None:
    number = decimal_of(value)
    return _cents(number) if number is not None else None


def decimal_of(value: Any) -> Decimal | None:
    """A decimal string (or Decimal) from the summary; None when absent or unreadable."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None
