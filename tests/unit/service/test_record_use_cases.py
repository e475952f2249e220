"""Patient and coverage use cases on the in-memory unit of work: no database, milliseconds."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from service.domain.errors import Conflict, InvalidInput, NotFound
from service.practice import coverages, patients
from service.practice.access import Caller
from tests.support.clock import FakeClock
from tests.support.fakes import FakeUnitOfWork

PRACTICE, OTHER = uuid.uuid4(), uuid.uuid4()
CLOCK = FakeClock()
PERSON = {"first_name": "Quinlan", "last_name": "Fernsby", "birth_date": date(1988, 5, 17),
          "gender": "F", "external_id": "EHR-7"}


def caller(practice: uuid.UUID = PRACTICE) -> Caller:
    return Caller(practice_id=practice, actor="api_key:test", scopes=frozenset({"read", "write"}))


def test_the_same_external_id_updates_the_patient_and_both_are_audited():
    uow = FakeUnitOfWork()
    first, created = patients.upsert_patient(uow=uow, clock=CLOCK, caller=caller(), data=PERSON)
    again, created_again = patients.upsert_patient(
        uow=uow, clock=CLOCK, caller=caller(), data={**PERSON, "last_name": "Fernsby-Hale"})
    assert (created, created_again) == (True, False)
    assert again.id == first.id and again.last_name == "Fernsby-Hale"
    assert [(r.action, r.resource_id) for r in uow.audit_rows] == [
        ("create", str(first.id)), ("update", str(first.id))]


def test_another_practices_patient_is_not_found_and_nothing_is_written():
    uow = FakeUnitOfWork()
    mine, _ = patients.upsert_patient(uow=uow, clock=CLOCK, caller=caller(), data=PERSON)
    commits = uow.commits
    with pytest.raises(NotFound):
        patients.get_patient(uow=uow, clock=CLOCK, caller=caller(OTHER), patient_id=mine.id)
    assert uow.commits == commits and len(uow.audit_rows) == 1


def test_search_finds_by_words_of_the_name_and_audits_each_patient_read():
    uow = FakeUnitOfWork()
    for n, last in enumerate(("Fernsby", "Oakridge", "Fernhollow")):
        patients.upsert_patient(uow=uow, clock=CLOCK, caller=caller(),
                                data={**PERSON, "last_name": last, "external_id": f"E-{n}"})
    rows, total = patients.search_patients(uow=uow, clock=CLOCK, caller=caller(),
                                           external_id=None, q="fern", offset=0, limit=10)
    assert total == 2 and [p.last_name for p in rows] == ["Fernhollow", "Fernsby"]
    assert [r.action for r in uow.audit_rows[-2:]] == ["read", "read"]


def test_taking_another_patients_external_id_is_a_field_error():
    uow = FakeUnitOfWork()
    patients.upsert_patient(uow=uow, clock=CLOCK, caller=caller(), data=PERSON)
    other, _ = patients.upsert_patient(uow=uow, clock=CLOCK, caller=caller(),
                                       data={**PERSON, "external_id": "EHR-8"})
    with pytest.raises(InvalidInput) as refused:
        patients.update_patient(uow=uow, clock=CLOCK, caller=caller(), patient_id=other.id,
                                data={"external_id": "EHR-7"})
    assert "external_id" in refused.value.errors


def test_a_coverage_needs_the_practices_own_patient_and_a_payer_of_the_directory():
    uow = FakeUnitOfWork()
    patient, _ = patients.upsert_patient(uow=uow, clock=CLOCK, caller=caller(), data=PERSON)
    data = {"payer": "sandbox", "member_id": "ZZT0000001", "relationship": "self"}
    with pytest.raises(NotFound):
        coverages.create_coverage(uow=uow, clock=CLOCK, caller=caller(OTHER),
                                  patient_id=patient.id, data=data, payer_ids={"sandbox"})
    with pytest.raises(InvalidInput):
        coverages.create_coverage(uow=uow, clock=CLOCK, caller=caller(), patient_id=patient.id,
                                  data={**data, "payer": "elsewhere"}, payer_ids={"sandbox"})
    made = coverages.create_coverage(uow=uow, clock=CLOCK, caller=caller(),
                                     patient_id=patient.id, data=data, payer_ids={"sandbox"})
    rows, total = coverages.list_coverages(uow=uow, clock=CLOCK, caller=caller(),
                                           patient_id=patient.id, offset=0, limit=5)
    assert total == 1 and rows[0].id == made.id
    assert (made.priority, made.network_status) == ("primary", "in")


def test_a_second_active_card_or_priority_of_a_patient_is_a_conflict_until_one_is_ended():
    uow = FakeUnitOfWork()
    patient, _ = patients.upsert_patient(uow=uow, clock=CLOCK, caller=caller(), data=PERSON)

    def add(member_id: str, priority: str = "primary") -> object:
        return coverages.create_coverage(
            uow=uow, clock=CLOCK, caller=caller(), patient_id=patient.id, payer_ids={"sandbox"},
            data={"payer": "sandbox", "member_id": member_id, "relationship": "self",
                  "priority": priority})

    first = add("ZZT0000001")
    for member_id, priority, code in (("ZZT0000001", "secondary", "COVERAGE_DUPLICATE"),
                                      ("ZZT0000002", "primary", "COVERAGE_PRIORITY_TAKEN")):
        with pytest.raises(Conflict) as refused:
            add(member_id, priority)
        assert (refused.value.code, refused.value.ids) == (code, {"coverage_id": str(first.id)})
    ended = coverages.update_coverage(uow=uow, clock=CLOCK, caller=caller(), coverage_id=first.id,
                                      data={"status": "ended"}, payer_ids={"sandbox"})
    assert (ended.status, ended.end_date) == ("ended", CLOCK().date())
    assert add("ZZT0000001").status == "active"
