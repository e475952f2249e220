"""Which person goes in loop 2000C and which in 2000D (the TR3 rule)."""

from datetime import UTC, date, datetime

from payers.x12.x270 import Relationship
from service.domain.inquiry import CoverageData, PersonData
from service.eligibility.payer_query import build_query

CHILD = PersonData(first_name="Juniper", last_name="Falcongrove", birth_date=date(2012, 1, 30),
                   gender="U")
PARENT = PersonData(first_name="Orrin", last_name="Blackquay", birth_date=date(1978, 6, 23),
                    gender="M")


def _query(**overrides):
    data = {"member_id": "ZOB7712904", "relationship": "child", "patient": CHILD,
            "subscriber": PARENT, "subscriber_member_id": "ZOB7712904",
            "practice_name": "Northside Counseling", "provider_npi": "1234567893", **overrides}
    return build_query(CoverageData(**data), trace_number="T1", control_number=7,
                       submitted_at=datetime(2026, 11, 2, tzinfo=UTC), service_types=("MH",),
                       service_date=date(2026, 11, 10))


def test_a_child_on_the_parents_member_id_is_asked_as_a_dependent():
    inquiry = _query().inquiry
    assert inquiry.subscriber.name.last == "Blackquay"
    assert inquiry.subscriber.member_id == "ZOB7712904"
    assert inquiry.dependent is not None and inquiry.dependent.name.last == "Falcongrove"
    assert inquiry.dependent.relationship is Relationship.CHILD
    assert inquiry.dependent.member_id is None


def test_a_dependent_with_an_own_member_id_carries_it():
    inquiry = _query(member_id="ZJF2200417").inquiry
    assert inquiry.dependent is not None and inquiry.dependent.member_id == "ZJF2200417"


def test_the_patient_who_is_the_subscriber_goes_in_2000c_alone():
    query = _query(relationship="self", subscriber=None, subscriber_member_id=None)
    assert query.inquiry.dependent is None
    assert query.inquiry.subscriber.name.last == "Falcongrove"
    assert query.inquiry.service_types == ("MH",) and query.control_number == 7
    assert query.receiver.npi == "1234567893"
