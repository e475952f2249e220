"""271 segment parts as dataclasses (names, references, dates, contacts...) and value parsing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from payers.x12.codes import AaaReason, EntityIdentifier, FollowUpAction
from payers.x12.errors import X12ElementError

_OPEN_END = "99991231"  # payers write open-ended ranges as ...-99991231
_PAD = [""] * 20


def pad_elements(elements: list[str], size: int) -> list[str]:
    """Elements 0..size-1, empty where the segment dropped trailing elements."""
    if len(elements) >= size:
        return elements
    return elements + _PAD[: size - len(elements)]


def parse_amount(text: str, position: int, element: str) -> Decimal | None:
    """An X12 decimal (R) element as Decimal; '' is None; anything else is refused."""
    if not text:
        return None
    if text.isdigit() and text.isascii():  # the common case: a whole amount
        return Decimal(text)
    digits = text[1:] if text[0] == "-" else text
    if not (digits.isascii() and digits.replace(".", "", 1).isdigit()):
        raise X12ElementError(f"element {element} is not a decimal number", position=position,
                              segment_id=element.rstrip("0123456789"))
    return Decimal(text)


def parse_date(text: str, position: int, element: str) -> dt.date:
    """A CCYYMMDD date; anything else is refused without quoting the value."""
    if len(text) != 8 or not (text.isascii() and text.isdigit()):
        raise X12ElementError(f"element {element} is not a CCYYMMDD date", position=position,
                              segment_id=element.rstrip("0123456789"))
    try:
        return dt.date.fromisoformat(text)  # 8 ASCII digits: the basic form CCYYMMDD
    except ValueError:
        raise X12ElementError(f"element {element} is not a calendar date", position=position,
                              segment_id=element.rstrip("0123456789")) from None


def iso_date(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def decimal_text(value: Decimal | None) -> str | None:
    return str(value) if value is not None else None


@dataclass(slots=True)
class Rejection:
    """An AAA segment: the payer could not answer at this loop, and what to do next."""

    loop: str
    valid_request: bool | None
    reason: str
    follow_up: str
    position: int
    # What a clearinghouse's JSON says of it in its own words (its description and
    # resolution steps); an X12 AAA carries none.
    text: str = ""

    @property
    def reason_description(self) -> str | None:
        return AaaReason.describe(self.reason)

    @property
    def follow_up_description(self) -> str | None:
        return FollowUpAction.describe(self.follow_up)

    def to_dict(self) -> dict[str, Any]:
        return {"loop": self.loop, "valid_request": self.valid_request, "reason": self.reason,
                "reason_description": self.reason_description, "follow_up": self.follow_up,
                "follow_up_description": self.follow_up_description}


@dataclass(slots=True)
class Name:
    """NM1: who an entity is (person or organisation) and its identifier."""

    entity_id: str
    entity_type: str  # 1 person, 2 non-person
    last_or_organization: str
    first: str
    middle: str
    suffix: str
    id_qualifier: str
    identifier: str
    relationship: str  # NM110 entity relationship code (2120 loops)

    @property
    def entity_description(self) -> str | None:
        return EntityIdentifier.describe(self.entity_id)

    def to_dict(self) -> dict[str, Any]:
        return {"entity_id": self.entity_id, "entity_type": self.entity_type,
                "last_or_organization": self.last_or_organization, "first": self.first,
                "middle": self.middle, "suffix": self.suffix, "id_qualifier": self.id_qualifier,
                "identifier": self.identifier, "relationship": self.relationship}


@dataclass(slots=True)
class Reference:
    """REF: a qualified identifier (group number, plan number, prior auth number...)."""

    qualifier: str
    value: str
    description: str

    def to_dict(self) -> dict[str, Any]:
        return {"qualifier": self.qualifier, "value": self.value,
                "description": self.description}


class DateRef:
    """DTP: a qualified date or date range (D8, RD8 possibly open-ended, DT).

    The value is converted on access; an unreadable one raises X12ElementError then.
    """

    __slots__ = ("qualifier", "format", "_value", "position", "_bounds_cache")

    def __init__(self, elements: list[str], position: int) -> None:
        e = pad_elements(elements, 4)
        self.qualifier, self.format, self._value = e[1], e[2], e[3]
        self.position = position
        self._bounds_cache: tuple[dt.date | None, dt.date | None] | None = None

    @property
    def value(self) -> str:
        """DTP03 as sent."""
        return self._value

    @property
    def is_range(self) -> bool:
        return self.format == "RD8"

    @property
    def start(self) -> dt.date | None:
        return self._bounds()[0]

    @property
    def end(self) -> dt.date | None:
        """Last day; None for an open-ended range (empty or 99991231 end)."""
        return self._bounds()[1]

    def _bounds(self) -> tuple[dt.date | None, dt.date | None]:
        if self._bounds_cache is None:
            self._bounds_cache = self._parse()
        return self._bounds_cache

    def _parse(self) -> tuple[dt.date | None, dt.date | None]:
        fmt, value, position = self.format, self._value, self.position
        if fmt == "RD8":
            first, _, last = value.partition("-")
            start = parse_date(first, position, "DTP03") if first else None
            end = parse_date(last, position, "DTP03") if last and last != _OPEN_END else None
            if start is None and end is None:
                raise X12ElementError("element DTP03 is an empty date range",
                                      position=position, segment_id="DTP")
            return start, end
        if fmt == "D8":
            day = parse_date(value, position, "DTP03")
            return day, day
        if fmt == "DT":  # date and time: keep the date
            day = parse_date(value[:8], position, "DTP03")
            return day, day
        raise X12ElementError("element DTP02 is not a supported date format (D8, RD8, DT)",
                              position=position, segment_id="DTP")

    def to_dict(self) -> dict[str, Any]:
        start, end = self._bounds()
        return {"qualifier": self.qualifier, "start": iso_date(start), "end": iso_date(end),
                "is_range": self.is_range}


@dataclass(slots=True)
class Contact:
    """PER: a contact with up to three (qualifier, number) pairs (TE phone, EM, FX, UR)."""

    function: str
    name: str
    numbers: list[tuple[str, str]]

    @property
    def phone(self) -> str | None:
        return next((n for q, n in self.numbers if q == "TE"), None)

    def to_dict(self) -> dict[str, Any]:
        return {"function": self.function, "name": self.name,
                "numbers": [{"qualifier": q, "number": n} for q, n in self.numbers]}


def contact_from_per(e: list[str]) -> Contact:
    e = pad_elements(e, 9)
    numbers = [(e[i], e[i + 1]) for i in (3, 5, 7) if e[i] or e[i + 1]]
    return Contact(e[1], e[2], numbers)


@dataclass(slots=True)
class Address:
    """N3/N4: street lines, city, state, postal code, country."""

    lines: list[str] = field(default_factory=list)
    city: str = ""
    state: str = ""
    postal_code: str = ""
    country: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"lines": self.lines, "city": self.city, "state": self.state,
                "postal_code": self.postal_code, "country": self.country}


@dataclass(slots=True)
class ProviderInfo:
    """PRV: provider role code and taxonomy."""

    role: str
    qualifier: str
    taxonomy: str

    def to_dict(self) -> dict[str, Any]:
        return {"role": self.role, "qualifier": self.qualifier, "taxonomy": self.taxonomy}


@dataclass(slots=True)
class MemberInfo:
    """INS in a response: subscriber flag, relationship, and changed-identifying-data flag."""

    is_subscriber: bool
    relationship: str
    maintenance_type: str
    maintenance_reason: str
    birth_sequence: str

    @property
    def identifying_data_changed(self) -> bool:
        """INS03 '001' + INS04 '25': the payer returned different name/DOB/id than asked."""
        return self.maintenance_type == "001" and self.maintenance_reason == "25"

    def to_dict(self) -> dict[str, Any]:
        return {"is_subscriber": self.is_subscriber, "relationship": self.relationship,
                "identifying_data_changed": self.identifying_data_changed,
                "birth_sequence": self.birth_sequence}


@dataclass(slots=True)
class Trace:
    """TRN: TRN01 '2' echoes the requester's trace, '1' is added by the payer/clearinghouse."""

    trace_type: str
    reference: str
    originator: str
    supplemental: str

    def to_dict(self) -> dict[str, Any]:
        return {"trace_type": self.trace_type, "reference": self.reference,
                "originator": self.originator, "supplemental": self.supplemental}


class Demographics:
    """DMG: birth date (converted on access) and gender code."""

    __slots__ = ("_birth", "gender", "position")

    def __init__(self, elements: list[str], position: int) -> None:
        e = pad_elements(elements, 4)
        self._birth, self.gender, self.position = e[2], e[3], position

    @property
    def birth_date(self) -> dt.date | None:
        return parse_date(self._birth, self.position, "DMG02") if self._birth else None

    def to_dict(self) -> dict[str, Any]:
        return {"birth_date": iso_date(self.birth_date), "gender": self.gender}


@dataclass(slots=True, init=False)
class Party:
    """A 2100 or 2120 loop: an entity's name and everything said about it."""

    loop: str
    name: Name | None = None
    references: list[Reference] = field(default_factory=list)
    address: Address | None = None
    contacts: list[Contact] = field(default_factory=list)
    provider: ProviderInfo | None = None
    rejections: list[Rejection] = field(default_factory=list)
    demographics: Demographics | None = None
    member: MemberInfo | None = None
    dates: list[DateRef] = field(default_factory=list)
    diagnoses: list[str] = field(default_factory=list)

    # Written out: a 271 makes a party per 2100 and 2120 loop, and the generated __init__
    # calls a factory per list field.
    def __init__(self, loop: str, name: Name | None = None,
                 references: list[Reference] | None = None, address: Address | None = None,
                 contacts: list[Contact] | None = None, provider: ProviderInfo | None = None,
                 rejections: list[Rejection] | None = None,
                 demographics: Demographics | None = None, member: MemberInfo | None = None,
                 dates: list[DateRef] | None = None, diagnoses: list[str] | None = None) -> None:
        self.loop = loop
        self.name = name
        self.references = [] if references is None else references
        self.address = address
        self.contacts = [] if contacts is None else contacts
        self.provider = provider
        self.rejections = [] if rejections is None else rejections
        self.demographics = demographics
        self.member = member
        self.dates = [] if dates is None else dates
        self.diagnoses = [] if diagnoses is None else diagnoses

    def reference(self, qualifier: str) -> str | None:
        return next((r.value for r in self.references if r.qualifier == qualifier), None)

    def date(self, qualifier: str) -> DateRef | None:
        return next((d for d in self.dates if d.qualifier == qualifier), None)

    @property
    def phone(self) -> str | None:
        return next((c.phone for c in self.contacts if c.phone), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "loop": self.loop, "name": self.name.to_dict() if self.name else None,
            "references": [r.to_dict() for r in self.references],
            "address": self.address.to_dict() if self.address else None,
            "contacts": [c.to_dict() for c in self.contacts],
            "provider": self.provider.to_dict() if self.provider else None,
            "rejections": [r.to_dict() for r in self.rejections],
            "demographics": self.demographics.to_dict() if self.demographics else None,
            "member": self.member.to_dict() if self.member else None,
            "dates": [d.to_dict() for d in self.dates], "diagnoses": self.diagnoses,
        }


class ServiceDelivery:
    """HSD: a quantity per period (e.g. 20 visits per calendar year; 12 remaining)."""

    __slots__ = ("_e", "position")

    def __init__(self, elements: list[str], position: int) -> None:
        self._e = pad_elements(elements, 9)
        self.position = position

    quantity_qualifier = property(lambda self: self._e[1])
    unit = property(lambda self: self._e[3])
    time_period = property(lambda self: self._e[5])
    pattern = property(lambda self: self._e[7])
    pattern_time = property(lambda self: self._e[8])

    @property
    def quantity(self) -> Decimal | None:
        return parse_amount(self._e[2], self.position, "HSD02")

    @property
    def sample_modulus(self) -> Decimal | None:
        return parse_amount(self._e[4], self.position, "HSD04")

    @property
    def periods(self) -> Decimal | None:
        return parse_amount(self._e[6], self.position, "HSD06")

    def to_dict(self) -> dict[str, Any]:
        return {"quantity_qualifier": self.quantity_qualifier,
                "quantity": decimal_text(self.quantity),
                "unit": self.unit, "sample_modulus": decimal_text(self.sample_modulus),
                "time_period": self.time_period, "periods": decimal_text(self.periods),
                "pattern": self.pattern, "pattern_time": self.pattern_time}


@dataclass(slots=True)
class Procedure:
    """EB13 composite medical procedure: qualifier (HC, AD, N4...), code and modifiers."""

    qualifier: str
    code: str
    modifiers: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {"qualifier": self.qualifier, "code": self.code, "modifiers": self.modifiers}


def reference_from_ref(e: list[str]) -> Reference:
    p = pad_elements(e, 4)
    return Reference(p[1], p[2], p[3])


def rejection_from_aaa(e: list[str], loop: str, position: int) -> Rejection:
    p = pad_elements(e, 5)
    flag = True if p[1] == "Y" else False if p[1] == "N" else None
    return Rejection(loop, flag, p[3], p[4], position)


def name_from_nm1(e: list[str]) -> Name:
    p = pad_elements(e, 11)
    return Name(p[1], p[2], p[3], p[4], p[5], p[7], p[8], p[9], p[10])
