"""An EHR's Appointment read field by field: what a verdict needs, checked as FHIR says."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from service.cds.appointment_reader import AppointmentFaults, read

CPT = "http://www.ama-assn.org/go/cpt"
NPI = "http://hl7.org/fhir/sid/us-npi"


def appointment(**changes):
    resource = {
        "resourceType": "Appointment", "id": "appt-1", "status": "proposed",
        "start": "2027-01-05T10:00:00-05:00", "end": "2027-01-05T10:53:00-05:00",
        "serviceType": [{"coding": [{"system": CPT, "code": "90837"}]}],
        "participant": [{"actor": {"reference": "Patient/ehr-1"}, "status": "accepted"},
                        {"actor": {"identifier": {"system": NPI, "value": "1234567893"}},
                         "status": "accepted"}]}
    resource.update(changes)
    return {k: v for k, v in resource.items() if v is not None}


def faults_of(resource):
    with pytest.raises(AppointmentFaults) as raised:
        read(resource)
    return raised.value.faults


def test_the_elements_a_verdict_needs_are_read_with_their_zone():
    found = read(appointment())
    assert found["id"] == "appt-1"
    assert found["start"] == datetime(2027, 1, 5, 10, tzinfo=timezone(timedelta(hours=-5)))
    assert found["end"] - found["start"] == timedelta(minutes=53)
    assert found["codings"] == [(CPT, "90837")]
    assert found["actors"] == [(NPI, "1234567893")]


def test_a_utc_instant_and_elements_not_read_are_accepted():
    found = read(appointment(start="2027-01-05T15:00:00Z", end=None,
                             comment="free text", reasonCode=[{"text": "x"}]))
    assert found["start"] == datetime(2027, 1, 5, 15, tzinfo=UTC) and found["end"] is None


def test_the_cpt_extension_is_read_by_value_code_or_coding():
    url = "https://coverwatch.dev/fhir/StructureDefinition/appointment-cpt"
    found = read(appointment(extension=[{"url": url, "valueCode": "90834"},
                                        {"url": url, "valueCoding": {"code": "90837"}}]))
    assert found["extensions"] == [(url, "90834", None), (url, None, "90837")]


@pytest.mark.parametrize(("changes", "fault"), [
    ({"status": None}, "status (missing)"),
    ({"status": "scheduled"}, "status (code)"),
    ({"participant": None}, "participant (missing)"),
    ({"participant": []}, "participant (missing)"),
    ({"participant": [{"actor": {"reference": "Patient/1"}}]}, "participant.0.status (missing)"),
    ({"participant": "Patient/1"}, "participant (list_of_objects)"),
    ({"start": "2027-01-05T10:00:00"}, "start (instant_type)"),
    ({"start": "2027-01-05"}, "start (instant_type)"),
    ({"end": "2027-02-30T10:00:00Z"}, "end (instant_type)"),
    ({"start": 1735689600}, "start (instant_type)"),
    ({"id": "has spaces"}, "id (id_pattern)"),
    ({"serviceType": {"coding": []}}, "serviceType (list_of_objects)"),
    ({"serviceType": [{"coding": [{"system": CPT, "code": 90837}]}]},
     "serviceType.0.coding.0.code (string_type)"),
    ({"extension": [{"valueCode": "90837"}]}, "extension.0.url (missing)"),
    ({"participant": [{"status": "accepted", "actor": "Patient/1"}]},
     "participant.0.actor (object_type)"),
])
def test_each_fault_is_named_by_its_path_and_kind(changes, fault):
    assert fault in faults_of(appointment(**changes))


def test_every_fault_is_reported_at_once_and_no_value_is_repeated():
    faults = faults_of(appointment(status="Jane Doe", start="Jane Doe 1980-01-01",
                                   participant=None))
    assert faults == ["participant (missing)", "start (instant_type)", "status (code)"]
    assert not any("Jane" in fault or "1980" in fault for fault in faults)
