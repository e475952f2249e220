"""The sandbox route: every documented member id gives its documented answer."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from payers.adapters.sandbox import SandboxAdapter
from payers.base import PayerError, PayerErrorCode
from payers.directory import parse_directory
from payers.registry import PayerRegistry
from payers.x12.envelope import read_interchange
from payers.x12.parties import Dependent, PersonName, Relationship
from payers.x12.summary import summarize
from tests.unit.payers.builders import ACTIVE, FIRST, LAST, NPI, TRACE, entry, query


def _sandbox(**fields: Any) -> SandboxAdapter:
    return SandboxAdapter(entry=entry(**fields), sleep=lambda _: None)


def _summary(member_id: str):  # type: ignore[no-untyped-def]
    return summarize(_sandbox().check(query(member_id)).response)


@pytest.mark.parametrize("member_id", [ACTIVE, "ZZT0000777", "zzt0000001"])
def test_the_active_plan_reports_copay_coinsurance_and_deductible_in_both_networks(
    member_id: str,
) -> None:
    s = _summary(member_id)

    assert s.active is True
    assert (s.in_network.copay, s.in_network.coinsurance) == (Decimal(25), Decimal("0.1"))
    assert (s.in_network.deductible.total, s.in_network.deductible.remaining) == (
        Decimal(500), Decimal("125.50"))
    assert (s.in_network.out_of_pocket.total, s.in_network.out_of_pocket.remaining) == (
        Decimal(3000), Decimal(2200))
    assert (s.out_of_network.copay, s.out_of_network.coinsurance) == (
        Decimal(50), Decimal("0.4"))
    assert s.out_of_network.deductible.remaining == Decimal(1500)
    assert s.auth_required is False and s.carve_out is None and s.rejections == []
    assert s.plan.name == "SANDBOX PPO" and s.plan.group_number == "SBX-GROUP-100"
    assert (str(s.plan.begin), str(s.plan.end)) == ("2026-01-01", "2026-12-31")


def test_the_visit_limit_member_has_twenty_visits_with_eight_remaining() -> None:
    limit = _summary("ZZT0000002").visit_limit

    assert (limit.total, limit.remaining, limit.period) == (20, 8, "Calendar Year")


def test_the_july_plan_member_has_a_calendar_year_limit_in_a_plan_year_from_july() -> None:
    s = _summary("ZZT0000023")
    assert (s.visit_limit.total, s.visit_limit.remaining) == (20, 8)
    assert s.visit_limit.period == "Calendar Year"
    assert (str(s.plan.begin), str(s.plan.end)) == ("2026-07-01", "2027-06-30")
    assert s.plan.eligibility_end is None


def test_the_eligibility_end_member_ends_with_the_plan_on_31_december() -> None:
    s = _summary("ZZT0000357")
    assert s.active is True
    assert (str(s.plan.end), str(s.plan.eligibility_end)) == ("2026-12-31", "2026-12-31")
    assert _summary(ACTIVE).plan.eligibility_end is None


def test_the_auth_member_needs_authorization_and_says_so_in_a_message() -> None:
    s = _summary("ZZT0000003")

    assert s.auth_required is True
    assert s.messages == ["PRIOR AUTHORIZATION REQUIRED FOR OUTPATIENT PSYCHOTHERAPY"]


def test_the_carve_out_names_a_payer_id_the_directory_routes_to_the_bho() -> None:
    entries = parse_directory({"payers": [
        {"id": "sandbox", "name": "Sandbox", "payer_id": "SANDBOX01", "adapter": "sandbox"},
        {"id": "sandbox-bho", "name": "Sandbox BHO", "payer_id": "SANDBOXBHO",
         "adapter": "sandbox"}]})
    registry = PayerRegistry.from_directory(entries, sleep=lambda _: None)

    first = summarize(registry.check("sandbox", query("ZZT0000004")).response)
    assert first.carve_out is not None
    route = registry.route_for_payer_id(first.carve_out.payer_id or "")
    chained = summarize(registry.check(route or "", query("ZZT0000004")).response)

    assert (first.carve_out.name, first.carve_out.phone) == (
        "SANDBOX BEHAVIORAL HEALTH", "8005550142")
    assert route == "sandbox-bho"
    assert chained.active is True and chained.carve_out is None
    assert chained.in_network.copay == Decimal(25)


def test_the_inactive_member_has_a_plan_that_ended_last_year() -> None:
    s = _summary("ZZT0000005")

    assert s.active is False
    assert str(s.plan.end) == "2025-12-31"


@pytest.mark.parametrize(("member_id", "loop", "follow_up", "retryable"), [
    ("ZZT0000042", "2100A", "P", True),
    ("ZZT0000072", "2100C", "C", False),
    ("ZZT0000073", "2100C", "C", False),
    ("ZZT0000075", "2100C", "C", False),
])
def test_each_front_desk_rejection_is_data_not_an_error(
    member_id: str, loop: str, follow_up: str, retryable: bool,
) -> None:
    s = _summary(member_id)

    assert [(r.code, r.loop, r.follow_up, r.retryable) for r in s.rejections] == [
        (member_id[-2:], loop, follow_up, retryable)]
    assert s.active is None


@pytest.mark.parametrize(("member_id", "code", "reached"), [
    ("ZZT0000500", PayerErrorCode.UNAVAILABLE, False),
    ("ZZT0000502", PayerErrorCode.UNAVAILABLE, True),
    ("ZZT0000504", PayerErrorCode.TIMEOUT, True),
    ("ZZT0000991", PayerErrorCode.RESPONSE_INVALID, True),
    ("ZZT0000992", PayerErrorCode.RESPONSE_INVALID, True),
    ("ZZT0000993", PayerErrorCode.ENVELOPE_ERROR, False),
])
def test_each_fault_member_id_gives_its_documented_error(
    member_id: str, code: PayerErrorCode, reached: bool,
) -> None:
    with pytest.raises(PayerError) as caught:
        _sandbox().check(query(member_id))

    assert (caught.value.code, caught.value.reached_payer) == (code, reached)
    assert caught.value.exchange is not None
    assert caught.value.exchange.request.startswith("ISA*")


def test_the_raw_270_and_271_are_real_interchanges_with_correct_envelopes() -> None:
    answer = _sandbox().check(query(ACTIVE, control=314))

    request = read_interchange(answer.exchange.request, strict=True)
    reply = read_interchange(answer.exchange.response or "", strict=True)

    assert request.header.control_number == reply.header.control_number == "000000314"
    assert [t.set_id for t in request.transactions] == ["270"]
    assert [t.set_id for t in reply.transactions] == ["271"]
    assert (reply.header.sender_id, reply.header.receiver_id) == ("TIDE01", "COVERWATCH")
    assert reply.header.usage == "T"
    assert f"TRN*2*{TRACE}*9COVERWATC" in (answer.exchange.response or "")
    assert f"NM1*IL*1*{LAST.upper()}*{FIRST.upper()}****MI*{ACTIVE}" in (
        answer.exchange.response or "")
    assert f"NM1*1P*2*HARBORLIGHT COUNSELING*****XX*{NPI}" in (answer.exchange.response or "")
    assert answer.response.reference == TRACE


def test_a_dependent_patient_is_echoed_in_its_own_loop() -> None:
    base = query(ACTIVE)
    child = Dependent(name=PersonName(last=LAST, first="Wrenna"),
                      relationship=Relationship.CHILD)
    answer = _sandbox().check(replace(base, inquiry=replace(base.inquiry, dependent=child)))

    patient = answer.response.patients()[0]
    assert patient.dependent is not None
    assert patient.dependent.party.name is not None
    assert patient.dependent.party.name.first == "WRENNA"
    assert patient.dependent.traces[0].reference == TRACE
    assert summarize(answer.response).active is True


def test_latency_is_applied_and_latency_beyond_the_timeout_is_a_timeout() -> None:
    waits: list[float] = []
    slow = SandboxAdapter(entry=entry(sandbox_latency_ms=250, timeout_s=5),
                          sleep=waits.append)
    slow.check(query(ACTIVE))
    too_slow = SandboxAdapter(entry=entry(sandbox_latency_ms=3000, timeout_s=1),
                              sleep=waits.append)

    with pytest.raises(PayerError) as caught:
        too_slow.check(query(ACTIVE))

    assert waits == [0.25, 1.0, 0.0]
    assert caught.value.code is PayerErrorCode.TIMEOUT


def test_a_query_that_cannot_be_written_as_a_270_is_refused_before_anything_is_sent() -> None:
    with pytest.raises(PayerError) as caught:
        _sandbox().check(query(ACTIVE, last="Quarrow*by"))

    assert caught.value.code is PayerErrorCode.REQUEST_INVALID
    assert caught.value.reached_payer is False
    assert "Quarrow" not in str(caught.value)
