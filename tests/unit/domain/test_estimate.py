"""The client's estimated share of a visit, with Decimal arithmetic to the cent."""

from decimal import Decimal

import pytest

from service.domain.estimate import estimate
from tests.unit.domain.builders import summary


def share(copay=None, coinsurance=None, deductible=(None, None), out_of_pocket=(None, None)):
    return {"copay": copay, "coinsurance": coinsurance,
            "deductible": {"total": deductible[0], "remaining": deductible[1]},
            "out_of_pocket": {"total": out_of_pocket[0], "remaining": out_of_pocket[1]}}


def in_network(allowed, **kwargs):
    return estimate(allowed_amount=None if allowed is None else Decimal(allowed),
                    summary=summary(in_network=share(**kwargs)), network="in")


def test_a_copay_is_what_the_client_pays():
    result = estimate(allowed_amount=Decimal("120"), summary=summary(), network="in")
    assert (result["amount"], result["basis"], result["allowed_amount"]) == (
        "25.00", "copay", "120.00")


def test_a_copay_needs_no_allowed_amount():
    result = in_network(None, copay="30.00")
    assert (result["amount"], result["allowed_amount"]) == ("30.00", None)


def test_an_allowed_amount_below_the_copay_is_all_the_client_pays():
    assert in_network("20", copay="25.00")["amount"] == "20.00"


def test_the_deductible_is_paid_first_then_coinsurance_on_the_rest():
    result = in_network("120.00", coinsurance="0.2", deductible=("1000.00", "50.00"))
    # 50.00 of deductible + 20% of the remaining 70.00
    assert (result["amount"], result["basis"]) == ("64.00", "deductible_then_coinsurance")


def test_a_deductible_larger_than_the_allowed_amount_takes_all_of_it():
    result = in_network("120.00", coinsurance="0.2", deductible=("1000.00", "500.00"))
    assert (result["amount"], result["basis"]) == ("120.00", "deductible")


def test_once_the_deductible_is_met_only_coinsurance_applies():
    result = in_network("120.00", coinsurance="0.2", deductible=("1000.00", "0.00"))
    assert (result["amount"], result["basis"]) == ("24.00", "coinsurance")


@pytest.mark.parametrize(
    ("allowed", "coinsurance", "amount"),
    [("10.05", "0.5", "5.03"), ("33.33", "0.2", "6.67"), ("99.99", "0.15", "15.00")],
)
def test_coinsurance_is_rounded_half_up_to_the_cent(allowed, coinsurance, amount):
    assert in_network(allowed, coinsurance=coinsurance, deductible=("0", "0"))["amount"] == amount


def test_the_share_is_capped_at_the_out_of_pocket_remaining():
    result = in_network("120.00", coinsurance="0.2", deductible=("1000.00", "50.00"),
                        out_of_pocket=("3000.00", "30.00"))
    assert result["amount"] == "30.00"
    assert "Capped at the out-of-pocket maximum remaining (30.00)." in result["assumptions"]


def test_a_copay_is_capped_at_the_out_of_pocket_remaining_too():
    assert in_network("120", copay="25.00", out_of_pocket=("3000", "10.00"))["amount"] == "10.00"


def test_an_unknown_deductible_progress_assumes_the_whole_deductible_is_due():
    result = in_network("120.00", coinsurance="0.2", deductible=("200.00", None))
    assert (result["amount"], result["basis"]) == ("120.00", "deductible")
    assert any("assumes none of it is" in a for a in result["assumptions"])


def test_no_deductible_reported_means_coinsurance_on_the_whole_allowed_amount():
    result = in_network("120.00", coinsurance="0.2")
    assert (result["amount"], result["basis"]) == ("24.00", "coinsurance")
    assert any("no deductible" in a for a in result["assumptions"])


def test_every_assumption_is_stated():
    result = in_network("120.00", coinsurance="0.2", deductible=("1000.00", "50.00"))
    assert result["assumptions"] == [
        "Uses the plan's in-network benefits from the latest eligibility answer.",
        "Coinsurance of 20% applied to the practice's allowed amount after the deductible.",
        "Assumes no other claims are pending that would change the deductible or "
        "out-of-pocket amounts.",
    ]


def test_out_of_network_uses_its_own_benefits_and_warns_of_balance_billing():
    benefits = summary(out_of_network=share(coinsurance="0.4", deductible=("500", "0")))
    result = estimate(allowed_amount=Decimal("100"), summary=benefits, network="out")
    assert (result["amount"], result["basis"]) == ("40.00", "coinsurance")
    assert result["assumptions"][0] == (
        "Uses the plan's out-of-network benefits from the latest eligibility answer.")
    assert any("difference between the practice's fee" in a for a in result["assumptions"])


@pytest.mark.parametrize(
    ("allowed", "kwargs"),
    [(None, {"coinsurance": "0.2"}),
     ("120.00", {"deductible": ("1000.00", "0.00")}),
     ("120.00", {})],
)
def test_a_missing_figure_makes_the_estimate_unknown(allowed, kwargs):
    result = in_network(allowed, **kwargs)
    assert (result["amount"], result["basis"]) == (None, "unknown")
    assert result["assumptions"]


def test_a_deductible_alone_can_be_estimated_without_coinsurance():
    result = in_network("80.00", deductible=("1000.00", "500.00"))
    assert (result["amount"], result["basis"]) == ("80.00", "deductible")


def test_without_an_eligibility_answer_nothing_can_be_estimated():
    result = estimate(allowed_amount=Decimal("120"), summary=None, network="in")
    assert result == {"amount": None, "basis": "unknown", "allowed_amount": "120.00",
                      "assumptions": ["No eligibility answer is on file, so the client's share "
                                      "cannot be estimated."]}


def test_the_network_must_be_in_or_out():
    with pytest.raises(ValueError, match="network"):
        estimate(allowed_amount=None, summary=summary(), network="both")  # type: ignore[arg-type]


def test_a_fractional_percentage_is_written_plainly():
    result = in_network("80.00", coinsurance="0.125")
    assert result["amount"] == "10.00"
    assert "Coinsurance of 12.5% applied to the practice's allowed amount." in result[
        "assumptions"]


def test_a_negative_allowed_amount_is_refused():
    with pytest.raises(ValueError, match="allowed_amount"):
        in_network("-1.00", copay="25.00")


def test_in_a_new_plan_year_the_deductible_and_out_of_pocket_count_in_full():
    benefits = summary(in_network=share(coinsurance="0.2", deductible=("100.00", "0.00"),
                                        out_of_pocket=("3000.00", "10.00")))
    same_year = estimate(allowed_amount=Decimal("120"), summary=benefits, network="in")
    # Last year's deductible is met and 10.00 of out-of-pocket is left: the cap applies.
    assert same_year["amount"] == "10.00"
    renewed = estimate(allowed_amount=Decimal("120"), summary=benefits, network="in",
                       new_plan_year=True)
    # 100.00 of deductible + 20% of the remaining 20.00, under a fresh 3000.00 cap
    assert (renewed["amount"], renewed["basis"]) == ("104.00", "deductible_then_coinsurance")
    assert any("new plan year" in a for a in renewed["assumptions"])


def test_a_provider_the_payer_says_is_out_of_network_is_estimated_at_out_of_network_figures():
    # Given a coverage booked in network whose payer says the provider asked about is out
    stated = summary(in_network=share(copay="25.00"),
                     out_of_network=share(coinsurance="0.4", deductible=("2250", "2250")),
                     provider_network={"status": "out", "evidence": "Provider is out of network"})
    # When the visit is estimated in network
    result = estimate(allowed_amount=Decimal("150"), summary=stated, network="in")
    # Then the out-of-network deductible applies, and the estimate says why
    assert (result["amount"], result["basis"]) == ("150.00", "deductible")
    assert any("says this provider is out of network" in a for a in result["assumptions"])
    assert any("balance" in a or "difference" in a for a in result["assumptions"])


def test_a_provider_network_status_other_than_out_keeps_the_booked_network():
    for status in ("in", "unknown"):
        stated = summary(provider_network={"status": status, "evidence": None})
        result = estimate(allowed_amount=Decimal("150"), summary=stated, network="in")
        assert (result["amount"], result["basis"]) == ("25.00", "copay")
