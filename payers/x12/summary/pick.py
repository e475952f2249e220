"""Ranking of the summary's benefit candidates: the best one in and out of network."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from payers.x12.summary.types import Amounts, CostShare
from payers.x12.x271.parts import parse_amount

# EB12 -> preference for the wanted network (lower is better); absent = other network.
PREFERENCES = {
    "Y": {"Y": 0, "W": 1, "": 2, "U": 2},
    "N": {"N": 0, "W": 1, "": 2, "U": 2},
}

# (ranking key without the network preference, EB12, position, amount text, EB03, EB02).
# The ranking (rank, network preference, coverage, per-visit period for copays, EB index)
# is packed into one integer, most significant first: rank << 40, preference << 36 (from
# _PREFERENCE_KEYS), coverage << 33, per visit << 32, index. Every key ends with the index,
# so no two candidates tie. The amount is converted only for the chosen candidate.
Candidate = tuple[int, str, int, str, str, str]
INDEX_MASK = (1 << 32) - 1  # the EB index in a candidate's ranking key
_PREFERENCE_KEYS = {wanted: {flag: order << 36 for flag, order in orders.items()}
                    for wanted, orders in PREFERENCES.items()}


# EB12 -> (preference key in network, out of network); None where it does not apply.
_NETWORK_KEYS = {flag: (_PREFERENCE_KEYS["Y"].get(flag), _PREFERENCE_KEYS["N"].get(flag))
                 for flag in {*PREFERENCES["Y"], *PREFERENCES["N"]}}
NEITHER: tuple[None, None] = (None, None)
Both = tuple[Candidate | None, Candidate | None]  # in network, out of network
_Pair = tuple[tuple[str, ...] | None, tuple[str, ...] | None]
Lines = tuple[Both, Both, Both]  # total, remaining, to date
# EB02 coverage levels reported as "family"; every other one (IND, EMP, SPO, none) is the
# individual's.
_FAMILY_LEVELS = frozenset({"FAM", "ECH", "ESP", "SPC", "CHD", "DEP"})
_HUNDRED = Decimal(100)


def pick_both(candidates: Iterable[Candidate], same: _Pair | None = None) -> Both:
    """The best candidate in and out of network (with EB03 and EB02 ``same[side]``, if
    given)."""
    best_in = best_out = None
    key_in = key_out = 0
    same_in, same_out = same if same is not None else NEITHER
    for candidate in candidates:
        preference_in, preference_out = _NETWORK_KEYS.get(candidate[1], NEITHER)
        if preference_in is not None and (same_in is None or candidate[4:] == same_in):
            key = candidate[0] + preference_in
            if best_in is None or key < key_in:
                best_in, key_in = candidate, key
        if preference_out is not None and (same_out is None or candidate[4:] == same_out):
            key = candidate[0] + preference_out
            if best_out is None or key < key_out:
                best_out, key_out = candidate, key
    return best_in, best_out


def amounts_of(lines: Lines, side: int) -> Amounts:
    """Total and remaining of one network (0 in, 1 out) from its candidates."""
    total, remaining, to_date = lines[0][side], lines[1][side], lines[2][side]
    value = parse_amount(total[3], total[2], "EB07") if total is not None else None
    if remaining is not None:
        return Amounts(value, parse_amount(remaining[3], remaining[2], "EB07"))
    if value is not None and to_date is not None:
        met = parse_amount(to_date[3], to_date[2], "EB07")
        if met is not None:
            return Amounts(value, max(value - met, Decimal(0)))
    return Amounts(value)


def lines_of(totals: list[Candidate], remainders: list[Candidate],
             to_dates: list[Candidate]) -> Lines:
    """Total, remaining and to-date candidates, in and out of network; remaining and to date
    come from the same benefit line as the total (same EB03 and EB02)."""
    if not totals:
        # No total: any line's remaining (to date is used only with a total).
        return NEITHER, pick_both(remainders) if remainders else NEITHER, NEITHER
    total = pick_both(totals)
    same = (total[0][4:] if total[0] is not None else None,
            total[1][4:] if total[1] is not None else None)
    remaining = pick_both(remainders, same) if remainders else NEITHER
    to_date: Both = NEITHER
    if to_dates and ((remaining[0] is None and total[0] is not None) or (
            remaining[1] is None and total[1] is not None)):
        to_date = pick_both(to_dates, same)
    return total, remaining, to_date


def cost_shares(copays: list[Candidate], rates: list[Candidate],
                amounts: list[list[Candidate]], *, levels: bool = True
                ) -> tuple[CostShare, CostShare]:
    """Best copay, coinsurance, deductible and out-of-pocket in and out of network.

    Both networks are picked in one pass over each candidate list; amounts are then
    converted network by network (in first), copay, coinsurance, deductible, out of pocket.
    With ``levels``, a deductible or out-of-pocket figure says its coverage level and, when
    it is the individual's, carries the family's figure beside it.
    """
    copay_pair = pick_both(copays) if copays else NEITHER
    rate_pair = pick_both(rates) if rates else NEITHER
    deductible = lines_of(amounts[0], amounts[1], amounts[2])
    out_of_pocket = lines_of(amounts[3], amounts[4], amounts[5])
    # The family's lines beside an individual figure, picked once for both networks.
    family = (_family_lines(amounts[0:3]), _family_lines(amounts[3:6])) if levels and any(
        c[5] in _FAMILY_LEVELS for slot in amounts for c in slot) else None
    shares = []
    for side in (0, 1):
        copay, rate = copay_pair[side], rate_pair[side]
        amount = parse_amount(copay[3], copay[2], "EB07") if copay is not None else None
        coinsurance = None
        if rate is not None:
            percent = parse_amount(rate[3], rate[2], "EB08")
            if percent is not None:
                coinsurance = percent / _HUNDRED if percent > 1 else percent
        share = CostShare(amount, coinsurance, amounts_of(deductible, side),
                          amounts_of(out_of_pocket, side))
        if levels:
            _level(share.deductible, deductible, side, family[0] if family else None)
            _level(share.out_of_pocket, out_of_pocket, side, family[1] if family else None)
        shares.append(share)
    return shares[0], shares[1]


def _family_lines(slots: list[list[Candidate]]) -> Lines:
    return lines_of(*[[c for c in slot if c[5] in _FAMILY_LEVELS] for slot in slots])


def _level(figure: Amounts, lines: Lines, side: int, family: Lines | None) -> None:
    chosen = lines[0][side] or lines[1][side]
    if chosen is None:
        return
    if chosen[5] in _FAMILY_LEVELS:
        figure.level = "family"
        return
    figure.level = "individual"
    if family is not None:
        found = amounts_of(family, side)
        if found.total is not None or found.remaining is not None:
            figure.family = found
