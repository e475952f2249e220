"""Coordination of benefits in front-desk terms: where the checked coverage stands among the
plans a COB check found, and which plan pays first."""

from __future__ import annotations

from collections.abc import Sequence

ORDER = ("primary", "secondary", "tertiary")  # the payer responsibility sequence
UNKNOWN = "unknown"


def this_primacy(*, others: Sequence[str], cob_required: bool,
                 primacy_determined: bool) -> str:
    """The checked coverage's place, given the other plans' places: primary when no other
    plan was found or the plans need no coordination; else the first place no other plan
    holds, once primacy is known."""
    if not others or not cob_required:
        return "primary"
    if not primacy_determined:
        return UNKNOWN
    return next((place for place in ORDER if place not in others), UNKNOWN)


def who_pays_first(mine: str, others: Sequence[str]) -> str:
    """this_coverage, other_coverage, or unknown."""
    if mine == "primary":
        return "this_coverage"
    return "other_coverage" if "primary" in others else UNKNOWN
