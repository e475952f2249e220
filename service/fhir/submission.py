"""What a CoverageEligibilityRequest sent to $submit asks: the coverage (ours, or one
contained in the request with its patient) and the question, as plain values.

Field problems are InvalidInput keyed by FHIRPath expressions, so the OperationOutcome says
where in the request each one is.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from fhir.resources.R4B.coverageeligibilityrequest import CoverageEligibilityRequest

from service.domain.errors import InvalidInput
from service.fhir.codes import (
    GENDER_FROM_FHIR,
    NPI_SYSTEM,
    ORDER,
    PAYER_SYSTEM,
    RELATIONSHIP_FROM_FHIR,
    SERVICE_TYPE_SYSTEM,
)

ROOT = "CoverageEligibilityRequest"
PURPOSES = frozenset({"benefits", "validation"})
PRIORITIES = {number: priority for priority, number in ORDER.items()}
# HL7's X12 service-type code system, and the element-number form we write.
SERVICE_TYPE_SYSTEMS = frozenset({SERVICE_TYPE_SYSTEM, "https://x12.org/codes/service-type-codes"})
# Where in a contained Patient, RelatedPerson or Coverage each of our fields comes from.
PERSON_PATHS = {"first_name": "name[0].given[0]", "last_name": "name[0].family",
                "birth_date": "birthDate", "gender": "gender", "external_id": "identifier[0]",
                "member_id": "identifier"}
COVERAGE_PATHS = {"payer": "payor[0]", "member_id": "identifier", "relationship": "relationship",
                  "group_number": "class", "subscriber": "subscriber",
                  "priority": "order", "network_status": "network"}


@dataclass(frozen=True, kw_only=True)
class Contained:
    """A coverage given in the request: its patient (ours by id, or a contained one to match
    or create by identifier) and the card, each with where it was in the request."""

    patient_id: uuid.UUID | None
    patient: dict[str, Any] | None
    patient_path: str
    coverage: dict[str, Any]
    coverage_path: str


@dataclass(frozen=True, kw_only=True)
class Submission:
    coverage_id: uuid.UUID | None  # ours, referenced as Coverage/<id>
    contained: Contained | None  # or the coverage the request carries
    service_types: tuple[str, ...] | None
    service_date: date | None
    provider_npi: str | None


def read(resource: CoverageEligibilityRequest) -> Submission:
    """The request's coverage and question; InvalidInput naming each place it is wrong."""
    purposes = set(resource.purpose or [])
    if not purposes or purposes - PURPOSES:
        _refuse(f"{ROOT}.purpose", "Only the purposes benefits and validation are supported.")
    insurance = resource.insurance or []
    if len(insurance) != 1:
        _refuse(f"{ROOT}.insurance", "Send exactly one insurance entry, whose coverage is "
                                     "checked.")
    reference = insurance[0].coverage.reference or ""
    coverage_id, contained = None, None
    if reference.startswith("#"):
        contained = _contained_coverage(resource, reference[1:])
    else:
        coverage_id = _our_id(reference, "Coverage", f"{ROOT}.insurance[0].coverage")
    return Submission(coverage_id=coverage_id, contained=contained,
                      service_types=_service_types(resource),
                      service_date=_service_date(resource),
                      provider_npi=_provider_npi(resource))


def _refuse(path: str, message: str) -> None:
    raise InvalidInput({path: [message]})


def _our_id(reference: str, kind: str, path: str) -> uuid.UUID:
    prefix, _, value = reference.rpartition("/")
    try:
        if prefix.rsplit("/", 1)[-1] != kind:
            raise ValueError(kind)
        return uuid.UUID(value)
    except ValueError:
        raise InvalidInput({path: [f"Reference a {kind} of this server ({kind}/<id>) or one "
                                   "contained in the request (#<id>)."]}) from None


def _find(resource: CoverageEligibilityRequest, local_id: str, kinds: tuple[str, ...],
          path: str) -> tuple[Any, str]:
    for index, item in enumerate(resource.contained or []):
        if item.id == local_id and item.get_resource_type() in kinds:
            return item, f"{ROOT}.contained[{index}]"
    raise InvalidInput({path: [f"No contained {' or '.join(kinds)} has the id {local_id}."]})


def _contained_coverage(resource: CoverageEligibilityRequest, local_id: str) -> Contained:
    coverage, path = _find(resource, local_id, ("Coverage",), f"{ROOT}.insurance[0].coverage")
    beneficiary = coverage.beneficiary.reference or ""
    patient_id, patient, patient_path = None, None, f"{path}.beneficiary"
    if beneficiary.startswith("#"):
        person, patient_path = _find(resource, beneficiary[1:], ("Patient",),
                                     f"{path}.beneficiary")
        patient = _person(person, patient_path)
        if not patient.get("external_id"):
            _refuse(f"{patient_path}.identifier", "The patient needs an identifier (the EHR's "
                                                  "id) to be matched or created by.")
    else:
        patient_id = _our_id(beneficiary, "Patient", patient_path)
    return Contained(patient_id=patient_id, patient=patient, patient_path=patient_path,
                     coverage=_card(resource, coverage, path), coverage_path=path)


def _person(person: Any, path: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    names = person.name or []
    if names:
        found["last_name"] = names[0].family
        found["first_name"] = (names[0].given or [None])[0]
    if person.birthDate is not None:
        found["birth_date"] = person.birthDate.isoformat()
    if person.gender is not None:
        if person.gender not in GENDER_FROM_FHIR:
            _refuse(f"{path}.gender", "Use male, female, other or unknown.")
        found["gender"] = GENDER_FROM_FHIR[person.gender]
    identifiers = [i.value for i in person.identifier or [] if i.value]
    if identifiers and person.get_resource_type() == "Patient":
        found["external_id"] = identifiers[0]
    return {k: v for k, v in found.items() if v is not None}


def _card(resource: CoverageEligibilityRequest, coverage: Any, path: str) -> dict[str, Any]:
    payers = [p.identifier.value for p in coverage.payor or []
              if p.identifier is not None and p.identifier.system in (None, PAYER_SYSTEM)
              and p.identifier.value]
    if not payers:
        _refuse(f"{path}.payor", f"Name the payer by an identifier of system {PAYER_SYSTEM} "
                                 "whose value is a payer directory id.")
    member = next((i.value for i in coverage.identifier or [] if i.value), None)
    member_id = member or coverage.subscriberId
    if not member_id:
        _refuse(f"{path}.identifier", "The member id is required: as an identifier or as "
                                      "subscriberId.")
    card: dict[str, Any] = {"payer": payers[0], "member_id": member_id,
                            "relationship": _relationship(coverage, path)}
    if coverage.order is not None:
        card["priority"] = PRIORITIES.get(coverage.order, str(coverage.order))
    groups = [c.value for c in coverage.class_fhir or []
              if c.value and any(k.code == "group" for k in c.type.coding or [])]
    if groups:
        card["group_number"] = groups[0]
    if card["relationship"] != "self":
        reference = (coverage.subscriber.reference or "") if coverage.subscriber else ""
        if not reference.startswith("#"):
            _refuse(f"{path}.subscriber", "When the patient is not the subscriber, contain "
                                          "the subscriber (a Patient or RelatedPerson) and "
                                          "reference it.")
        person, person_path = _find(resource, reference[1:], ("Patient", "RelatedPerson"),
                                    f"{path}.subscriber")
        subscriber = _person(person, person_path)
        subscriber.pop("external_id", None)
        card["subscriber"] = {**subscriber,
                              "member_id": coverage.subscriberId or member_id}
    return card


def _relationship(coverage: Any, path: str) -> str:
    if coverage.relationship is None:
        return "self"
    codes = [c.code for c in coverage.relationship.coding or [] if c.code]
    for code in codes:
        if code in RELATIONSHIP_FROM_FHIR:
            return RELATIONSHIP_FROM_FHIR[code]
    raise InvalidInput({f"{path}.relationship": [
        "Use a subscriber-relationship code: self, spouse, child, parent, common, other."]})


def _service_types(resource: CoverageEligibilityRequest) -> tuple[str, ...] | None:
    found = []
    for index, item in enumerate(resource.item or []):
        if item.category is None:
            continue
        codes = [c.code for c in item.category.coding or []
                 if c.system in SERVICE_TYPE_SYSTEMS and c.code]
        if not codes:
            _refuse(f"{ROOT}.item[{index}].category",
                    f"Code the category as an X12 service type ({SERVICE_TYPE_SYSTEM}).")
        found.extend(codes)
    return tuple(found) or None


def _service_date(resource: CoverageEligibilityRequest) -> date | None:
    if resource.servicedDate is not None:
        return resource.servicedDate
    period = resource.servicedPeriod
    if period is not None and period.start is not None:
        return period.start.date()
    return None


def _provider_npi(resource: CoverageEligibilityRequest) -> str | None:
    """The provider's NPI: on the reference, or on a contained Practitioner or
    Organization it points to."""
    provider = resource.provider
    if provider is None:
        return None
    identifiers = [provider.identifier] if provider.identifier is not None else []
    reference = provider.reference or ""
    if reference.startswith("#"):
        found, _ = _find(resource, reference[1:], ("Practitioner", "Organization",
                                                   "PractitionerRole"), f"{ROOT}.provider")
        identifiers.extend(found.identifier or [])
    npis = [i.value for i in identifiers if i.system == NPI_SYSTEM and i.value]
    return npis[0] if npis else None
