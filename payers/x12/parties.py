"""The people and organizations a 270 or 278 names, and how each becomes segments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from payers.x12.build import Element, Segment, X12BuildError, require, seg, upper


class Gender(StrEnum):
    """DMG03 gender code."""

    FEMALE = "F"
    MALE = "M"
    UNKNOWN = "U"


class Relationship(StrEnum):
    """INS02: how a dependent patient is related to the subscriber."""

    SPOUSE = "01"
    CHILD = "19"
    OTHER_ADULT = "34"


@dataclass(frozen=True, kw_only=True)
class PersonName:
    """A person's name as the card shows it; the builders upper-case it."""

    last: str
    first: str | None = None
    middle: str | None = None
    suffix: str | None = None


@dataclass(frozen=True, kw_only=True)
class InformationSource:
    """The payer asked (loop 2100A); ``payer_id`` is the id its connection expects."""

    name: str
    payer_id: str
    id_qualifier: str = "PI"


@dataclass(frozen=True, kw_only=True)
class InformationReceiver:
    """The provider asking (loop 2100B): an organization or a person, always with an NPI."""

    npi: str
    organization_name: str | None = None
    person: PersonName | None = None


@dataclass(frozen=True, kw_only=True)
class Subscriber:
    """The member whose id is on the card."""

    member_id: str
    name: PersonName
    birth_date: date | None = None
    gender: Gender | None = None


@dataclass(frozen=True, kw_only=True)
class Dependent:
    """A patient covered through the subscriber; with an own member id it is sent as subscriber."""

    name: PersonName
    birth_date: date | None = None
    gender: Gender | None = None
    relationship: Relationship | None = None
    member_id: str | None = None


def check_npi(npi: str, name: str) -> str:
    """A 10-digit NPI whose Luhn check digit (with the 80840 prefix) is right."""
    npi = require(npi, name)
    if len(npi) != 10 or not npi.isascii() or not npi.isdigit():
        raise X12BuildError(f"{name} must be 10 digits")
    total = 0
    for index, digit in enumerate(reversed("80840" + npi[:-1])):
        value = int(digit) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    if (10 - total % 10) % 10 != int(npi[-1]):
        raise X12BuildError(f"{name} fails the NPI check digit")
    return npi


def name_elements(name: PersonName, field: str) -> tuple[Element, ...]:
    """NM103..NM107 for a person, upper-cased because many payers match upper case only."""
    return (
        upper(require(name.last, f"{field}.last")),
        _upper(name.first), _upper(name.middle), None, _upper(name.suffix),
    )


def originator(value: str) -> str:
    """TRN03: '1' plus an EIN or '9' plus another 9-character id."""
    value = require(value, "trace_originator")
    if len(value) != 10 or value[0] not in "19":
        raise X12BuildError("trace_originator must be 10 characters starting with 1 or 9")
    return value


def dmg(birth_date: date | None, gender: Gender | None, field: str) -> list[Segment]:
    if birth_date is None:
        if gender is not None:
            raise X12BuildError(f"{field}.gender needs {field}.birth_date")
        return []
    return [seg("DMG", "D8", birth_date.strftime("%Y%m%d"),
                Gender(gender).value if gender else None)]


def provider_name(provider: InformationReceiver, field: str) -> Segment:
    """NM1*1P for a provider identified by NPI, as a person or an organization."""
    npi = check_npi(provider.npi, f"{field}.npi")
    if (provider.organization_name is None) == (provider.person is None):
        raise X12BuildError(f"{field} needs exactly one of organization_name and person")
    if provider.person is not None:
        return seg("NM1", "1P", "1", *name_elements(provider.person, f"{field}.person"),
                   "XX", npi)
    organization = upper(require(provider.organization_name, f"{field}.organization_name"))
    return seg("NM1", "1P", "2", organization, None, None, None, None, "XX", npi)


def opening(
    *, structure: str, reference: str, stamp: datetime, payer: InformationSource,
    payer_entity: str, payer_field: str, provider: InformationReceiver, provider_field: str,
) -> list[Segment]:
    """BHT, then the payer's and the provider's levels with their names: how a 270 or a 278
    opens."""
    return [
        seg("BHT", structure, "13", require(reference, "reference"),
            stamp.strftime("%Y%m%d"), stamp.strftime("%H%M")),
        seg("HL", "1", None, "20", "1"),
        seg("NM1", payer_entity, "2", upper(require(payer.name, f"{payer_field}.name")), None,
            None, None, None, require(payer.id_qualifier, f"{payer_field}.id_qualifier"),
            require(payer.payer_id, f"{payer_field}.payer_id")),
        seg("HL", "2", "1", "21", "1"),
        provider_name(provider, provider_field),
    ]


def has_dependent_level(dependent: Dependent | None) -> bool:
    """TR3: a patient with an own member id is sent as the subscriber; the dependent level
    (2000D) is only for the others."""
    return dependent is not None and not (dependent.member_id or "").strip(" ")


def as_subscriber(dependent: Dependent) -> Subscriber:
    """A dependent with an own member id, as it is sent: the subscriber."""
    return Subscriber(member_id=dependent.member_id or "", name=dependent.name,
                      birth_date=dependent.birth_date, gender=dependent.gender)


def subscriber_segments(subscriber: Subscriber, field: str) -> list[Segment]:
    """NM1*IL and DMG of the subscriber's name loop."""
    return [
        seg("NM1", "IL", "1", *name_elements(subscriber.name, f"{field}.name"), "MI",
            require(subscriber.member_id, f"{field}.member_id")),
        *dmg(subscriber.birth_date, subscriber.gender, field),
    ]


def dependent_segments(dependent: Dependent, entity: str) -> list[Segment]:
    """NM1 (entity 03 in a 270, QC in a 278), DMG and INS of the dependent's name loop."""
    relationship = Relationship(dependent.relationship) if dependent.relationship else None
    return [
        seg("NM1", entity, "1", *name_elements(dependent.name, "dependent.name")),
        *dmg(dependent.birth_date, dependent.gender, "dependent"),
        *([seg("INS", "N", relationship.value)] if relationship else []),
    ]


def _upper(value: str | None) -> str | None:
    return upper(value.strip(" ")) if value and value.strip(" ") else None
