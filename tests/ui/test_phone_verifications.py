"""Recording a phone verification from the client's coverage: labelled inputs, messages beside
their fields, and the answer shown by phone with the representative and the call reference."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from service.db.models import EligibilityCheck
from tests.support.builders import bearer, create_coverage, create_patient, new_practice
from tests.support.people import PEOPLE
from tests.support.web import post, signed_in_client

CALL = {"verified_at": "2026-11-02T14:30", "rep_name": "Dana", "reference": "CALL-5521",
        "active": "yes", "auth_required": "no", "network": "in", "plan_begin": "2026-01-01",
        "plan_end": "2026-12-31", "copay": "30.00", "coinsurance": "0.20",
        "deductible": "500.00", "deductible_remaining": "120.00", "out_of_pocket": "",
        "out_of_pocket_remaining": "", "visit_limit": "30", "visits_remaining": "24",
        "notes": "Outpatient therapy confirmed."}


@pytest.fixture
def desk(app):
    practice_id, key = new_practice(app)
    api = app.test_client()
    patient = create_patient(api, key, PEOPLE[0])
    coverage = create_coverage(api, key, patient["id"], PEOPLE[0], member_id="ZZT0000001")
    booked = api.post("/v1/visits", headers=bearer(key), json={
        "coverage_id": coverage["id"], "date": "2026-11-09", "code": "90834", "minutes": 45})
    assert booked.status_code == 201, booked.json
    return {"client": signed_in_client(app, practice_id), "app": app,
            "coverage": coverage, "visit": booked.json,
            "form": f"/app/coverages/{coverage['id']}/phone-verifications/new",
            "page": f"/app/clients/{patient['id']}"}


def test_the_client_page_links_to_a_form_with_a_label_for_every_input(desk):
    page = desk["client"].get(desk["page"]).text
    assert desk["form"] in page and "Record a phone verification" in page
    form = desk["client"].get(desk["form"])
    assert form.status_code == 200
    for name in (*CALL, "csrf_token"):
        assert f'name="{name}"' in form.text, name
        if name != "csrf_token":
            assert f'for="{name}"' in form.text, name


def test_a_wrong_figure_comes_back_beside_its_field_and_nothing_is_stored(desk):
    sent = post(desk["client"], desk["form"], {**CALL, "deductible_remaining": "900.00"})
    assert sent.status_code == 422
    assert 'id="deductible_remaining-error"' in sent.text and "More is left" in sent.text
    assert 'value="CALL-5521"' in sent.text  # what was typed stays
    rate = post(desk["client"], desk["form"], {**CALL, "coinsurance": "20"})
    assert rate.status_code == 422
    assert 'id="coinsurance-error"' in rate.text and "A rate from 0 to 1" in rate.text
    with desk["app"].extensions["coverwatch"].uow() as work:
        assert work.session.scalars(select(EligibilityCheck)).all() == []


def test_a_form_without_its_csrf_token_is_refused(desk):
    sent = desk["client"].post(desk["form"], data=CALL)
    assert sent.status_code in (400, 403)
    with desk["app"].extensions["coverwatch"].uow() as work:
        assert work.session.scalars(select(EligibilityCheck)).all() == []


def test_a_saved_call_shows_by_phone_and_turns_the_visit_covered(desk):
    before = desk["client"].get(desk["page"]).text
    assert "At risk" in before and "has never been verified" in before
    sent = post(desk["client"], desk["form"], CALL)
    assert sent.status_code == 302 and sent.headers["Location"] == desk["page"]
    page = desk["client"].get(desk["page"]).text
    assert "Phone verification recorded." in page
    assert "by phone" in page and "Dana" in page and "reference CALL-5521" in page
    assert "has never been verified" not in page and "Nothing to worry about." in page
    with desk["app"].extensions["coverwatch"].uow() as work:
        [check] = work.session.scalars(select(EligibilityCheck)).all()
    assert check.source == "phone" and check.checked_at.isoformat() == "2026-11-02T14:30:00+00:00"
    card = desk["client"].get(f"/app/checks/{check.id}").text
    assert "Verified by phone" in card and "CALL-5521" in card and "$30.00" in card
