"""The few fields the CDS services read from an EHR's FHIR resources (R4B models parse a
Patient and a Coverage; an Appointment, on every call, is read field by field)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any, TypeVar

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.coverage import Coverage
from fhir.resources.R4B.patient import Patient
from pydantic import ValidationError

from service.cds import appointment_reader
from service.domain.errors import InvalidInput

T = TypeVar("T")

CPT_SYSTEM = "http://www.ama-assn.org/go/cpt"
NPI_SYSTEM = "http://hl7.org/fhir/sid/us-npi"
# For EHRs that keep the procedure code off serviceType: valueCode or valueCoding (CPT).
CPT_EXTENSION = "https://coverwatch.dev/fhir/StructureDefinition/appointment-cpt"
GENDERS = {"male": "M", "female": "F"}
RELATIONSHIPS = ("self", "spouse", "child", "other")


@dataclass(frozen=True)
class EhrPatient:
    """What a patient created from the EHR's record holds (names, birth date, gender)."""

    first_name: str | None
    last_name: str | None
    birth_date: date | None
    gender: str

    def as_record(self) -> dict[str, Any] | None:
        """Our patient's fields, or None when the EHR's record lacks one we need."""
        if not (self.first_name and self.last_name and self.birth_date):
            return None
        return {"first_name": self.first_name, "last_name": self.last_name,
                "birth_date": self.birth_date, "gender": self.gender}


@dataclass(frozen=True)
class EhrCoverage:
    """A card as the EHR knows it: the payer's identifiers, member id, relationship."""

    payers: tuple[str, ...]
    member_id: str | None
    relationship: str


@dataclass(frozen=True)
class EhrAppointment:
    """A proposed visit: its date (in its own time zone), procedure code, minutes, provider."""

    id: str | None
    day: date | None
    code: str | None
    minutes: int | None
    provider_npi: str | None


def patient(raw: Any, *, where: str) -> EhrPatient:
    found = _parse(Patient, raw, where)
    name = next(iter(found.name or ()), None)
    given = next(iter((name.given or ()) if name else ()), None)
    return EhrPatient(first_name=given, last_name=name.family if name else None,
                      birth_date=found.birthDate if isinstance(found.birthDate, date) else None,
                      gender=GENDERS.get(found.gender or "", "U"))


def coverages(raw: Any, *, where: str) -> list[EhrCoverage]:
    """A Coverage or a searchset Bundle of them (what the prefetch template asks for)."""
    found = []
    for cover in _resources("Coverage", partial(_parse, Coverage), raw, where):
        if cover.status not in (None, "active"):
            continue
        payers = tuple(ref.identifier.value for ref in cover.payor or ()
                       if ref.identifier is not None and ref.identifier.value)
        member = cover.subscriberId or next(
            (ident.value for ident in cover.identifier or () if ident.type is not None
             and any(c.code == "MB" for c in ident.type.coding or ())), None)
        relation = next((c.code for c in (cover.relationship.coding or ())
                         if c.code in RELATIONSHIPS), "self") if cover.relationship else "self"
        found.append(EhrCoverage(payers=payers, member_id=member, relationship=relation))
    return found


def appointments(raw: Any, *, where: str) -> list[EhrAppointment]:
    """An appointment-book context's Bundle of Appointments (or a searchset of them)."""
    return _resources("Appointment", _appointment, raw, where)


def _appointment(raw: Any, where: str) -> EhrAppointment:
    if _type(raw) != "Appointment":
        raise InvalidInput({where: ["Expected a FHIR Appointment resource."]})
    try:
        found = appointment_reader.read(raw)
    except appointment_reader.AppointmentFaults as error:
        raise InvalidInput({where: [f"Not a valid FHIR Appointment: "
                                    f"{', '.join(error.faults[:5])}."]}) from None
    start, end = found["start"], found["end"]
    day = start.date() if start is not None else None
    minutes = None
    if start is not None and end is not None:
        minutes = int((end - start).total_seconds() // 60)
    return EhrAppointment(id=found["id"], day=day, code=_cpt(found), minutes=minutes,
                          provider_npi=_npi(found))


def _cpt(found: dict[str, Any]) -> str | None:
    for system, code in found["codings"]:
        if system == CPT_SYSTEM and code:
            return str(code)
    for url, value_code, coding_code in found["extensions"]:
        if url == CPT_EXTENSION and (value_code or coding_code):
            return str(value_code or coding_code)
    return None


def _npi(found: dict[str, Any]) -> str | None:
    return next((value for system, value in found["actors"] if system == NPI_SYSTEM and value),
                None)


def _resources(kind: str, parse: Callable[[Any, str], T], raw: Any, where: str) -> list[T]:
    """The resources of this type in a Bundle (others, such as an OperationOutcome of a
    search, are skipped), or the one resource itself, each read by parse."""
    if _type(raw) != "Bundle":
        return [parse(raw, where)]
    entries = raw.get("entry") or []
    if not isinstance(entries, list) or not all(
            isinstance(e, dict) and isinstance(e.get("resource", {}), dict) for e in entries):
        raise InvalidInput({where: ["A Bundle's entry is a list of objects, each resource an "
                                    "object."]})
    # The Bundle is validated without its entries, and each resource of this type by its own
    # model: half the work of the Bundle's model resolving every entry's type itself.
    _parse(Bundle, {**raw, "entry": []}, where)
    return [parse(entry["resource"], f"{where}.entry[{n}].resource")
            for n, entry in enumerate(entries) if _type(entry.get("resource")) == kind]


def _type(raw: Any) -> str | None:
    return raw.get("resourceType") if isinstance(raw, dict) else None


def _parse(model: type[Any], raw: Any, where: str) -> Any:
    expected = model.__name__
    if _type(raw) != expected:
        raise InvalidInput({where: [f"Expected a FHIR {expected} resource."]})
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        # The positions and kinds of the faults only: pydantic's text repeats the input,
        # which may be a name or a birth date.
        faults = sorted({".".join(str(part) for part in fault["loc"]) + f" ({fault['type']})"
                         for fault in error.errors()})
        raise InvalidInput({where: [f"Not a valid FHIR {expected}: {', '.join(faults[:5])}."]}
                           ) from None
