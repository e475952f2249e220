"""Turning a coverage and its patient into the people of a 270 eligibility inquiry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from payers.x12.x270 import (
    Dependent,
    EligibilityInquiry,
    Gender,
    InformationReceiver,
    PersonName,
    Relationship,
    Subscriber,
)

RELATIONSHIPS = {"spouse": Relationship.SPOUSE, "child": Relationship.CHILD,
                 "other": Relationship.OTHER_ADULT}


@dataclass(frozen=True, kw_only=True)
class PersonData:
    first_name: str
    last_name: str
    birth_date: date | None  # a subscriber's may be unknown
    gender: str


@dataclass(frozen=True, kw_only=True)
class CoverageData:
    """What the payer needs to know, read in the first short transaction."""

    member_id: str
    relationship: str
    patient: PersonData
    subscriber: PersonData | None
    subscriber_member_id: str | None
    practice_name: str
    provider_npi: str


def inquiry_for(
    data: CoverageData, *, trace_number: str, service_types: tuple[str, ...],
    service_date: date | None,
) -> tuple[EligibilityInquiry, InformationReceiver]:
    """The coverage's people (see `people`) asking for these service types."""
    subscriber, dependent = people(
        member_id=data.member_id, relationship=data.relationship, patient=data.patient,
        subscriber=data.subscriber, subscriber_member_id=data.subscriber_member_id)
    inquiry = EligibilityInquiry(
        subscriber=subscriber, dependent=dependent, trace_number=trace_number,
        service_types=service_types, service_date=service_date,
    )
    receiver = InformationReceiver(npi=data.provider_npi, organization_name=data.practice_name)
    return inquiry, receiver


def people(
    *, member_id: str, relationship: str, patient: PersonData, subscriber: PersonData | None,
    subscriber_member_id: str | None,
) -> tuple[Subscriber, Dependent | None]:
    """The TR3 rule: the patient goes in 2000C when they are the subscriber or have their own
    member id; otherwise the subscriber goes in 2000C and the patient in 2000D."""
    if relationship == "self" or subscriber is None:
        return _subscriber(patient, member_id), None
    holder = _subscriber(subscriber, subscriber_member_id or member_id)
    own_id = member_id if member_id != holder.member_id else None
    return holder, Dependent(
        name=_name(patient), birth_date=patient.birth_date, gender=Gender(patient.gender),
        relationship=RELATIONSHIPS[relationship], member_id=own_id)


def _name(person: PersonData) -> PersonName:
    return PersonName(last=person.last_name, first=person.first_name)


def _subscriber(person: PersonData, member_id: str) -> Subscriber:
    return Subscriber(member_id=member_id, name=_name(person), birth_date=person.birth_date,
                      gender=Gender(person.gender))
