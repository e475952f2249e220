"""Use cases the front desk web app composes from the others: intake, benefits card, client file.

Nothing here decides eligibility, counting or verdicts: each piece is read or done by the
use case that owns it (patients, coverages, run_check, authorizations, visits).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from service.db.models import Authorization, Coverage, EligibilityCheck, Patient, Visit
from service.domain.eligibility import with_actions
from service.domain.errors import InvalidInput
from service.eligibility import CheckRequest, run_check
from service.eligibility import history as eligibility_history
from service.ledger import authorizations, visits
from service.practice import coverages, patients, staff
from service.practice.access import Caller
from service.wiring import Wiring

HISTORY = 10  # checks shown per coverage on a client's page


def check_coverage(
    *, wiring: Wiring, caller: Caller, coverage_id: uuid.UUID, force: bool = False,
    route: str | None = None, carve_out_of: uuid.UUID | None = None,
) -> EligibilityCheck:
    """run_check as the API runs it; a carve-out check asked by hand does not chain again."""
    return run_check(
        store=wiring.checks, clock=wiring.clock, registry=wiring.payers, caller=caller,
        request=CheckRequest(coverage_id=coverage_id, force=force),
        reuse_window=timedelta(hours=wiring.config.eligibility_reuse_hours),
        chain=carve_out_of is None, route=route, carve_out_of=carve_out_of,
        limiter=wiring.check_limits, watch=wiring.after_check(caller),
    ).check


def intake(
    *, wiring: Wiring, caller: Caller, patient: dict[str, Any], coverage: dict[str, Any]
) -> EligibilityCheck:
    """A new client and their insurance card, then a live check of it."""
    if coverage["payer"] not in wiring.payers.ids():
        # Before anything is written, so that a bad card leaves no client without coverage.
        raise InvalidInput({"payer": ["Choose a payer from the list."]})
    created, _ = patients.upsert_patient(uow=wiring.uow(), clock=wiring.clock, caller=caller,
                                         data=patient)
    added = coverages.create_coverage(uow=wiring.uow(), clock=wiring.clock, caller=caller,
                                      patient_id=created.id, data=coverage,
                                      payer_ids=wiring.payers.ids())
    return check_coverage(wiring=wiring, caller=caller, coverage_id=added.id)


@dataclass(frozen=True, kw_only=True)
class BenefitsCard:
    check: EligibilityCheck
    coverage: Coverage
    patient: Patient
    payer_name: str
    checked_by: str
    rejections: list[dict[str, Any]]
    carve_out: dict[str, Any] | None  # name, payer_id, phone from the 271
    carve_out_route: str | None  # the directory route that reaches the carve-out payer
    carve_out_route_name: str | None
    carve_out_check: EligibilityCheck | None
    carve_out_of: EligibilityCheck | None


def benefits_card(*, wiring: Wiring, caller: Caller, check_id: uuid.UUID) -> BenefitsCard:
    def read(check: uuid.UUID) -> EligibilityCheck:
        return eligibility_history.get_check(uow=wiring.uow(), clock=wiring.clock,
                                             caller=caller, check_id=check)

    check = read(check_id)
    coverage = coverages.get_coverage(uow=wiring.uow(), clock=wiring.clock, caller=caller,
                                      coverage_id=check.coverage_id)
    patient = patients.get_patient(uow=wiring.uow(), clock=wiring.clock, caller=caller,
                                   patient_id=coverage.patient_id)
    summary = check.summary or {}
    carve_out = summary.get("carve_out") or None
    route = wiring.payers.route_for_payer_id((carve_out or {}).get("payer_id") or "")
    if route == check.payer:
        route = None
    names = staff.actor_names(uow=wiring.uow(), practice_id=caller.practice_id,
                              actors=[check.requested_by])
    return BenefitsCard(
        check=check, coverage=coverage, patient=patient,
        payer_name=payer_name(wiring, check.route or check.payer),
        checked_by=names.get(check.requested_by, check.requested_by),
        rejections=with_actions(summary.get("rejections") or []),
        carve_out=carve_out, carve_out_route=route,
        carve_out_route_name=payer_name(wiring, route) if route else None,
        carve_out_check=read(check.carve_out_check_id) if check.carve_out_check_id else None,
        carve_out_of=read(check.carve_out_of_id) if check.carve_out_of_id else None,
    )


def payer_name(wiring: Wiring, route: str) -> str:
    return wiring.payers.entry(route).name if route in wiring.payers.ids() else route


@dataclass(frozen=True, kw_only=True)
class CoverageFile:
    coverage: Coverage
    payer_name: str
    checks: Sequence[EligibilityCheck]
    authorizations: Sequence[Authorization]
    upcoming: Sequence[Visit]
    check_total: int = 0
    checked_by: dict[str, str] = field(default_factory=dict)


def client_file(
    *, wiring: Wiring, caller: Caller, patient_id: uuid.UUID
) -> tuple[Patient, list[CoverageFile]]:
    """A client with each coverage's checks, authorizations and upcoming visits."""
    patient = patients.get_patient(uow=wiring.uow(), clock=wiring.clock, caller=caller,
                                   patient_id=patient_id)
    rows, _ = coverages.list_coverages(uow=wiring.uow(), clock=wiring.clock, caller=caller,
                                       patient_id=patient_id, offset=0, limit=50)
    files = []
    for coverage in rows:
        checks, total = eligibility_history.coverage_history(
            uow=wiring.uow(), clock=wiring.clock, caller=caller, coverage_id=coverage.id,
            offset=0, limit=HISTORY)
        files.append(CoverageFile(
            coverage=coverage, payer_name=payer_name(wiring, coverage.payer), checks=checks,
            check_total=total,
            checked_by=staff.actor_names(uow=wiring.uow(), practice_id=caller.practice_id,
                                         actors={c.requested_by for c in checks}),
            authorizations=authorizations.list_authorizations(
                uow=wiring.uow(), clock=wiring.clock, caller=caller, coverage_id=coverage.id),
            upcoming=[v for v in visits.list_visits(
                uow=wiring.uow(), clock=wiring.clock, caller=caller, coverage_id=coverage.id,
                start=wiring.clock().date(), end=None) if v.status == "scheduled"],
        ))
    return patient, files
