"""The few fields the CDS services read from an EHR's FHIR resources (R4B models parse them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from fhir.resources.R4B.appointment import Appointment
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.coverage import Coverage
from fhir.resources.R4B.patient import Patient
from pydantic import ValidationError

from service.domain.errors import InvalidInput

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
    for cover in _resources(Coverage, raw, where):
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
    return [_appointment(found) for found in _resources(Appointment, raw, where)]


def _appointment(found: Appointment) -> EhrAppointment:
    day = found.start.date() if found.start is not None else None
    minutes = None
    if found.start is not None and found.end is not None:
        minutes = int((found.end - found.start).total_seconds() // 60)
    return EhrAppointment(id=found.id, day=day, code=_cpt(found), minutes=minutes,
                          provider_npi=_npi(found))


def _cpt(found: Appointment) -> str | None:
    for concept in found.serviceType or ():
        for coding in concept.coding or ():
            if coding.system == CPT_SYSTEM and coding.code:
                return str(coding.code)
    for extension in found.extension or ():
        if extension.url == CPT_EXTENSION:
            if extension.valueCode:
                return str(extension.valueCode)
            if extension.valueCoding is not None and extension.valueCoding.code:
                return str(extension.valueCoding.code)
    return None


def _npi(found: Appointment) -> str | None:
    for participant in found.participant or ():
        actor = participant.actor
        if actor is not None and actor.identifier is not None and \
                actor.identifier.system == NPI_SYSTEM and actor.identifier.value:
            return str(actor.identifier.value)
    return None


def _resources(model: type[Any], raw: Any, where: str) -> list[Any]:
    """The resources of this type in a Bundle (others, such as an OperationOutcome of a
    search, are skipped), or the one resource itself."""
    if _type(raw) != "Bundle":
        return [_parse(model, raw, where)]
    entries = raw.get("entry") or []
    if not isinstance(entries, list) or not all(
            isinstance(e, dict) and isinstance(e.get("resource", {}), dict) for e in entries):
        raise InvalidInput({where: ["A Bundle's entry is a list of objects, each resource an "
                                    "object."]})
    # The Bundle is validated without its entries, and each resource of this type by its own
    # model: half the work of the Bundle's model resolving every entry's type itself.
    _parse(Bundle, {**raw, "entry": []}, where)
    return [_parse(model, entry["resource"], f"{where}.entry[{n}].resource")
            for n, entry in enumerate(entries) if _type(entry.get("resource")) == model.__name__]


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
