"""The patient and coverage a hook call is about: ours by the EHR's patient id, else added
from the EHR's Patient and Coverage (through the same use cases and checks as the API)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import marshmallow as ma

from payers.registry import PayerRegistry
from schemas.coverages import CoverageIn
from schemas.patients import PatientIn
from service.cds import fhir_fields
from service.cds.ehr import EhrData
from service.db.cds import CdsReads
from service.db.stamps import Stamp
from service.db.uow import UnitOfWork
from service.domain.errors import Conflict
from service.practice.access import Caller
from service.practice.coverages import create_coverage
from service.practice.patients import upsert_patient

PATIENT_IN = PatientIn()
COVERAGE_IN = CoverageIn()


@dataclass(frozen=True)
class Notice:
    """Why no verdict can be given: the card says it instead."""

    summary: str
    detail: str


@dataclass(frozen=True)
class Record:
    """Our patient and the coverage a verdict is judged on (None: a Notice says why)."""

    patient_id: uuid.UUID | None
    coverage_id: uuid.UUID | None
    payer: str | None
    notice: Notice | None = None
    # The coverage's version stamps as read with it (service/db/stamps.py), if they were.
    stamp: Stamp | None = None


def find_or_add(*, uow: Callable[[], UnitOfWork], reads: CdsReads,
                clock: Callable[[], datetime], caller: Caller, registry: PayerRegistry,
                ehr: EhrData, remember: Callable[[Any], None],
                found: tuple[uuid.UUID | None, list[dict[str, Any]]]) -> Record:
    """`found`: our patient with the EHR's id (None: none) and its active coverages, each
    with its version stamps, as CdsReads reads them."""
    patient_id, covers = found
    if patient_id is None:
        added = _add_patient(uow, clock, caller, ehr, remember)
        if isinstance(added, Notice):
            return Record(None, None, None, added)
        patient_id = added
    if not covers:
        return _add_coverage(uow, reads, clock, caller, registry, ehr, patient_id, remember)
    chosen = covers[0]
    if len(covers) > 1 and ehr.prefetch.get("coverage") is not None:
        # The EHR's card picks among ours when it names one of them (read, not fetched: the
        # primary one is the answer without it).
        members = {c.member_id for c in fhir_fields.coverages(ehr.prefetch["coverage"],
                                                              where="prefetch.coverage")}
        chosen = next((c for c in covers if c["member_id"] in members), chosen)
    return Record(patient_id, chosen["coverage_id"], chosen["payer"],
                  stamp=(int(chosen["ledger_version"]), int(chosen["config_version"])))


def _add_patient(uow: Callable[[], UnitOfWork], clock: Callable[[], datetime], caller: Caller,
                 ehr: EhrData, remember: Callable[[Any], None]) -> uuid.UUID | Notice:
    person = fhir_fields.patient(ehr.get("patient"), where="prefetch.patient")
    record = person.as_record()
    if record is None:
        return Notice("Client not in Coverwatch: the EHR's record lacks a name or birth date",
                      "Add the client in Coverwatch (or complete the EHR's record) to see "
                      "coverage at booking.")
    body = {**record, "birth_date": record["birth_date"].isoformat(),
            "external_id": ehr.patient_id}
    remember(body)
    try:
        data = PATIENT_IN.load(body)
    except ma.ValidationError as error:
        return Notice("Client not in Coverwatch: the EHR's record cannot be sent to payers",
                      _fields(error, "The client's record"))
    patient, _created = upsert_patient(uow=uow(), clock=clock, caller=caller, data=data)
    return patient.id


def _add_coverage(uow: Callable[[], UnitOfWork], reads: CdsReads,
                  clock: Callable[[], datetime], caller: Caller, registry: PayerRegistry,
                  ehr: EhrData, patient_id: uuid.UUID, remember: Callable[[Any], None]) -> Record:
    cards = fhir_fields.coverages(ehr.get("coverage"), where="prefetch.coverage")
    for card in cards:
        payer = _route(registry, card.payers)
        if payer is None or card.member_id is None or card.relationship != "self":
            continue
        body = {"payer": payer, "member_id": card.member_id, "relationship": "self"}
        remember(body)
        try:
            data = COVERAGE_IN.load(body)
        except ma.ValidationError as error:
            return Record(patient_id, None, None, Notice(
                "No usable insurance on file in Coverwatch", _fields(error, "The EHR's card")))
        try:
            coverage = create_coverage(uow=uow(), clock=clock, caller=caller,
                                       patient_id=patient_id, data=data,
                                       payer_ids=registry.ids())
        except Conflict:
            # Another call added the client's card a moment ago: judge on that one.
            _, covers = reads.patient_coverages(caller.practice_id, ehr.patient_id)
            if not covers:
                raise
            return Record(patient_id, covers[0]["coverage_id"], covers[0]["payer"])
        return Record(patient_id, coverage.id, coverage.payer)
    return Record(patient_id, None, None, Notice(
        "No insurance on file in Coverwatch for this client",
        "The EHR lists no active coverage of a payer in Coverwatch's directory with the "
        "patient as subscriber. Add the client's insurance in Coverwatch."))


def _route(registry: PayerRegistry, values: tuple[str, ...]) -> str | None:
    """Our payer directory's id for a payer the EHR names by our id or its X12 payer id."""
    ids = set(registry.ids())
    for value in values:
        if value in ids:
            return value
        route = registry.route_for_payer_id(value)
        if route is not None:
            return route
    return None


def _fields(error: ma.ValidationError, what: str) -> str:
    names = sorted(error.messages) if isinstance(error.messages, dict) else []
    return f"{what} has fields Coverwatch cannot accept: {', '.join(names) or 'unknown'}."
