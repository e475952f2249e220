"""Verdict reasons from what the payer said beside the figures."""

from service.domain.payer_facts import payer_fact_reasons, provider_out_of_network
from tests.unit.domain.builders import summary

OUT = {"status": "out",
       "evidence": "Provider is out of network based on NPI ID provided in request"}


def test_an_out_of_network_provider_warns_only_when_the_coverage_is_booked_in_network():
    stated = summary(provider_network=OUT)
    (found,) = payer_fact_reasons("in", stated)
    assert (found.code, found.severity) == ("PROVIDER_OUT_OF_NETWORK", "warn")
    assert found.data == {"evidence": OUT["evidence"]}
    assert payer_fact_reasons("out", stated) == []
    assert provider_out_of_network("in", stated) and not provider_out_of_network("out", stated)


def test_other_coverage_names_each_payer_and_never_carries_member_ids():
    stated = summary(other_coverage=[
        {"payer_name": "MEDICARE PART B TEST", "payer_id": "00000", "member_id": "TESTMBI0001",
         "hint": "Primary payer"},
        {"payer_name": None, "payer_id": None, "member_id": None, "hint": "Medicaid"}])
    (found,) = payer_fact_reasons("in", stated)
    assert found.code == "OTHER_COVERAGE_REPORTED"
    assert "MEDICARE PART B TEST, payer ID 00000; a payer not named" in found.message
    assert "TESTMBI0001" not in found.message and "TESTMBI0001" not in str(found.data)


def test_mental_health_left_unsaid_tells_the_front_desk_to_call_the_payer():
    (found,) = payer_fact_reasons("in", summary(mh_benefits_reported=False))
    assert found.code == "MH_BENEFITS_NOT_REPORTED" and "call the payer" in found.message
    assert payer_fact_reasons("in", summary(mh_benefits_reported=None)) == []


def test_a_summary_stored_before_these_facts_gives_no_reason():
    assert payer_fact_reasons("in", summary()) == []
    assert not provider_out_of_network("in", None)
