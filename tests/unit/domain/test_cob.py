"""Where a checked coverage stands among the plans a COB check found."""

from __future__ import annotations

import pytest

from service.domain.cob import this_primacy, who_pays_first


@pytest.mark.parametrize(("others", "required", "determined", "mine", "first"), [
    ([], False, False, "primary", "this_coverage"),
    (["primary"], True, True, "secondary", "other_coverage"),
    (["secondary"], True, True, "primary", "this_coverage"),
    (["primary", "secondary"], True, True, "tertiary", "other_coverage"),
    (["unknown"], True, False, "unknown", "unknown"),
    (["unknown"], False, False, "primary", "this_coverage"),  # overlap without coordination
])
def test_the_checked_coverage_takes_the_first_place_no_other_plan_holds(
    others: list[str], required: bool, determined: bool, mine: str, first: str,
) -> None:
    place = this_primacy(others=others, cob_required=required, primacy_determined=determined)

    assert place == mine
    assert who_pays_first(place, others) == first
