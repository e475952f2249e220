"""A client generated from /openapi.json (openapi-python-client) drives the main workflow over
real HTTP, and every documented object comes back as its typed model."""

from __future__ import annotations

import importlib
import uuid
from datetime import date
from typing import Any

from tests.support.builders import new_practice
from tests.support.people import PEOPLE


def op(package: Any, name: str) -> Any:
    return importlib.import_module(f"{package.__name__}.api.{name}")


def test_the_generator_reads_the_document_without_a_warning(generated):
    _, output = generated
    assert "warning" not in output.lower(), output


def test_the_main_workflow_through_the_generated_client(app, server, generated):
    package, _ = generated
    m = importlib.import_module(f"{package.__name__}.models")
    _, key = new_practice(app)
    client = package.AuthenticatedClient(base_url=server, token=key,
                                         raise_on_unexpected_status=True)
    person = PEOPLE[0]

    # Given a patient and the coverage on their card
    patient = op(package, "patients.create_patient").sync(client=client, body=m.PatientIn(
        first_name=person.first_name, last_name=person.last_name,
        birth_date=date.fromisoformat(person.birth_date), gender=m.PatientInGender(person.gender),
        external_id="CONTRACT-1"))
    assert isinstance(patient, m.PatientOut) and isinstance(patient.id, uuid.UUID)
    assert isinstance(patient.gender, m.PatientOutGender)
    coverage = op(package, "coverages.create_coverage").sync(
        patient_id=patient.id, client=client, body=m.CoverageIn(
            payer="sandbox", member_id=person.member_id,
            relationship=m.CoverageInRelationship.SELF))
    assert isinstance(coverage, m.CoverageOut) and coverage.subscriber is None
    assert coverage.status is m.CoverageOutStatus.ACTIVE

    # When its eligibility is checked with the (simulated) payer
    check = op(package, "eligibility.create_eligibility_check").sync(
        client=client, body=m.CheckIn(coverage_id=coverage.id))
    assert isinstance(check, m.CheckOut) and check.status is m.CheckOutStatus.ACTIVE
    assert isinstance(check.summary, m.SummaryOut) and check.error is None
    assert isinstance(check.summary.in_network, m.CostShareOut)
    assert check.summary.in_network.copay is None or isinstance(
        check.summary.in_network.copay, str)
    assert isinstance(check.summary.visit_limit, m.VisitLimitOut)
    again = op(package, "eligibility.get_eligibility_check").sync(check_id=check.id,
                                                                  client=client)
    assert isinstance(again, m.CheckOut) and again.summary == check.summary

    # And an authorization is on file, a visit is booked and a series is forecast
    auth = op(package, "authorizations.create_authorization").sync(
        client=client, body=m.AuthorizationIn(
            coverage_id=coverage.id, number="PA-CONTRACT", quantity=6,
            start_date=date(2026, 11, 1), end_date=date(2026, 12, 31), codes=["90837"]))
    assert isinstance(auth, m.AuthorizationOut) and auth.unit is m.AuthorizationOutUnit.VISIT
    assert auth.source is m.AuthorizationOutSource.MANUAL
    visit = op(package, "visits.create_visit").sync(client=client, body=m.VisitIn(
        coverage_id=coverage.id, date=date(2026, 11, 10), code="90837", minutes=53))
    assert isinstance(visit, m.VisitOut) and visit.status is m.VisitOutStatus.SCHEDULED
    assert isinstance(visit.verdict, m.VerdictOut)
    assert isinstance(visit.verdict.status, m.VerdictOutStatus)
    assert all(isinstance(r.severity, m.ReasonOutSeverity) for r in visit.verdict.reasons)
    verdict = op(package, "visits.check_visit").sync(client=client, body=m.VisitSpecIn(
        coverage_id=coverage.id, date=date(2026, 11, 17), code="90837", minutes=53))
    assert isinstance(verdict, m.CheckVerdictOut) and isinstance(verdict.estimate, m.EstimateOut)
    assert isinstance(verdict.estimate.basis, m.EstimateOutBasis)
    forecast = op(package, "visits.forecast_visits").sync(client=client, body=m.ForecastIn(
        coverage_id=coverage.id, code="90837", first_date=date(2026, 11, 24), count=3))
    assert isinstance(forecast, m.ForecastOut) and len(forecast.visits) == 3
    assert all(isinstance(v, m.ForecastVisitOut) for v in forecast.visits)

    # Then the coverage's lists and the practice's alerts come back typed too
    visits = op(package, "visits.list_coverage_visits").sync(coverage_id=coverage.id,
                                                              client=client)
    assert isinstance(visits, m.VisitList) and [v.id for v in visits.items] == [visit.id]
    auths = op(package, "authorizations.list_coverage_authorizations").sync(
        coverage_id=coverage.id, client=client)
    assert [a.id for a in auths.items] == [auth.id]
    alerts = op(package, "practice.list_alerts").sync(client=client)
    assert isinstance(alerts, m.AlertList)
    assert all(isinstance(a.kind, m.AlertOutKind) for a in alerts.items)

    # And the practice-wide visit list is walked page by page with next_cursor
    for day in (11, 12):
        op(package, "visits.create_visit").sync(client=client, body=m.VisitIn(
            coverage_id=coverage.id, date=date(2026, 11, day), code="90837", minutes=53))
    types = importlib.import_module(f"{package.__name__}.types")
    walked, cursor, pages = [], types.UNSET, 0
    while True:
        page = op(package, "lists.list_visits").sync(client=client, limit=2, cursor=cursor)
        assert isinstance(page, m.VisitPage)
        assert all(isinstance(v, m.VisitOut) for v in page.items)
        walked += [v.id for v in page.items]
        pages += 1
        if page.next_cursor is None:
            break
        assert isinstance(page.next_cursor, str)
        cursor = page.next_cursor
    assert pages == 2 and len(walked) == len(set(walked)) == 3
    # The payer directory, typed
    payers = op(package, "lists.list_payers").sync(client=client)
    assert isinstance(payers, m.PayerPage)
    sandbox = next(p for p in payers.items if p.id == "sandbox")
    assert isinstance(sandbox, m.PayerOut)
    assert isinstance(sandbox.connectivity, m.PayerOutConnectivity)

    # And an administrator creates a key, sees it, and revokes it: it is refused at once
    created = op(package, "api_keys.create_api_key").sync(client=client, body=m.ApiKeyIn(
        label="EHR sync", scopes=[m.ApiKeyInScopesItem.READ]))
    assert isinstance(created, m.ApiKeyCreated) and isinstance(created.api_key, m.ApiKeyOut)
    assert created.api_key.status is m.ApiKeyOutStatus.ACTIVE
    seen = op(package, "api_keys.get_api_key").sync(key_id=created.api_key.id, client=client)
    assert isinstance(seen, m.ApiKeyOut) and seen.scopes == [m.ApiKeyOutScopesItem.READ]
    reader = package.AuthenticatedClient(base_url=server, token=created.key)
    assert isinstance(op(package, "lists.list_payers").sync(client=reader), m.PayerPage)
    revoked = op(package, "api_keys.revoke_api_key").sync(key_id=created.api_key.id,
                                                          client=client)
    assert isinstance(revoked, m.ApiKeyOut) and revoked.status is m.ApiKeyOutStatus.REVOKED
    refused = op(package, "lists.list_payers").sync(client=reader)
    assert isinstance(refused, m.Error) and refused.error is m.ErrorError.UNAUTHORIZED

    # And an error is the typed Error model with its stable code
    missing = op(package, "patients.get_patient").sync(patient_id=uuid.uuid4(), client=client)
    assert isinstance(missing, m.Error) and missing.error is m.ErrorError.NOT_FOUND
