"""How many units of a unit-based authorization one visit draws."""

from __future__ import annotations


def units_for(minutes: int | None, minutes_per_unit: int) -> int:
    """Units a visit of `minutes` draws, by the midpoint rule.

    Whole units, plus one more when the remainder is at least half a unit (8 of 15 minutes,
    15 of 30), and never less than 1: a visit that happened is billed at least one unit.
    22 minutes of 15-minute units is 1 unit, 23 is 2. Unknown minutes (None) draw 1 unit,
    the least a visit can draw, so a missing duration never blocks a booking on its own.
    """
    if minutes_per_unit <= 0:
        raise ValueError("minutes_per_unit must be a positive number of minutes")
    if minutes is None:
        return 1
    if minutes < 0:
        raise ValueError("minutes must not be negative")
    whole, rest = divmod(minutes, minutes_per_unit)
    # rest * 2 >= minutes_per_unit is "at least half a unit" without rounding an odd unit
    # length: 8 of 15 counts (16 >= 15), 7 of 15 does not (14 < 15).
    if rest * 2 >= minutes_per_unit:
        whole += 1
    return max(1, whole)
