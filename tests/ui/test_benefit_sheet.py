"""The client's benefits sheet and the practice's verification-of-benefits record, as pages
and as PDFs, against the sandbox payer: what they say, the member-ID box, and tenancy."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from tests.support.builders import VALID_NPIS, bearer, new_practice
from tests.support.people import PEOPLE
from tests.support.web import post, signed_in_client


@pytest.fixture
def desk(app):
    practice_id, key = new_practice(app, name="Northside Counseling")
    return {"client": signed_in_client(app, practice_id), "key": key, "app": app}


def checked(client, person, member_id: str) -> str:
    """Intake of the person with the member id; the id of the check it ran."""
    form = {**person.patient_json(), "payer": "sandbox", "member_id": member_id,
            "relationship": "self", "network_status": "in"}
    response = post(client, "/app/intake", form)
    assert response.status_code == 302, response.text
    return re.fullmatch(r"/app/checks/([0-9a-f-]{36})", response.headers["Location"]).group(1)


def pdf_text(response) -> tuple[str, int]:
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(response.data))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def test_the_sheet_shows_the_cost_of_a_session_progress_visits_and_source(desk):
    check_id = checked(desk["client"], PEOPLE[0], "ZZT0000001")
    page = desk["client"].get(f"/app/checks/{check_id}/sheet").text
    for text in ("Northside Counseling", "Your insurance benefits for therapy",
                 f"Prepared for {PEOPLE[0].first_name} {PEOPLE[0].last_name}", "SANDBOX PPO",
                 "What a session will cost you", "$25.00",
                 "for a 60-minute therapy session (90837): your copay",
                 "Assumes the copay applies to this visit without a deductible first.",
                 "$374.50 of $500.00 met, <strong>$125.50 left</strong>",
                 "$800.00 of $3,000.00 met, <strong>$2,200.00 left</strong>",
                 "Not needed for therapy visits", "No limit reported",
                 "Checked 2026-11-02 15:00 UTC with the payer (271)."):
        assert text in page, text
    assert "ZZT0000001" not in page
    assert 'name="member_id" value="1"' in page and "Include member ID" in page
    assert f'href="/app/checks/{check_id}.pdf"' in page


def test_the_member_id_is_on_the_sheet_and_its_pdf_only_when_the_box_is_ticked(desk):
    check_id = checked(desk["client"], PEOPLE[0], "ZZT0000001")
    ticked = desk["client"].get(f"/app/checks/{check_id}/sheet?member_id=1").text
    assert "member ID ZZT0000001" in ticked
    assert f'href="/app/checks/{check_id}.pdf?member_id=1"' in ticked
    assert re.search(r'name="member_id" value="1"\s+checked', ticked)
    other_value = desk["client"].get(f"/app/checks/{check_id}/sheet?member_id=yes").text
    assert "ZZT0000001" not in other_value
    plain, pages = pdf_text(desk["client"].get(f"/app/checks/{check_id}.pdf"))
    assert "$25.00" in plain and "ZZT0000001" not in plain and pages == 1
    with_id, _ = pdf_text(desk["client"].get(f"/app/checks/{check_id}.pdf?member_id=1"))
    assert "ZZT0000001" in with_id


def test_visits_left_and_a_needed_authorization_are_on_the_sheet(desk):
    limited = checked(desk["client"], PEOPLE[1], "ZZT0000002")
    page = desk["client"].get(f"/app/checks/{limited}/sheet").text
    assert "Visits left" in page and "<strong>8 remaining</strong>" in page
    text, _ = pdf_text(desk["client"].get(f"/app/checks/{limited}.pdf"))
    assert "8 remaining" in text
    auth = checked(desk["client"], PEOPLE[2], "ZZT0000003")
    assert "<strong>Needed</strong>" in desk["client"].get(f"/app/checks/{auth}/sheet").text


def test_the_estimate_is_for_the_code_the_practice_books_most_at_its_allowed_amount(desk):
    client, key = desk["client"], desk["key"]
    check_id = checked(client, PEOPLE[0], "ZZT0000001")
    coverage_id = desk["app"].test_client().get(
        f"/v1/eligibility-checks/{check_id}", headers=bearer(key)).json["coverage_id"]
    api = desk["app"].test_client()
    for day, code in (("2026-11-09", "90834"), ("2026-11-16", "90834"), ("2026-11-23", "90837")):
        booked = api.post("/v1/visits", headers=bearer(key), json={
            "coverage_id": coverage_id, "date": day, "code": code})
        assert booked.status_code == 201, booked.json
    fee = api.put("/v1/fee-schedule", headers=bearer(key),
                  json={"payer": "sandbox", "code": "90834", "allowed_amount": "20.00"})
    assert fee.status_code == 200, fee.json
    page = client.get(f"/app/checks/{check_id}/sheet").text
    assert "for a 45-minute therapy session (90834)" in page
    assert "The allowed amount is below the copay, so the client pays the allowed amount." in page
    assert "$20.00" in page


def test_an_inactive_plan_gives_no_estimate_and_says_so(desk):
    check_id = checked(desk["client"], PEOPLE[0], "ZZT0000005")
    page = desk["client"].get(f"/app/checks/{check_id}/sheet").text
    assert "<strong>Not active</strong>" in page and "Not known yet" in page
    assert "No eligibility answer is on file" in page


def test_a_rejected_check_s_sheet_confirms_nothing_and_its_record_gives_the_reason(desk):
    check_id = checked(desk["client"], PEOPLE[3], "ZZT0000072")
    page = desk["client"].get(f"/app/checks/{check_id}/sheet").text
    assert "<strong>Not confirmed</strong>" in page and "Not known yet" in page
    record = desk["client"].get(f"/app/checks/{check_id}/vob").text
    assert "Rejected by the payer" in record and "(code 72)" in record
    assert "What the payer answered" not in record


def test_out_of_network_the_sheet_estimates_from_the_out_of_network_figures(desk):
    form = {**PEOPLE[4].patient_json(), "payer": "sandbox", "member_id": "ZZT0000001",
            "relationship": "self", "network_status": "out"}
    response = post(desk["client"], "/app/intake", form)
    check_id = response.headers["Location"].rsplit("/", 1)[1]
    fee = desk["app"].test_client().put(
        "/v1/fee-schedule", headers=bearer(desk["key"]),
        json={"payer": "sandbox", "code": "90837", "allowed_amount": "150.00"})
    assert fee.status_code == 200, fee.json
    page = desk["client"].get(f"/app/checks/{check_id}/sheet").text
    assert "out of network for this plan" in page
    assert "out-of-network benefits from the latest eligibility answer" in page
    assert "$50.00" in page and "your copay" in page  # the sandbox plan's out-of-network copay
    text, pages = pdf_text(desk["client"].get(f"/app/checks/{check_id}.pdf"))
    assert pages == 1 and "$50.00" in text and "out-of-network" in text


def test_the_vob_record_lists_everything_checked_with_its_references(desk):
    check_id = checked(desk["client"], PEOPLE[0], "ZZT0000001")
    page = desk["client"].get(f"/app/checks/{check_id}/vob").text
    for text in ("Verification of benefits", "Northside Counseling", "member ID ZZT0000001",
                 f"born {PEOPLE[0].birth_date}", "Sandbox", "payer (271)", f"check {check_id}",
                 "trace number", "control number", "Copay per visit", "Coinsurance",
                 "Out-of-pocket maximum", "$125.50 remaining", "$2,200.00 remaining",
                 "Visit limit", "Authorization", "Not required", "Run by",
                 "front_desk-", "Provider NPI"):
        assert text in page, text
    assert "Include member ID" not in page
    text, _ = pdf_text(desk["client"].get(f"/app/checks/{check_id}/vob.pdf"))
    assert "ZZT0000001" in text and "Copay per visit" in text and check_id in text


def test_another_practice_s_check_is_not_found_on_every_printable_address(desk, app):
    check_id = checked(desk["client"], PEOPLE[0], "ZZT0000001")
    elsewhere, _ = new_practice(app, name="Elsewhere Therapy", npi=VALID_NPIS[1])
    stranger = signed_in_client(app, elsewhere)
    for path in ("/sheet", ".pdf", "/vob", "/vob.pdf", "/sheet?member_id=1"):
        response = stranger.get(f"/app/checks/{check_id}{path}")
        assert response.status_code == 404, path
        assert b"ZZT0000001" not in response.data and b"%PDF" not in response.data


def test_the_pdf_is_a_download_named_by_id_and_logs_no_patient_data(desk, caplog):
    check_id = checked(desk["client"], PEOPLE[0], "ZZT0000001")
    caplog.clear()
    response = desk["client"].get(f"/app/checks/{check_id}.pdf?member_id=1")
    assert response.headers["Content-Disposition"] == \
        f'attachment; filename="benefits-{check_id}.pdf"'
    logged = caplog.text
    for phi in ("ZZT0000001", PEOPLE[0].first_name, PEOPLE[0].last_name, PEOPLE[0].birth_date):
        assert phi not in logged


def test_signed_out_every_printable_address_leads_to_the_sign_in_page(desk, app):
    check_id = checked(desk["client"], PEOPLE[0], "ZZT0000001")
    anonymous = app.test_client()
    for path in ("/sheet", ".pdf", "/vob", "/vob.pdf"):
        response = anonymous.get(f"/app/checks/{check_id}{path}")
        assert response.status_code == 302, path
        assert response.headers["Location"].endswith("/app/login"), path
