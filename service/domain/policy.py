"""Which visit statuses count toward a visit limit, and which reserve, use or release a unit
of an authorization."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any, Literal

Effect = Literal["reserve", "use", "release"]
VISIT_STATUSES = ("scheduled", "completed", "cancelled", "late_cancelled", "no_show")
# Counted visits: booked or held, never cancelled or missed. A plan's visit limit is counted
# from these; what a visit draws from an authorization is `effect`'s to say (a payer may
# charge a no-show to the authorization without the plan counting it as a visit).
COUNTED = ("scheduled", "completed")
# A booking made in error: kept, with its history, but holding nothing and listed nowhere.
DELETED = "deleted"


@dataclass(frozen=True, kw_only=True)
class CountingPolicy:
    """The default follows the payer's billing: only a visit that can be billed to insurance
    keeps its unit. A payer that counts late cancellations or no-shows against the
    authorization says so in its directory entry (`rules.counting`)."""

    scheduled_reserves: bool = True
    late_cancel_uses: bool = False
    no_show_uses: bool = False

    def merged(self, overrides: Mapping[str, Any] | None) -> CountingPolicy:
        """This policy with a payer's `rules.counting` applied; unknown keys are refused so a
        misspelt rule cannot silently keep the default."""
        if not overrides:
            return self
        known = {f.name for f in fields(self)}
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise ValueError(
                f"unknown counting rule(s): {', '.join(map(str, unknown))}; "
                f"expected some of: {', '.join(sorted(known))}")
        for key, value in overrides.items():
            if not isinstance(value, bool):
                raise ValueError(f"counting rule {key} must be true or false")
        return replace(self, **dict(overrides))


def effect(status: str, policy: CountingPolicy) -> Effect:
    """What a visit in `status` does to the authorization it counts against."""
    if status == "scheduled":
        return "reserve" if policy.scheduled_reserves else "release"
    if status == "completed":
        return "use"
    if status == "cancelled":
        return "release"
    if status == "late_cancelled":
        return "use" if policy.late_cancel_uses else "release"
    if status == "no_show":
        return "use" if policy.no_show_uses else "release"
    raise ValueError(
        f"unknown visit status {status!r}; expected one of {', '.join(VISIT_STATUSES)}")
