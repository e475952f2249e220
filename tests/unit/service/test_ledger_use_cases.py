"""Authorization, visit and alert use cases on the in-memory unit of work: no database."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import pytest

from payers.registry import PayerRegistry
from service.db.models import Authorization, Coverage, EligibilityCheck, Practice, Visit
from service.domain.errors import Conflict, InvalidInput, NotFound
from service.ledger import alerts, authorizations, visit_history, visits
from service.ledger.alert_source import AlertSource
from service.practice import coverages, patients
from service.practice.access import Caller
from tests.support.clock import FakeClock
from tests.support.fakes import FakeUnitOfWork

PRACTICE, OTHER = uuid.uuid4(), uuid.uuid4()
CLOCK = FakeClock()
TODAY = CLOCK().date()
REGISTRY = PayerRegistry(entries={}, adapters={})
PERSON = {"first_name": "Quinlan", "last_name": "Fernsby", "birth_date": date(1988, 5, 17),
          "gender": "F", "external_id": "EHR-7"}


def caller(practice: uuid.UUID = PRACTICE) -> Caller:
    return Caller(practice_id=practice, actor="api_key:test", scopes=frozenset({"read", "write"}))


def verified_coverage(uow: FakeUnitOfWork, member_id: str = "ZZT0000003",
                      priority: str = "primary") -> Coverage:
    """A patient of the practice and a coverage the payer answered for yesterday."""
    patient, _ = patients.upsert_patient(uow=uow, clock=CLOCK, caller=caller(), data=PERSON)
    coverage = coverages.create_coverage(
        uow=uow, clock=CLOCK, caller=caller(), patient_id=patient.id, payer_ids={"sandbox"},
        data={"payer": "sandbox", "member_id": member_id, "relationship": "self",
              "priority": priority})
    yesterday = CLOCK() - timedelta(days=1)
    uow.given(EligibilityCheck(coverage_id=coverage.id, payer="sandbox", status="active",
                               started_at=yesterday, checked_at=yesterday,
                               summary={"active": True, "auth_required": True}))
    return coverage


def record_authorization(uow: FakeUnitOfWork, coverage: Coverage,
                         **fields: Any) -> Authorization:
    data = {"coverage_id": coverage.id, "number": "PA-100", "unit": "visit", "quantity": 10,
            "start_date": TODAY, "end_date": TODAY + timedelta(days=180), "codes": ["90837"],
            **fields}
    return authorizations.create_authorization(uow=uow, clock=CLOCK, caller=caller(), data=data)


def book(uow: FakeUnitOfWork, coverage: Coverage, **fields: Any) -> tuple[Visit, bool]:
    data = {"coverage_id": coverage.id, "date": TODAY + timedelta(days=7), "code": "90837",
            "minutes": 55, "external_id": "EHR-V1", "status": "scheduled", **fields}
    return visits.book_visit(uow=uow, clock=CLOCK, registry=REGISTRY, caller=caller(),
                             data=data)


def booked(uow: FakeUnitOfWork) -> tuple[Coverage, Authorization, Visit]:
    """A verified coverage, an authorization of ten visits, and a visit booked against it."""
    coverage = verified_coverage(uow)
    auth = record_authorization(uow, coverage)
    visit, _ = book(uow, coverage)
    return coverage, auth, visit


def change_status(uow: FakeUnitOfWork, visit: Visit, status: str,
                  practice: uuid.UUID = PRACTICE) -> Visit:
    return visits.set_status(uow=uow, clock=CLOCK, registry=REGISTRY, caller=caller(practice),
                             visit_id=visit.id, status=status)


def test_recording_an_authorization_keeps_its_first_state_in_the_history_and_audits_it():
    uow = FakeUnitOfWork()
    auth = record_authorization(uow, verified_coverage(uow), codes=["90837", "90834"])

    found, history = authorizations.get_authorization(uow=uow, clock=CLOCK, caller=caller(),
                                                      auth_id=auth.id)
    assert found is auth and (auth.codes, auth.used, auth.reserved) == ("90834,90837", 0, 0)
    assert [(h.action, h.changes["after"]["quantity"]) for h in history] == [("create", 10)]
    assert [(r.action, r.resource_type) for r in uow.audit_rows[-2:]] == [
        ("create", "authorization"), ("read", "authorization")]


def test_editing_an_authorization_keeps_what_changed_and_who_changed_it():
    uow = FakeUnitOfWork()
    auth = record_authorization(uow, verified_coverage(uow))

    authorizations.amend_authorization(uow=uow, clock=CLOCK, registry=REGISTRY,
                                       caller=caller(), auth_id=auth.id,
                                       data={"quantity": 12, "number": "PA-100"})

    _, history = authorizations.get_authorization(uow=uow, clock=CLOCK, caller=caller(),
                                                  auth_id=auth.id)
    assert auth.quantity == 12
    assert [(h.action, h.actor, h.changes) for h in history[1:]] == [
        ("update", "api_key:test", {"quantity": {"before": 10, "after": 12}})]


def test_a_cut_re_counts_the_visits_ahead_and_the_latest_loses_its_authorization():
    uow = FakeUnitOfWork()
    coverage, auth, first = booked(uow)
    later, _ = book(uow, coverage, date=TODAY + timedelta(days=14), external_id="EHR-V2")

    authorizations.amend_authorization(uow=uow, clock=CLOCK, registry=REGISTRY,
                                       caller=caller(), auth_id=auth.id, data={"quantity": 1})

    assert (auth.reserved, auth.remaining, auth.overcommitted) == (1, 0, 0)
    assert first.authorization_id == auth.id and later.authorization_id is None
    assert later.verdict is not None and later.verdict["status"] == "not_covered"
    assert "AUTH_EXHAUSTED" in {r["code"] for r in later.verdict["reasons"]}
    # Both visits' verdicts changed (the first now leaves none: AUTH_LOW), so both are audited.
    assert [(r.action, r.resource_type, r.resource_id) for r in uow.audit_rows[-3:]] == [
        ("update", "authorization", str(auth.id)), ("update", "visit", str(first.id)),
        ("update", "visit", str(later.id))]


def test_an_end_date_before_the_start_date_is_refused_and_nothing_is_written():
    uow = FakeUnitOfWork()
    auth = record_authorization(uow, verified_coverage(uow))
    commits, audited = uow.commits, len(uow.audit_rows)

    with pytest.raises(InvalidInput) as refused:
        authorizations.amend_authorization(uow=uow, clock=CLOCK, registry=REGISTRY,
                                           caller=caller(), auth_id=auth.id,
                                           data={"end_date": TODAY - timedelta(days=1)})

    assert "end_date" in refused.value.errors
    assert (uow.commits, len(uow.audit_rows)) == (commits, audited)
    assert len(uow.authorizations.changes(auth.id)) == 1


def test_a_second_authorization_with_the_same_number_is_a_field_error():
    uow = FakeUnitOfWork()
    coverage = verified_coverage(uow)
    record_authorization(uow, coverage)

    with pytest.raises(InvalidInput) as refused:
        record_authorization(uow, coverage, quantity=4)

    assert "number" in refused.value.errors
    assert [a.quantity for a in uow.authorizations.for_coverage(coverage.id)] == [10]


def test_booking_a_visit_reserves_a_unit_of_the_authorization_that_fits():
    uow = FakeUnitOfWork()
    coverage = verified_coverage(uow)
    auth = record_authorization(uow, coverage)

    visit, created = book(uow, coverage)

    assert created and visit.authorization_id == auth.id
    assert (visit.effect, visit.units, auth.reserved, auth.used) == ("reserve", 1, 1, 0)
    assert visit.verdict is not None and visit.verdict["status"] == "covered"
    assert uow.audit_rows[-1].action == "create"


def test_the_last_unit_goes_to_one_visit_and_the_next_is_not_covered():
    uow = FakeUnitOfWork()
    coverage = verified_coverage(uow)
    auth = record_authorization(uow, coverage, quantity=1)

    first, _ = book(uow, coverage, external_id="EHR-V1")
    second, _ = book(uow, coverage, external_id="EHR-V2")

    assert (first.authorization_id, auth.reserved) == (auth.id, 1)
    assert second.authorization_id is None and second.units == 0
    assert second.verdict is not None and second.verdict["status"] == "not_covered"


def test_completing_a_visit_turns_its_reserved_unit_into_a_used_one():
    uow = FakeUnitOfWork()
    _, auth, visit = booked(uow)

    done = change_status(uow, visit, "completed")

    assert (done.effect, auth.reserved, auth.used) == ("use", 0, 1)
    assert done.verdict is None


def test_cancelling_a_visit_gives_its_unit_back():
    uow = FakeUnitOfWork()
    coverage, auth, visit = booked(uow)

    cancelled = change_status(uow, visit, "cancelled")

    assert (cancelled.effect, cancelled.units, auth.reserved, auth.used) == ("release", 0, 0, 0)
    assert [v.status for v in visits.list_visits(
        uow=uow, clock=CLOCK, caller=caller(), coverage_id=coverage.id, start=None,
        end=None)] == ["cancelled"]


def test_moving_a_visit_to_another_coverage_gives_back_what_it_held_on_the_first():
    uow = FakeUnitOfWork()
    first = verified_coverage(uow)
    second = verified_coverage(uow, member_id="ZZT0000004", priority="secondary")
    old = record_authorization(uow, first, number="PA-1")
    new = record_authorization(uow, second, number="PA-2")
    visit, _ = book(uow, first)

    moved, created = book(uow, second)

    assert not created and moved is visit and moved.coverage_id == second.id
    assert moved.authorization_id == new.id
    assert (old.reserved, new.reserved) == (0, 1)


def test_resolving_a_derived_alert_takes_it_off_the_open_list():
    uow = FakeUnitOfWork()
    uow.given(Practice(id=PRACTICE, name="Northside Counseling", npi="1234567893",
                       created_at=CLOCK(), config_version=0))
    coverage = verified_coverage(uow)
    record_authorization(uow, coverage, quantity=1)
    book(uow, coverage)
    book(uow, coverage, external_id="EHR-V2", date=TODAY + timedelta(days=14))
    source = AlertSource()

    def listed(include_resolved: bool = False) -> list[tuple[str, bool]]:
        page = alerts.list_alerts(uow=uow, source=source, clock=CLOCK, caller=caller(),
                                  kind=None, coverage_id=coverage.id,
                                  include_resolved=include_resolved)
        return [(a.kind, a.resolved_at is not None) for a in page.items]

    assert listed() == [("auth_exhausted", False), ("visit_not_covered", False)]
    exhausted = alerts.list_alerts(uow=uow, source=source, clock=CLOCK, caller=caller(),
                                   kind="auth_exhausted", coverage_id=None,
                                   include_resolved=False).items[0]

    view = alerts.resolve(uow=uow, source=source, clock=CLOCK, caller=caller(),
                          alert_id=exhausted.id)

    assert (view.id, view.resolved_at, view.resolved_by) == (exhausted.id, CLOCK(),
                                                             "api_key:test")
    assert listed() == [("visit_not_covered", False)]
    assert ("auth_exhausted", True) in listed(include_resolved=True)
    assert (uow.audit_rows[-1].action, uow.audit_rows[-1].resource_id) == (
        "update", str(exhausted.id))


def test_another_practices_ids_are_not_found_and_nothing_is_written():
    uow = FakeUnitOfWork()
    coverage, auth, visit = booked(uow)
    commits, stranger = uow.commits, caller(OTHER)

    with pytest.raises(NotFound):
        authorizations.get_authorization(uow=uow, clock=CLOCK, caller=stranger,
                                         auth_id=auth.id)
    with pytest.raises(NotFound):
        authorizations.amend_authorization(uow=uow, clock=CLOCK, registry=REGISTRY,
                                           caller=stranger, auth_id=auth.id,
                                           data={"quantity": 1})
    with pytest.raises(NotFound):
        change_status(uow, visit, "cancelled", practice=OTHER)
    with pytest.raises(NotFound):
        visits.book_visit(uow=uow, clock=CLOCK, registry=REGISTRY, caller=stranger,
                          data={"coverage_id": coverage.id, "date": TODAY, "code": "90837"})
    with pytest.raises(NotFound):
        alerts.resolve(uow=uow, source=AlertSource(), clock=CLOCK, caller=stranger,
                       alert_id=uuid.uuid4())

    assert uow.commits == commits
    assert (auth.quantity, auth.reserved, visit.status) == (10, 1, "scheduled")


def test_changing_a_visit_reallocates_it_and_keeps_what_changed():
    uow = FakeUnitOfWork()
    _, auth, visit = booked(uow)

    changed = visits.update_visit(uow=uow, clock=CLOCK, registry=REGISTRY, caller=caller(),
                                  visit_id=visit.id, data={"code": "90834", "minutes": 45})

    assert (changed.authorization_id, changed.units, auth.reserved) == (None, 0, 0)
    history = visit_history.visit_history(uow=uow, clock=CLOCK, caller=caller(),
                                          visit_id=visit.id)
    assert [h.action for h in history] == ["create", "update"]
    assert history[1].changes["code"] == {"before": "90837", "after": "90834"}


def test_a_visit_is_not_moved_to_another_patients_coverage():
    uow = FakeUnitOfWork()
    _, auth, visit = booked(uow)
    stranger, _ = patients.upsert_patient(uow=uow, clock=CLOCK, caller=caller(),
                                          data={**PERSON, "external_id": "EHR-8"})
    theirs = coverages.create_coverage(
        uow=uow, clock=CLOCK, caller=caller(), patient_id=stranger.id, payer_ids={"sandbox"},
        data={"payer": "sandbox", "member_id": "ZZT0000003", "relationship": "self"})
    commits = uow.commits

    with pytest.raises(Conflict) as refused:
        book(uow, theirs)

    assert (refused.value.code, refused.value.ids) == (
        "VISIT_OF_ANOTHER_PATIENT", {"visit_id": str(visit.id)})
    assert uow.commits == commits and visit.authorization_id == auth.id


def test_deleting_a_visit_releases_it_once_and_hides_it():
    uow = FakeUnitOfWork()
    coverage, auth, visit = booked(uow)

    for _ in range(2):
        visits.delete_visit(uow=uow, clock=CLOCK, caller=caller(), visit_id=visit.id)

    assert (auth.reserved, visit.status, visit.authorization_id) == (0, "deleted", None)
    with pytest.raises(NotFound):
        visits.get_visit(uow=uow, clock=CLOCK, caller=caller(), visit_id=visit.id)
    assert visits.list_visits(uow=uow, clock=CLOCK, caller=caller(), coverage_id=coverage.id,
                              start=None, end=None) == []
    assert [h.action for h in visit_history.visit_history(
        uow=uow, clock=CLOCK, caller=caller(), visit_id=visit.id)] == ["create", "delete"]
    assert [r.action for r in uow.audit_rows if r.action == "delete"] == ["delete"]
