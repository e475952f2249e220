"""Use case: record what a payer said on the phone as an eligibility answer (`source: phone`).

The answer is a check like a live one (service/db/models.py EligibilityCheck), so verdicts,
estimates and the pages read it by the one path they read every answer: the newest answer
of the coverage's payer, trusted only while the coverage's data is what it was about (its
`subject_key`, as a live check's). It is never sent anywhere: nothing here builds a 270, and
its question key is one no live check asks (service/domain/question.py `heard_by_phone`), so
a live check never reuses it in place of the payer's answer.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Literal, cast

from payers.registry import PayerRegistry
from service.db.models import EligibilityCheck
from service.db.uow import UnitOfWork
from service.db.verdict_reads import Identity
from service.domain.eligibility import normalize_service_types
from service.domain.errors import InvalidInput, NotFound
from service.domain.phone_answer import summary_of
from service.domain.question import Question, subject_of
from service.ledger import visits
from service.practice import audit
from service.practice.access import Caller

PHONE_CALL = ("rep_name", "reference", "notes")


def record_phone_answer(
    *, uow: Callable[[], UnitOfWork], clock: Callable[[], datetime], registry: PayerRegistry,
    caller: Caller, coverage_id: uuid.UUID, data: Mapping[str, Any],
) -> EligibilityCheck:
    """Store the call (fields of schemas/manual_verifications.py ManualVerificationIn) as the
    coverage's answer of its time, audited; then judge the visits ahead again, as after any
    change their verdicts depend on. NotFound for another practice's coverage."""
    with uow() as work:
        coverage = work.coverages.get(caller.practice_id, coverage_id)
        if coverage is None:
            raise NotFound("coverage")
        if coverage.payer not in registry.ids():
            raise InvalidInput({"coverage_id": [
                "This coverage's payer is not in the payer directory any more; update it."]})
        patient = work.patients.get(caller.practice_id, coverage.patient_id)
        practice = work.practices.get(caller.practice_id)
        if patient is None or practice is None:
            raise NotFound("coverage")
        entry = registry.entry(coverage.payer)
        identity = Identity.of(coverage, patient)
        types = normalize_service_types(tuple(entry.service_types))
        question = Question(
            subject=subject_of(identity, route=coverage.payer, payer_id=entry.payer_id),
            service_types=types, service_date=None, provider_npi=practice.npi)
        network = cast(Literal["in", "out"], data.get("network") or coverage.network_status)
        # The answer is as old as the call: that is when it was given, whenever typed in.
        heard = data["verified_at"]
        check = EligibilityCheck(
            id=uuid.uuid4(), practice_id=caller.practice_id, coverage_id=coverage.id,
            payer=coverage.payer, route=None, routes_tried=None,
            service_types=",".join(types), service_date=None, provider_npi=practice.npi,
            network_status=network, status="active" if data["active"] else "inactive",
            reached_payer=False, trace_number=uuid.uuid4().hex, control_number=0,
            summary=summary_of(data, network=network), question_key=question.heard_by_phone(),
            subject_key=question.subject.key(), question=question.echo(),
            requested_by=caller.actor, started_at=heard, checked_at=heard, source="phone",
            phone_call={name: data.get(name) for name in PHONE_CALL},
        )
        work.checks.add(check)
        audit.record(work, caller=caller, clock=clock, action="create",
                     resource_type="eligibility_check", resource_ids=[check.id])
        work.commit()
    visits.reevaluate_scheduled(uow=uow, clock=clock, registry=registry, caller=caller,
                                coverage_id=coverage_id)
    return check
