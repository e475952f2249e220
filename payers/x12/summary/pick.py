"""Ranking of the summary's benefit candidates: the best one in and out of network."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from payers.x12.summary.types import Amounts
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
_PREFERENCE_KEYS = {wanted: {flag: order << 36 for flag, order in orders.items()}
                    for wanted, orders in PREFERENCES.items()}


# EB12 -> (preference key in network, out of network); None where it does not apply.
_NETWORK_KEYS = {flag: (_PREFERENCE_KEYS["Y"].get(flag), _PREFERENCE_KEYS["N"].get(flag))
                 for flag in {*PREFERENCES["Y"], *PREFERENCES["N"]}}
NEITHER: tuple[None, None] = (None, None)
Both = tuple[Candidate | None, Candidate | None]  # in network, out of network
_Pair = tuple[tuple[str, ...] | None, tuple[str, ...] | None]
Lines = tuple[Both, Both, Both]  # total, remaining, to date


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
