"""The public sample corpus (read in place, never copied): every file reads or is refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from payers.x12 import X12ElementError, X12Error, X12SyntaxError, read_interchange
from payers.x12.summary import summarize
from payers.x12.x271 import Eligibility271, read_271, read_271s

REPO = Path(__file__).resolve().parents[3]
CORPUS = REPO.parent / "shared" / "x12-corpus"
FILES = sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name != "SOURCES.md")
SKIP = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"X12 corpus not found at {CORPUS}")

# Refused on purpose: their ISA is not fixed width (padding removed or shortened).
REFUSED = {
    "uhin-x12-parser/TA1.edi": "element ISA02 has 1 characters, expected 10",
    "oopfactory-x12/INS/_271/_4010/From_tcplex.txt": "element ISA08 has 14 characters, "
                                                     "expected 15",
}
# Structurally readable, but holding placeholder text where dates belong ("Birth Date").
PLACEHOLDERS = {"oopfactory-x12/INS/_271/_4010/Example1_DHHS.txt"}


def _name(path: Path) -> str:
    return path.relative_to(CORPUS).as_posix()


def _read(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def _one_271(name: str) -> Eligibility271:
    (response,) = read_271s(_read(name))
    return response


@SKIP
def test_the_corpus_holds_the_58_files_its_sources_list():
    assert len(FILES) == 58


@SKIP
@pytest.mark.parametrize("path", FILES, ids=_name)
def test_every_corpus_file_is_read_or_refused_with_a_typed_error(path: Path):
    name = _name(path)
    if name in REFUSED:
        with pytest.raises(X12SyntaxError) as refused:
            read_interchange(path.read_bytes())
        assert REFUSED[name] in str(refused.value)
        assert refused.value.position == 1
        return
    interchange = read_interchange(path.read_bytes())
    assert interchange.groups or interchange.ta1
    for transaction in interchange.transactions:
        assert transaction.segments[0][0] == "ST"
        assert transaction.segments[-1][0] == "SE"
        if transaction.set_id != "271":
            continue
        response = read_271(transaction)
        if name in PLACEHOLDERS:
            with pytest.raises(X12ElementError):
                response.to_dict()
        else:
            assert response.to_dict()["set_id"] == "271"
        for patient in response.patients() or [None]:
            for network in ("in", "out"):
                summarize(response, patient=patient, network=network).to_json_dict()


@SKIP
def test_tr3_subscriber_response_gives_plan_and_both_network_copays():
    response = _one_271("linuxforhealth-x12/subscriber-health-benefit-check.271")
    summary = summarize(response)
    assert summary.active is True
    assert summary.plan.name == "GOLD 123 PLAN"
    assert summary.plan.begin == dt.date(2006, 1, 1)
    assert summary.in_network.copay == Decimal("10")
    assert summary.out_of_network.copay == Decimal("30")
    (subscriber,) = response.levels("C")
    pcp = next(b for b in subscriber.benefits if b.code == "L")
    assert [e.name.entity_id for e in pcp.entities if e.name] == ["P3"]
    copay = subscriber.benefits[3]
    assert copay.service_types == ["1", "33", "35", "47", "86", "88", "98", "AL", "MH", "UC"]
    assert (copay.time_period, copay.network) == ("27", "Y")


@SKIP
def test_receiver_rejection_is_reported_with_its_loop_and_the_control_mismatch_warns():
    interchange = read_interchange(_read(
        "linuxforhealth-x12/subscriber-health-benefit-check-error.271"))
    assert [w.code for w in interchange.warnings] == ["ST02_SE02"]
    response = read_271(interchange.transactions[0])
    assert response.patients() == []
    summary = summarize(response).to_json_dict()
    assert summary["active"] is None
    assert summary["rejections"] == [{
        "code": "50", "description": "Provider Ineligible for Inquiries", "follow_up": "N",
        "loop": "2100B", "retryable": False}]


@SKIP
def test_dependent_response_reports_benefits_in_2110d_and_the_relationship():
    response = _one_271("linuxforhealth-x12/dependent-health-benefit-check.271")
    (patient,) = response.patients()
    assert patient.dependent is not None
    assert patient.dependent.party.member is not None
    assert patient.dependent.party.member.relationship == "19"
    assert {b.loop for b in patient.dependent.benefits} == {"2110D"}
    assert patient.subscriber.benefits == []
    assert summarize(response).in_network.copay == Decimal("10")


@SKIP
def test_payer_unable_to_respond_is_a_retryable_subscriber_rejection():
    response = _one_271("oopfactory-x12/INS/_270/_5010/From_georgiosd.txt")
    (rejection,) = summarize(response).rejections
    assert (rejection.code, rejection.follow_up, rejection.loop) == ("42", "R", "2100C")
    assert rejection.retryable is True


@SKIP
def test_aaa_at_every_level_is_kept_with_its_loop():
    response = _one_271("oopfactory-x12-hipaa-tests/_271/_5010/ValidationOnAll.txt")
    found = [(r.loop, r.reason, r.follow_up) for r in response.rejections()]
    assert ("2000A", "79", "N") in found
    assert ("2100B", "41", "C") in found
    assert ("2100D", "35", "N") in found
    assert found[-2:] == [("2110D", "52", "N"), ("2110D", "60", "W")]
    assert len(found) == 10


@SKIP
def test_subscriber_not_identified_lists_every_aaa_in_order():
    response = _one_271("tigershark-slott56/271-example.txt")
    codes = [(r.code, r.follow_up, r.loop) for r in summarize(response).rejections]
    assert codes == [("72", "C", "2100C"), ("73", "C", "2100C"), ("73", "C", "2100C"),
                     ("58", "C", "2100C")]
    (subscriber,) = response.levels("C")
    plan_date = subscriber.party.date("291")
    assert plan_date is not None and plan_date.start is not None


@SKIP
def test_hsd_visit_limits_and_place_of_service_scoping_are_decoded():
    response = _one_271("tigershark-zentist/271-example-3.txt")
    (subscriber,) = response.levels("C")
    limit, remaining = [h for b in subscriber.benefits if b.code == "F"
                        and b.service_types == ["33"] for h in b.deliveries]
    assert (limit.quantity_qualifier, limit.quantity, limit.time_period, limit.periods) == (
        "VS", Decimal(35), "21", Decimal(1))
    assert (remaining.quantity, remaining.time_period) == (Decimal(35), "29")
    assert ("ZZ", "11") in [p for b in subscriber.benefits for p in b.places]
    assert any("MH" in b.service_types for b in subscriber.benefits)
    assert "UC" in subscriber.benefits[-1].service_types
    # The chiropractic visit limit is not a mental-health one.
    assert summarize(response).visit_limit.total is None


@SKIP
def test_missing_terminator_is_recovered_with_a_warning_and_network_amounts_split():
    interchange = read_interchange(_read("tigershark-zentist/271-example-in-out-network.txt"))
    assert "MISSING_TERMINATOR" in [w.code for w in interchange.warnings]
    summary = summarize(read_271(interchange.transactions[0]))
    assert summary.in_network.copay == Decimal("50")
    assert summary.out_of_network.copay == Decimal("100")
    assert summary.in_network.deductible.total == Decimal("118")
    assert summary.in_network.deductible.remaining == Decimal("0")
    assert summary.in_network.out_of_pocket.total == Decimal("1500")


@SKIP
def test_psychotherapy_coinsurance_comes_from_the_a6_benefit():
    response = _one_271("tigershark-slott56/271-example-2.txt")
    summary = summarize(response)
    assert summary.in_network.coinsurance == Decimal("0.2")
    assert summary.in_network.copay == Decimal("0")
    assert summary.plan.name == "MANAGED INDEMNITY"
    assert summary.plan.group_number == "00000"
    (subscriber,) = response.levels("C")
    assert subscriber.party.member is not None
    assert subscriber.party.member.identifying_data_changed is True
    assert [t.trace_type for t in subscriber.traces] == ["2", "1", "1"]


@SKIP
def test_medicare_response_with_pipe_components_decodes_ranges_and_procedures():
    interchange = read_interchange(_read("oopfactory-x12/INS/_271/_4010/Example3_CMS_HETS.txt"))
    assert interchange.delimiters.component == "|"
    response = read_271(interchange.transactions[0])
    benefits = response.levels("C")[0].benefits
    procedures = [b.procedure for b in benefits if b.procedure is not None]
    assert procedures[0].qualifier == "HC" and procedures[0].code == "90669"
    admission = next(d for b in benefits for d in b.dates if d.qualifier == "435")
    assert (admission.start, admission.end) == (dt.date(2008, 8, 13), dt.date(2008, 8, 30))
    assert {"MA", "MB"} <= {b.insurance_type for b in benefits}


@SKIP
def test_carriage_return_terminator_with_trailing_spaces_reads_clean_values():
    interchange = read_interchange(_read("oopfactory-x12/INS/_271/_4010/Example2_TMHP.txt"))
    assert interchange.delimiters.segment == "\r"
    response = read_271(interchange.transactions[0])
    assert response.control_number == "COMP1420"
    (subscriber,) = response.levels("C")
    assert [(t.trace_type, t.originator) for t in subscriber.traces][0] == ("1", "3617591011")
    assert summarize(response).plan.name == "PLANABBVDE"


@SKIP
def test_open_ended_range_and_2120_without_name_are_read():
    response = _one_271("tigershark-slott56/271-related-entity.txt")
    (dependent,) = response.levels("D")
    plan = dependent.party.date("291")
    assert plan is not None
    assert (plan.start, plan.end, plan.is_range) == (dt.date(2012, 1, 1), None, True)
    nameless = [e for b in dependent.benefits for e in b.entities if e.name is None]
    assert nameless and nameless[0].address is not None
    summary = summarize(response)
    assert (summary.plan.begin, summary.plan.end) == (dt.date(2012, 1, 1), None)
    assert summary.plan.group_number == "55555G"
    assert summary.in_network.out_of_pocket.total == Decimal("500")
    assert summary.in_network.out_of_pocket.remaining == Decimal("460")


@SKIP
def test_placeholder_birth_date_is_refused_on_access_with_its_segment_number():
    response = _one_271("oopfactory-x12/INS/_271/_4010/Example1_DHHS.txt")
    (subscriber,) = response.levels("C")
    assert subscriber.party.demographics is not None
    with pytest.raises(X12ElementError) as refused:
        _ = subscriber.party.demographics.birth_date
    assert (refused.value.position, refused.value.segment_id) == (19, "DMG")
    assert "Birth Date" not in str(refused.value)
    assert [r.reason for r in response.rejections()] == ["RC", "RC", "RC"]


@SKIP
def test_multiple_groups_and_sets_are_kept_apart():
    interchange = read_interchange(_read("pyx12/834_lui_id_5010.999.txt"))
    assert [len(g.transactions) for g in interchange.groups] == [2, 2]
    assert {t.set_id for t in interchange.transactions} == {"999"}
    starts = [t.start for t in interchange.transactions]
    assert starts == sorted(starts) and len(set(starts)) == 4


@SKIP
def test_ta1_segments_directly_inside_the_interchange_are_collected():
    interchange = read_interchange(_read(
        "oopfactory-x12/Acknowledgments/TechnicalAcknowledgment_Sample1.txt"))
    assert len(interchange.ta1) == 2 and interchange.groups == []
    assert interchange.warnings == []
    odd = read_interchange(_read(
        "oopfactory-x12/Acknowledgments/TechnicalAcknowledgment_SampleFromJeffN825.txt"))
    assert (odd.delimiters.element, odd.delimiters.component) == (">", "+")
    assert odd.ta1[0][4:6] == ["R", "006"]


@SKIP
def test_group_separator_and_newline_terminators_are_detected():
    gs = read_interchange(_read("oopfactory-x12/INS/_270/_5010/Example1_IG_0x1D.txt"))
    assert gs.delimiters.segment == "\x1d"
    assert gs.transactions[0].segments[1][0] == "BHT"
    lf = read_interchange(_read(
        "mulesoft-x12-270/generic request by clinic for patient - 270 - 2.edi"))
    assert lf.delimiters.segment == "\n"
    assert lf.delimiters.repetition is None
    assert [w.code for w in lf.warnings] == ["ISA13_IEA02"]


@SKIP
def test_clashing_repetition_and_component_separators_are_tolerated_with_a_warning():
    interchange = read_interchange(_read("oopfactory-x12/INS/_271/_5010/Example_3_1_2.txt"))
    assert "DELIMITER_CLASH" in [w.code for w in interchange.warnings]
    with pytest.raises(X12SyntaxError, match="repetition separator equals"):
        read_interchange(_read("oopfactory-x12/INS/_271/_5010/Example_3_1_2.txt"), strict=True)
    response = read_271(interchange.transactions[0])
    copay = [b for b in response.levels("C")[0].benefits if b.code == "B"]
    assert "MH" in copay[0].service_types


@SKIP
def test_wrong_group_control_number_warns_and_strict_mode_refuses_it():
    data = _read("tigershark-slott56/271-dependent-benefits.txt")
    codes = [w.code for w in read_interchange(data).warnings]
    assert codes == ["SE01_COUNT", "GS06_GE02", "ISA13_IEA02"]
    with pytest.raises(X12Error, match="SE01 does not match"):
        read_interchange(data, strict=True)
