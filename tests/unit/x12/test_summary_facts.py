"""Summary facts read since issue 21, one rule at a time: tiers, coverage levels, telehealth,
the provider's network status, other payers and whether mental health is reported."""

from __future__ import annotations

from decimal import Decimal

from payers.x12.summary import OtherCoverage, ProviderNetwork, Telehealth
from tests.unit.x12.reader_samples import summary_of

ACTIVE = "EB*1*IND*30*PR*ACME TEST PPO"


def test_a_zero_dollar_tier_never_hides_the_standard_tier_deductible():
    summary = summary_of("EB*C*IND*30***23*0*****Y", "MSG*HIGHEST BENEFIT",
                         "EB*C*IND*30***23*2500*****Y")
    assert summary.in_network.deductible.total == Decimal("2500")
    (tier,) = summary.in_network.tiers
    assert (tier.label, tier.deductible.total) == ("HIGHEST BENEFIT", Decimal("0"))


def test_a_labelled_row_alone_is_the_figure_itself():
    summary = summary_of("EB*C*IND*30***23*1500*****Y", "MSG*PLAN HAS AN HSA")
    assert summary.in_network.deductible.total == Decimal("1500")
    assert summary.in_network.tiers == []


def test_when_every_row_of_a_benefit_is_labelled_the_largest_is_the_standard_one():
    summary = summary_of("EB*B*IND*MH***27*0*****Y", "MSG*TIER 1 PREMIUM",
                         "EB*B*IND*MH***27*45*****Y", "MSG*TIER 2 STANDARD",
                         "EB*B*IND*MH***27*20*****Y", "MSG*TIER 1 DESIGNATED")
    assert summary.in_network.copay == Decimal("45")
    assert [(t.label, t.copay) for t in summary.in_network.tiers] == [
        ("TIER 1 PREMIUM", Decimal("0")), ("TIER 1 DESIGNATED", Decimal("20"))]


def test_a_message_that_names_no_tier_does_not_split_rows():
    summary = summary_of("EB*B*IND*MH***27*25*****Y", "MSG*PRIOR AUTHORIZATION REQUIRED",
                         "EB*B*IND*MH***27*40*****Y")
    assert summary.in_network.copay == Decimal("25")
    assert summary.in_network.tiers == []


def test_individual_figures_come_first_with_the_family_ones_beside_them():
    summary = summary_of("EB*G*FAM*30***23*9000*****Y", "EB*G*IND*30***23*4500*****Y",
                         "EB*G*FAM*30***29*7000*****Y")
    out_of_pocket = summary.in_network.out_of_pocket
    assert (out_of_pocket.total, out_of_pocket.level) == (Decimal("4500"), "individual")
    assert out_of_pocket.family is not None
    assert (out_of_pocket.family.total, out_of_pocket.family.remaining) == (
        Decimal("9000"), Decimal("7000"))


def test_family_only_figures_say_they_are_the_family_s():
    deductible = summary_of("EB*C*FAM*30***23*4000*****Y").in_network.deductible
    assert (deductible.total, deductible.level, deductible.family) == (
        Decimal("4000"), "family", None)
    assert summary_of(ACTIVE).in_network.deductible.level is None


def test_telehealth_rows_are_kept_apart_from_the_office_figures():
    summary = summary_of("EB*B*IND*MH***27*40*****Y", "III*ZZ*11",
                         "EB*B*IND*MH***27*10*****Y", "III*ZZ*10",
                         "EB*A*IND*MH***27**.2****Y", "III*ZZ*02")
    assert summary.in_network.copay == Decimal("40")
    assert summary.in_network.coinsurance is None
    assert summary.telehealth == Telehealth(Decimal("10"), Decimal("0.2"), ["02", "10"])


def test_a_row_for_the_office_and_telehealth_alike_is_no_telehealth_figure():
    summary = summary_of("EB*B*IND*MH***27*40*****Y", "III*ZZ*11", "III*ZZ*02")
    assert summary.in_network.copay == Decimal("40")
    assert summary.telehealth is None


def test_telehealth_figures_follow_the_requested_network():
    lines = ("EB*B*IND*MH***27*15*****Y", "III*ZZ*02", "EB*B*IND*MH***27*60*****N", "III*ZZ*02")
    assert summary_of(*lines).telehealth == Telehealth(Decimal("15"), None, ["02"])
    assert summary_of(*lines, network="out").telehealth == Telehealth(Decimal("60"), None,
                                                                        ["02"])


def test_the_payer_saying_the_provider_is_out_of_network_is_reported_with_its_words():
    for text in ("Provider is out of network based on NPI ID provided in request",
                 "THIS IS A NON-PARTICIPATING PROVIDER",
                 "PROVIDER IS NOT IN NETWORK FOR THIS PLAN"):
        assert summary_of(ACTIVE, f"MSG*{text}").provider_network == ProviderNetwork("out", text)


def test_the_payer_saying_the_provider_is_in_network_is_reported():
    text = "PROVIDER IS IN-NETWORK FOR THIS MEMBER"
    assert summary_of(ACTIVE, f"MSG*{text}").provider_network == ProviderNetwork("in", text)


def test_general_network_wording_says_nothing_about_the_provider_asked_about():
    for text in ("VISIT LIMIT SHARED IN AND OUT OF NETWORK",
                 "OUT OF NETWORK PROVIDERS MAY BALANCE BILL", "USE IN-NETWORK PROVIDERS"):
        assert summary_of(ACTIVE, f"MSG*{text}").provider_network == ProviderNetwork()


def test_a_benefit_naming_the_requested_npi_gives_its_network_flag():
    named = ["LS*2120", "NM1*1P*2*CALM MINDS COUNSELING TEST*****XX*1234567893", "LE*2120"]
    summary = summary_of("EB*1*IND*MH*PR********N", *named)
    assert summary.provider_network.status == "out"
    other = ["LS*2120", "NM1*1P*2*ANOTHER PRACTICE TEST*****XX*1245319599", "LE*2120"]
    assert summary_of("EB*1*IND*MH*PR********N", *other).provider_network.status == "unknown"


def test_other_payers_are_listed_from_eb_r_and_its_2120_loop():
    summary = summary_of(ACTIVE, "EB*R**30*MB", "REF*IG*TESTMBI0001", "LS*2120",
                         "NM1*PRP*2*MEDICARE TEST*****PI*00000", "LE*2120", "EB*R**30*MC")
    assert summary.other_coverage == [
        OtherCoverage("MEDICARE TEST", "00000", "TESTMBI0001", "Primary payer; Medicare Part B"),
        OtherCoverage(None, None, None, "Medicaid")]


def test_mental_health_is_reported_only_when_an_active_reply_has_a_behavioral_health_row():
    assert summary_of(ACTIVE, "EB*B*IND*98***27*35*****Y").mh_benefits_reported is False
    assert summary_of(ACTIVE, "EB*B*IND*A6***27*35*****Y").mh_benefits_reported is True
    assert summary_of("EB*6**30").mh_benefits_reported is None
