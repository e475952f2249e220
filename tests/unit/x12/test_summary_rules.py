"""Mental-health summary rules, one at a time, on small synthetic 271s."""

from __future__ import annotations

from decimal import Decimal

import pytest

from payers.x12.summary import summarize
from payers.x12.x271 import Rejection
from tests.unit.x12.reader_samples import HEAD, response, summary_of


def test_psychotherapy_beats_outpatient_mental_health_provider_beats_mental_health():
    lines = ["EB*B*IND*MH***27*40*****Y", "EB*B*IND*CF***27*30*****Y",
             "EB*B*IND*A6***27*20*****Y", "EB*B*IND*30***27*90*****Y"]
    assert summary_of(*lines).in_network.copay == Decimal("20")
    assert summary_of(*lines[:2]).in_network.copay == Decimal("30")
    assert summary_of(lines[0], lines[3]).in_network.copay == Decimal("40")


def test_office_visit_copay_is_used_only_when_nothing_mental_health_specific_exists():
    office = "EB*B*IND*98***27*35*****Y"
    plan = "EB*B*IND*30***27*90*****Y"
    assert summary_of(office, plan).in_network.copay == Decimal("35")
    assert summary_of(office, "EB*B*IND*MH***27*45*****Y").in_network.copay == Decimal("45")
    # 98 is a copay fallback only: it never supplies coinsurance.
    assert summary_of("EB*A*IND*98***27**.3****Y").in_network.coinsurance is None


def test_a_list_of_service_types_ranks_by_its_most_specific_code():
    listed = "EB*B**1^33^35^47^86^88^98^AL^MH^UC***27*10*****Y"
    assert summary_of(listed, "EB*B*IND*98***27*35*****Y").in_network.copay == Decimal("10")


def test_network_flags_select_in_and_out_of_network_figures():
    summary = summary_of("EB*A*IND*MH***27**.1****Y", "EB*A*IND*MH***27**.4****N")
    assert summary.in_network.coinsurance == Decimal("0.1")
    assert summary.out_of_network.coinsurance == Decimal("0.4")


def test_benefit_for_both_networks_applies_to_each_but_an_exact_match_wins():
    summary = summary_of("EB*B*IND*MH***27*25*****W", "EB*B*IND*MH***27*20*****Y")
    assert summary.in_network.copay == Decimal("20")
    assert summary.out_of_network.copay == Decimal("25")


def test_whole_percent_coinsurance_is_read_as_a_fraction():
    assert summary_of("EB*A*IND*A6***27**20****N").out_of_network.coinsurance == Decimal("0.2")


def test_procedure_specific_benefits_stay_out_of_the_general_figures():
    summary = summary_of("EB*B*IND*A6***27*15****Y*Y*HC:90837", "EB*B*IND*MH***27*40*****Y")
    assert summary.in_network.copay == Decimal("40")
    assert summary.auth_required is None


def test_deductible_total_and_remaining_come_from_the_same_benefit_period_lines():
    summary = summary_of("EB*C*FAM*30***23*3000*****Y", "EB*C*IND*30***23*1000*****Y",
                         "EB*C*FAM*30***29*2500*****Y", "EB*C*IND*30***29*600*****Y")
    assert summary.in_network.deductible.total == Decimal("1000")
    assert summary.in_network.deductible.remaining == Decimal("600")


def test_remaining_is_derived_from_year_to_date_when_not_sent():
    summary = summary_of("EB*G*IND*30***23*2000*****Y", "EB*G*IND*30***24*2500*****Y")
    assert summary.in_network.out_of_pocket.total == Decimal("2000")
    assert summary.in_network.out_of_pocket.remaining == Decimal("0")


def test_visit_limit_from_eb_quantities_with_remaining():
    summary = summary_of("EB*F*IND*MH***23***VS*20", "EB*F*IND*MH***29***VS*4")
    limit = summary.visit_limit
    assert (limit.total, limit.remaining, limit.period) == (20, 4, "Calendar Year")
    assert summary.to_json_dict()["visit_limit"] == {
        "total": 20, "remaining": 4, "period": "Calendar Year"}


def test_visit_limit_from_hsd_with_remaining():
    summary = summary_of("EB*F*IND*A6", "HSD*VS*30***22", "HSD*VS*11***29")
    assert summary.visit_limit.total == 30
    assert summary.visit_limit.remaining == 11
    assert summary.visit_limit.period == "Service Year"


def test_visit_limits_of_other_services_are_ignored():
    summary = summary_of("EB*F*IND*33***23***VS*20", "EB*F*IND*PT", "HSD*VS*12***23")
    assert summary.visit_limit.total is None


@pytest.mark.parametrize(("flags", "expected"), [
    (["EB*B*IND*A6***27*20****Y*Y"], True),
    (["EB*B*IND*A6***27*20****N*Y"], False),
    (["EB*B*IND*A6***27*20*****Y"], None),
    (["EB*B*IND*A6***27*20****N*Y", "EB*B*IND*MH***27*20****Y*Y"], False),
    (["EB*B*IND*MH***27*20****N*Y", "EB*B*IND*MH***27*20****Y*N"], False),
])
def test_auth_required_follows_eb11_of_the_most_specific_in_network_benefit(flags, expected):
    assert summary_of(*flags).auth_required is expected


def test_auth_required_for_out_of_network_reads_the_out_of_network_benefit():
    lines = ["EB*B*IND*MH***27*20****N*Y", "EB*B*IND*MH***27*60****Y*N"]
    assert summary_of(*lines, network="out").auth_required is True


@pytest.mark.parametrize(("lines", "active"), [
    (["EB*1**30**TEST PLAN"], True),
    (["EB*6**30"], False),
    (["EB*6"], False),
    (["EB*1**MH"], True),
    (["EB*B*IND*MH***27*20"], None),
])
def test_active_comes_from_plan_level_status(lines, active):
    assert summary_of(*lines).active is active


def test_plan_name_and_dates_come_from_the_status_benefit_when_the_2100_is_silent():
    summary = summary_of("EB*1**30*HM*TEST HMO", "DTP*291*RD8*20260101-20261231")
    assert summary.plan.name == "TEST HMO"
    assert summary.plan.begin is not None and summary.plan.begin.isoformat() == "2026-01-01"
    assert summary.plan.end is not None and summary.plan.end.isoformat() == "2026-12-31"


def test_carve_out_via_a_vendor_in_2120_on_a_mental_health_benefit():
    summary = summary_of("EB*1**MH", "LS*2120", "NM1*VN*2*TEST BHO*****PI*BH123",
                         "PER*IC**TE*8005550100", "LE*2120")
    assert summary.carve_out is not None
    assert summary.carve_out.to_json_dict() == {
        "name": "TEST BHO", "payer_id": "BH123", "phone": "8005550100"}


def test_a_primary_care_provider_entity_is_not_a_carve_out():
    summary = summary_of("EB*L**MH", "LS*2120", "NM1*P3*1*TEST-PCP", "LE*2120")
    assert summary.carve_out is None


def test_contact_entity_on_a_non_mental_health_benefit_is_not_a_carve_out():
    summary = summary_of("EB*U**88", "LS*2120", "NM1*VN*2*TEST PHARMACY", "LE*2120")
    assert summary.carve_out is None


def test_messages_come_only_from_mental_health_benefits_without_duplicates():
    summary = summary_of("EB*B*IND*MH***27*20", "MSG*AUTH AFTER 6 VISITS", "EB*B*IND*A6",
                         "MSG*AUTH AFTER 6 VISITS", "EB*B*IND*33", "MSG*CHIRO NOTE")
    assert summary.messages == ["AUTH AFTER 6 VISITS"]


@pytest.mark.parametrize(("reason", "follow_up", "retryable"), [
    ("42", "R", True), ("42", "", True), ("42", "Y", False), ("42", "C", False),
    ("80", "P", True), ("04", "W", True), ("72", "P", True), ("72", "R", False),
    ("73", "C", False), ("75", "N", False), ("15", "C", False),
])
def test_retryable_means_the_same_request_may_succeed_later(reason, follow_up, retryable):
    decoded = response(head=[*HEAD[:-1], HEAD[-1], f"AAA*N**{reason}*{follow_up}"])
    (rejection,) = summarize(decoded).rejections
    assert (rejection.code, rejection.follow_up, rejection.retryable) == (
        reason, follow_up, retryable)
    assert isinstance(decoded.rejections()[0], Rejection)


def test_network_other_than_in_or_out_is_refused():
    with pytest.raises(ValueError, match="network"):
        summarize(response("EB*1**30"), network="both")  # type: ignore[arg-type]
