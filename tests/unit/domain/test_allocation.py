"""Choosing the authorization a visit counts against, and what each visit draws."""

from datetime import date, timedelta

import pytest

from service.domain.allocation import choose, closest, draw, misfits, simulate
from tests.unit.domain.builders import NPI_A, NPI_B, auth, visit


def test_remaining_is_approved_minus_used_minus_reserved_never_below_zero():
    assert auth(quantity=10, used=3, reserved=2).remaining == 5
    assert auth(quantity=2, used=2, reserved=1).remaining == 0


def test_overcommitted_is_what_is_held_beyond_the_quantity_and_zero_otherwise():
    assert auth(quantity=2, used=2, reserved=1).overcommitted == 1
    assert auth(quantity=0, used=3, reserved=0).overcommitted == 3
    assert auth(quantity=10, used=3, reserved=2).overcommitted == 0


def test_a_visit_based_authorization_draws_one_visit_whatever_the_minutes():
    assert draw(auth(), visit(minutes=90)) == 1


def test_a_unit_based_authorization_draws_the_units_of_the_minutes():
    units = auth(unit="unit", quantity=40, minutes_per_unit=15, codes=frozenset({"H0004"}))
    assert draw(units, visit(code="H0004", minutes=53)) == 4
    assert draw(units, visit(code="H0004", minutes=None)) == 1


def test_a_unit_based_authorization_without_unit_length_draws_one_unit_per_visit():
    per_diem = auth(unit="unit", quantity=20, minutes_per_unit=None, codes=frozenset({"H0015"}))
    assert draw(per_diem, visit(code="H0015", minutes=180)) == 1


def test_an_authorization_that_fits_has_no_misfits():
    assert misfits(auth(), visit()) == []


def test_the_dates_are_inclusive():
    assert misfits(auth(), visit(date=date(2026, 1, 1))) == []
    assert misfits(auth(), visit(date=date(2026, 6, 30))) == []


@pytest.mark.parametrize(
    ("overrides", "visit_overrides", "expected"),
    [({"status": "pending"}, {}, ["AUTH_NOT_APPROVED"]),
     ({"status": "denied"}, {}, ["AUTH_NOT_APPROVED"]),
     ({}, {"date": date(2025, 12, 31)}, ["AUTH_NOT_STARTED"]),
     ({}, {"date": date(2026, 7, 1)}, ["AUTH_EXPIRED"]),
     ({}, {"code": "90834"}, ["AUTH_CODE_NOT_COVERED"]),
     ({"provider_npi": NPI_A}, {"provider_npi": NPI_B}, ["AUTH_PROVIDER_MISMATCH"]),
     ({"reserved": 2, "used": 1}, {}, ["AUTH_EXHAUSTED"])],
)
def test_each_misfit_is_reported_by_its_code(overrides, visit_overrides, expected):
    assert misfits(auth(**overrides), visit(**visit_overrides)) == expected


def test_several_misfits_are_reported_together_in_a_fixed_order():
    found = misfits(auth(status="pending", used=3), visit(date=date(2026, 8, 1), code="90834"))
    assert found == ["AUTH_NOT_APPROVED", "AUTH_EXPIRED", "AUTH_CODE_NOT_COVERED",
                     "AUTH_EXHAUSTED"]


def test_a_provider_mismatch_needs_both_providers_named():
    assert misfits(auth(provider_npi=NPI_A), visit(provider_npi=None)) == []
    assert misfits(auth(provider_npi=None), visit(provider_npi=NPI_B)) == []
    assert misfits(auth(provider_npi=NPI_A), visit(provider_npi=NPI_A)) == []


def test_an_authorization_without_codes_covers_any_mental_health_service():
    anything = auth(codes=frozenset())
    assert misfits(anything, visit(code="96130")) == []
    assert misfits(anything, visit(code="99213")) == ["AUTH_CODE_NOT_COVERED"]


def test_authorization_codes_match_regardless_of_case():
    assert misfits(auth(codes=frozenset({"h0004"})), visit(code="H0004", minutes=None)) == []


def test_a_unit_based_authorization_is_exhausted_when_fewer_units_remain_than_the_visit_needs():
    units = auth(unit="unit", quantity=8, used=6, minutes_per_unit=15,
                 codes=frozenset({"H0004"}))
    assert misfits(units, visit(code="H0004", minutes=30)) == []
    assert misfits(units, visit(code="H0004", minutes=38)) == ["AUTH_EXHAUSTED"]


def test_the_authorization_ending_soonest_is_chosen():
    later = auth(id="b", end_date=date(2026, 12, 31))
    sooner = auth(id="c", end_date=date(2026, 5, 31))
    assert choose([later, sooner], visit()) == sooner


def test_the_end_date_decides_before_the_start_date():
    started_early_ends_late = auth(id="a", start_date=date(2025, 7, 1))
    started_late_ends_soon = auth(id="b", start_date=date(2026, 3, 1),
                                  end_date=date(2026, 4, 30))
    assert choose([started_early_ends_late, started_late_ends_soon], visit()) == (
        started_late_ends_soon)


def test_ties_on_the_end_date_go_to_the_earliest_start_then_the_id():
    late_start = auth(id="a", start_date=date(2026, 2, 1))
    early_start = auth(id="z", start_date=date(2026, 1, 1))
    assert choose([late_start, early_start], visit()) == early_start
    assert choose([auth(id="y"), auth(id="x")], visit()).id == "x"


def test_an_authorization_that_does_not_fit_is_never_chosen():
    exhausted = auth(id="a", end_date=date(2026, 4, 30), reserved=3)
    fitting = auth(id="b")
    assert choose([exhausted, fitting], visit()) == fitting
    assert choose([exhausted], visit()) is None
    assert choose([], visit()) is None


def test_the_closest_authorization_has_the_fewest_misfits_then_the_nearest_dates():
    far_expired = auth(id="a", start_date=date(2025, 1, 1), end_date=date(2025, 6, 30))
    just_expired = auth(id="b", start_date=date(2025, 7, 1), end_date=date(2026, 2, 28))
    wrong_everything = auth(id="c", status="denied", codes=frozenset({"90834"}))
    assert closest([far_expired, wrong_everything, just_expired], visit()) == just_expired
    assert closest([], visit()) is None


def test_among_future_authorizations_the_one_starting_nearest_the_visit_is_closest():
    in_a_week = auth(id="a", start_date=date(2026, 3, 16), end_date=date(2026, 9, 30))
    next_day = auth(id="b", start_date=date(2026, 3, 10), end_date=date(2026, 12, 31))
    assert closest([in_a_week, next_day], visit()) == next_day


def test_simulation_reserves_each_visit_on_a_copy_and_leaves_the_input_alone():
    fresh = auth()
    chosen = simulate([fresh], [visit(), visit(date=date(2026, 3, 16))])
    assert [a.reserved if a else None for a in chosen] == [1, 2]
    assert fresh.reserved == 0


def test_simulation_moves_on_to_the_next_authorization_when_the_first_runs_out():
    first = auth(id="a", quantity=1, end_date=date(2026, 4, 30))
    second = auth(id="b", quantity=1)
    visits = [visit(date=date(2026, 3, 9) + timedelta(weeks=i)) for i in range(3)]
    chosen = simulate([second, first], visits)
    assert [a.id if a else None for a in chosen] == ["a", "b", None]


def test_simulation_draws_units_for_unit_based_authorizations():
    units = auth(unit="unit", quantity=8, minutes_per_unit=15, codes=frozenset({"H0004"}))
    visits = [visit(code="H0004", minutes=60) for _ in range(3)]
    assert [a.reserved if a else None for a in simulate([units], visits)] == [4, 8, None]
