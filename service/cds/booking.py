"""The hooks' use case: each appointment judged as POST /v1/visits/check judges it, as cards."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import marshmallow as ma

from payers.registry import PayerRegistry
from schemas.ledger import VisitSpecIn
from service.cds import fhir_fields
from service.cds.ehr import EhrData
from service.cds.records import Record, find_or_add
from service.db.cds import CdsReads
from service.db.uow import UnitOfWork
from service.domain import cds_cards
from service.domain.allocation import VisitSpec
from service.domain.errors import InvalidInput
from service.ledger.verdict_inputs import VerdictInputSource
from service.ledger.verdicts import check_visit
from service.practice.access import Caller

VISIT_SPEC = VisitSpecIn()
# patient-view shows the next few booked appointments with a problem, not the whole year.
UPCOMING = 10
# A booking proposes a visit or a recurring series; each one is judged and carded.
MAX_APPOINTMENTS = 50


@dataclass(frozen=True, kw_only=True)
class Services:
    """What the hooks' use case needs from the app: storage, clock, payers and verdicts."""

    uow: Callable[[], UnitOfWork]
    reads: CdsReads
    clock: Callable[[], datetime]
    registry: PayerRegistry
    inputs: VerdictInputSource


def answer(*, services: Services, caller: Caller, hook: str, context: Mapping[str, Any],
           ehr: EhrData, app_url: str, remember: Callable[[Any], None],
           found: tuple[uuid.UUID | None, list[dict[str, Any]]],
           new_id: Callable[[], str] = lambda: str(uuid.uuid4())) -> dict[str, Any]:
    """The cards for one hook call. The appointments are read before anything is added, so
    a malformed call writes nothing. `found`: our patient with the EHR's id (None: none)
    and its active coverages, as CdsReads reads them."""
    if hook == "appointment-book":
        raw = context.get("appointments")
        if not isinstance(raw, dict):
            raise InvalidInput({"context.appointments": ["Required: a Bundle of the proposed "
                                                         "Appointments."]})
        entries = raw.get("entry")
        if isinstance(entries, list) and len(entries) > MAX_APPOINTMENTS:
            raise InvalidInput({"context.appointments": [
                f"At most {MAX_APPOINTMENTS} appointments per call."]})
        appointments = fhir_fields.appointments(context["appointments"],
                                                where="context.appointments")
    else:
        today = services.clock().date()
        booked = fhir_fields.appointments(ehr.get("appointments"), where="prefetch.appointments")
        appointments = sorted((a for a in booked if a.day is not None and a.day >= today),
                              key=lambda a: a.day or today)[:UPCOMING]
    record = find_or_add(uow=services.uow, reads=services.reads, clock=services.clock,
                         caller=caller, registry=services.registry, ehr=ehr,
                         remember=remember, found=found)
    cards = Cards(app_url=app_url, new_id=new_id, record=record, ehr_patient=ehr.patient_id,
                  registry=services.registry, today=services.clock().date())
    if record.notice is not None or record.coverage_id is None:
        return {"cards": [cards.notice(record)]}
    answered = []
    for appointment in appointments:
        card = _judge(services, caller, record, appointment, cards)
        if hook == "appointment-book" or card["indicator"] != "info":
            answered.append(card)
    return {"cards": answered}


def _judge(services: Services, caller: Caller, record: Record,
           appointment: fhir_fields.EhrAppointment, cards: Cards) -> dict[str, Any]:
    what = f"{appointment.code or 'visit'} on {appointment.day or 'an unknown date'}"
    try:
        spec = VISIT_SPEC.load({
            "coverage_id": str(record.coverage_id),
            "date": appointment.day.isoformat() if appointment.day else None,
            "code": appointment.code, "minutes": appointment.minutes,
            "provider_npi": appointment.provider_npi})
    except ma.ValidationError as error:
        fields = ", ".join(sorted(error.messages)) if isinstance(error.messages, dict) else ""
        return cards.unjudged(what, fields)
    verdict = check_visit(
        inputs=services.inputs, clock=services.clock, caller=caller,
        coverage_id=spec["coverage_id"], stamp=record.stamp,
        visit=VisitSpec(date=spec["date"], code=spec["code"], minutes=spec.get("minutes"),
                        provider_npi=spec.get("provider_npi")))
    return cards.verdict(verdict, what, spec["date"])


@dataclass(frozen=True, kw_only=True)
class Cards:
    """Cards with this deployment's links to the client, and the source they name."""

    app_url: str
    new_id: Callable[[], str]
    record: Record
    ehr_patient: str
    registry: PayerRegistry
    today: date

    @property
    def source(self) -> dict[str, Any]:
        return {"label": cds_cards.SOURCE_LABEL, "url": f"{self.app_url}/app/"}

    def links(self) -> list[dict[str, Any]]:
        found = []
        if self.record.patient_id is not None:
            found.append({"label": "Open the client in Coverwatch", "type": "absolute",
                          "url": f"{self.app_url}/app/clients/{self.record.patient_id}"})
        if self.record.coverage_id is not None:
            found.append({"label": "Check eligibility in Coverwatch", "type": "absolute",
                          "url": f"{self.app_url}/app/coverages/{self.record.coverage_id}"})
        else:
            found.append({"label": "Add the client in Coverwatch", "type": "absolute",
                          "url": f"{self.app_url}/app/intake"})
        return found

    def verdict(self, verdict: dict[str, Any], what: str, day: date) -> dict[str, Any]:
        suggestions = [self._eligibility_request(day)] \
            if cds_cards.asks_the_payer(verdict) else []
        return cds_cards.verdict_card(card_id=self.new_id(), verdict=verdict, what=what,
                                      source=self.source, links=self.links(),
                                      suggestions=suggestions)

    def unjudged(self, what: str, fields: str) -> dict[str, Any]:
        return cds_cards.notice_card(
            card_id=self.new_id(), indicator="warning",
            text=f"Coverage not judged: {what} - the appointment lacks what a verdict needs",
            detail=f"Fields missing or invalid: {fields or 'unknown'}. The procedure code "
                   f"comes from serviceType (system {fhir_fields.CPT_SYSTEM}), the minutes "
                   "from start and end.", source=self.source, links=self.links())

    def notice(self, record: Record) -> dict[str, Any]:
        notice = record.notice
        summary = notice.summary if notice else "No insurance on file in Coverwatch"
        detail = notice.detail if notice else "Add the client's insurance in Coverwatch."
        return cds_cards.notice_card(card_id=self.new_id(), indicator="warning", text=summary,
                                     detail=detail, source=self.source, links=self.links())

    def _eligibility_request(self, day: date) -> dict[str, Any]:
        """A suggestion the EHR can accept: a CoverageEligibilityRequest for the visit's date,
        which the EHR may send on (to Coverwatch's FHIR endpoint or its own clearinghouse)."""
        payer = self.registry.entry(self.record.payer) if self.record.payer else None
        request: dict[str, Any] = {
            "resourceType": "CoverageEligibilityRequest", "status": "active",
            "purpose": ["validation", "benefits"],
            "patient": {"reference": f"Patient/{self.ehr_patient}"},
            "servicedDate": day.isoformat(), "created": self.today.isoformat(),
            "insurer": {"identifier": {"value": payer.payer_id if payer else "unknown"}},
        }
        return {"label": "Ask the payer now (eligibility check)", "uuid": self.new_id(),
                "isRecommended": True,
                "actions": [{"type": "create", "description": "Check the client's eligibility "
                             "for this date with the payer", "resource": request}]}
