"""The web app's pages against the sandbox payer: intake, benefits card, client file, alerts,
dashboard, and no patient data in any URL or page title."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import event

from service.db.models import ReverificationItem, ReverificationRun
from tests.support.builders import VALID_NPIS, bearer, new_practice
from tests.support.people import PEOPLE
from tests.support.web import post, signed_in_client


def intake(client, person=PEOPLE[0], **card):
    form = {**person.patient_json(), "payer": "sandbox", "member_id": person.member_id,
            "relationship": "self", "network_status": "in", **card}
    return post(client, "/app/intake", form)


@pytest.fixture
def desk(app):
    practice_id, key = new_practice(app)
    return {"client": signed_in_client(app, practice_id), "key": key,
            "practice_id": practice_id, "app": app}


def card_of(client, response):
    assert response.status_code == 302, response.text
    assert re.fullmatch(r"/app/checks/[0-9a-f-]{36}", response.headers["Location"])
    return client.get(response.headers["Location"]).text


def test_intake_of_an_active_member_shows_plan_copays_and_what_remains(desk):
    page = card_of(desk["client"], intake(desk["client"], member_id="ZZT0000001"))
    assert "✓</span> Active" in page
    for text in ("SANDBOX PPO", "$25.00", "$50.00", "10%", "40%", "$500.00",
                 "$125.50 remaining", "$3,000.00", "$2,200.00 remaining", "Check again",
                 f"Benefits for {PEOPLE[0].first_name} {PEOPLE[0].last_name}"):
        assert text in page, text
    assert "Prior authorization required" not in page
    assert re.search(r"Checked 2026-11-02 15:00 UTC by front_desk-\w+@clinic\.example", page)


def test_a_visit_limit_and_a_required_authorization_are_shown(desk):
    limited = card_of(desk["client"], intake(desk["client"], PEOPLE[1], member_id="ZZT0000002"))
    assert "20 visits" in limited and "8 remaining" in limited
    auth = card_of(desk["client"], intake(desk["client"], PEOPLE[2], member_id="ZZT0000003"))
    assert "Prior authorization required" in auth


def test_a_rejected_member_id_gives_the_payers_reason_and_the_next_step(desk):
    page = card_of(desk["client"], intake(desk["client"], member_id="ZZT0000072"))
    assert "Could not verify" in page
    assert "The member ID was not recognized — check the card and try again." in page
    assert "(code 72)" in page


def test_an_inactive_plan_and_a_payer_outage_read_plainly(desk):
    inactive = card_of(desk["client"], intake(desk["client"], member_id="ZZT0000005"))
    assert "✕</span> Inactive" in inactive
    down = card_of(desk["client"], intake(desk["client"], PEOPLE[1], member_id="ZZT0000500"))
    assert "Could not verify" in down and "could not be reached" in down


def test_a_carve_out_names_the_company_its_phone_and_checks_there(desk):
    client = desk["client"]
    page = card_of(client, intake(client, member_id="ZZT0000004"))
    assert "Behavioral health is managed by SANDBOX BEHAVIORAL HEALTH, call 800-555-0142" in page
    linked = re.search(r'href="(/app/checks/[0-9a-f-]{36})">open the check with', page)
    assert linked, "run_check chained to the carve-out payer"
    carved = client.get(linked.group(1)).text
    assert "✓</span> Active" in carved and "Open the plan's own check" in carved
    check_id = re.search(r"/app/checks/([0-9a-f-]{36})/carve-out", page).group(1)
    again = post(client, f"/app/checks/{check_id}/carve-out")
    assert "SANDBOX PPO" in card_of(client, again)


def test_check_again_asks_the_payer_anew(desk):
    client = desk["client"]
    first = intake(client, member_id="ZZT0000001").headers["Location"]
    coverage = re.search(r"/app/coverages/([0-9a-f-]{36})/check", client.get(first).text)
    again = post(client, f"/app/coverages/{coverage.group(1)}/check").headers["Location"]
    assert again != first


@pytest.mark.parametrize(("form", "field", "message"), [
    ({"first_name": ""}, "first_name", "This field is required."),
    ({"member_id": "ZZT*01"}, "member_id", "must not contain the asterisk"),
    ({"birth_date": "2031-01-01"}, "birth_date", "Birth date cannot be in the future."),
    ({"relationship": "spouse"}, "subscriber_last_name", "This field is required."),
    ({"payer": "nobody"}, "payer", "Choose a payer from the list."),
])
def test_intake_mistakes_come_back_beside_their_field(desk, form, field, message):
    answer = intake(desk["client"], PEOPLE[3], **form)
    assert answer.status_code == 422
    assert re.search(rf'id="{field}-error">[^<]*{re.escape(message)}', answer.text)
    found = desk["app"].test_client().get("/v1/patients", headers=bearer(desk["key"]),
                                          query_string={"q": PEOPLE[3].last_name})
    assert found.json["total"] == 0  # nothing half-written


def test_a_spouse_is_checked_with_the_subscribers_data(desk):
    subscriber = {f"subscriber_{k}": v for k, v in PEOPLE[4].subscriber_json().items()}
    page = card_of(desk["client"], intake(desk["client"], PEOPLE[5], relationship="spouse",
                                          **subscriber))
    assert "Active" in page


def client_page(desk, member_id="ZZT0000003"):
    client = desk["client"]
    card = client.get(intake(client, member_id=member_id).headers["Location"]).text
    path = re.search(r'href="(/app/clients/[0-9a-f-]{36})"', card).group(1)
    coverage_id = re.search(r"/app/coverages/([0-9a-f-]{36})/check", card).group(1)
    return path, coverage_id


def test_an_authorization_added_on_the_client_page_counts_visits_booked_by_the_api(desk):
    client, api = desk["client"], desk["app"].test_client()
    path, coverage_id = client_page(desk)
    added = post(client, f"/app/coverages/{coverage_id}/authorizations/new", {
        "number": "AUTH-77", "unit": "visit", "quantity": "4", "start_date": "2026-11-01",
        "end_date": "2026-12-31", "codes": "90837", "status": "approved"})
    assert added.headers["Location"] == path
    assert "0 used" in client.get(path).text and "4 remaining" in client.get(path).text
    for day in (9, 16, 23):
        api.post("/v1/visits", headers=bearer(desk["key"]), json={
            "coverage_id": coverage_id, "date": f"2026-11-{day:02d}", "code": "90837",
            "minutes": 55})
    page = client.get(path).text
    assert "3 scheduled" in page and "1 remaining" in page and "ends 2026-12-31" in page
    assert re.search(r'<span class="badge warn"><span aria-hidden="true">!</span> At risk', page)


def test_a_cut_below_what_visits_hold_shows_how_far_beyond_the_approval_they_are(desk):
    client, api = desk["client"], desk["app"].test_client()
    path, coverage_id = client_page(desk)
    post(client, f"/app/coverages/{coverage_id}/authorizations/new", {
        "number": "AUTH-9", "unit": "visit", "quantity": "2", "start_date": "2026-11-01",
        "end_date": "2026-12-31", "codes": "90837", "status": "approved"})
    done = api.post("/v1/visits", headers=bearer(desk["key"]), json={
        "coverage_id": coverage_id, "date": "2026-11-01", "code": "90837", "minutes": 55}).json
    api.post(f"/v1/visits/{done['id']}/status", headers=bearer(desk["key"]),
             json={"status": "completed"})
    edit = re.search(r'href="(/app/authorizations/[0-9a-f-]{36}/edit)"', client.get(path).text)
    post(client, edit.group(1), {"number": "AUTH-9", "quantity": "0", "codes": "90837",
                                 "start_date": "2026-11-01", "end_date": "2026-12-31",
                                 "status": "approved"})
    page = client.get(path).text
    assert "1 used" in page and "0 remaining" in page
    assert "1 held beyond the approval" in page


def test_authorization_mistakes_and_edits(desk):
    client = desk["client"]
    path, coverage_id = client_page(desk)
    bad = post(client, f"/app/coverages/{coverage_id}/authorizations/new", {
        "number": "A 1", "quantity": "x", "start_date": "2026-12-31", "end_date": "2026-11-01",
        "codes": "9083"})
    assert bad.status_code == 422
    for field in ("number", "quantity", "codes"):
        assert f'id="{field}-error"' in bad.text
    post(client, f"/app/coverages/{coverage_id}/authorizations/new", {
        "number": "AUTH-1", "unit": "visit", "quantity": "10", "start_date": "2026-11-01",
        "end_date": "2026-12-31", "status": "approved"})
    edit = re.search(r'href="(/app/authorizations/[0-9a-f-]{36}/edit)"', client.get(path).text)
    backwards = post(client, edit.group(1), {"number": "AUTH-1", "quantity": "12",
                                             "start_date": "2026-11-01",
                                             "end_date": "2026-10-01", "status": "approved"})
    assert backwards.status_code == 422 and "The end date is before the start date." in \
        backwards.text
    saved = post(client, edit.group(1), {"number": "AUTH-1", "quantity": "12",
                                         "start_date": "2026-11-01", "end_date": "2027-01-31",
                                         "status": "approved"})
    assert saved.headers["Location"] == path
    assert "12 remaining" in client.get(path).text and "ends 2027-01-31" in client.get(path).text


def test_alerts_are_grouped_link_to_the_client_and_can_be_resolved(desk):
    client = desk["client"]
    intake(client, PEOPLE[1], member_id="ZZT0000005")
    intake(client, PEOPLE[2], member_id="ZZT0000072")
    page = client.get("/app/alerts").text
    assert "Coverage inactive" in page and "Eligibility checks failing" in page
    assert page.index("Coverage inactive") < page.index("Eligibility checks failing")
    link = re.search(r'href="(/app/coverages/[0-9a-f-]{36})">Open the client', page).group(1)
    assert re.fullmatch(r"/app/clients/[0-9a-f-]{36}", client.get(link).headers["Location"])
    alert_id = re.search(r"/app/alerts/([0-9a-f-]{36})/resolve", page).group(1)
    assert post(client, f"/app/alerts/{alert_id}/resolve").headers["Location"] == "/app/alerts"
    after = client.get("/app/alerts").text
    assert alert_id not in after and "1 open alert," in after


def test_the_alerts_page_and_the_dashboard_write_no_alert_or_audit_row(desk):
    client, engine = desk["client"], desk["app"].extensions["coverwatch"].engine
    intake(client, PEOPLE[1], member_id="ZZT0000005")
    written: list[str] = []

    def hear(conn, cursor, statement, parameters, context, executemany):
        if re.match(r"\s*(INSERT|UPDATE|DELETE)\b.*\b(alerts|audit_log)\b", statement,
                    re.IGNORECASE | re.DOTALL):
            written.append(statement)

    event.listen(engine, "before_cursor_execute", hear)
    try:
        pages = [client.get(path) for path in ("/app/alerts", "/app/dashboard")]
    finally:
        event.remove(engine, "before_cursor_execute", hear)
    assert [p.status_code for p in pages] == [200, 200]
    assert "Coverage inactive" in pages[0].text
    assert written == []


def test_the_dashboard_counts_checks_visits_payers_and_the_last_run(desk, clock):
    client, app = desk["client"], desk["app"]
    path, coverage_id = client_page(desk, member_id="ZZT0000005")
    intake(client, PEOPLE[1], member_id="ZZT0000001")
    intake(client, PEOPLE[2], member_id="ZZT0000500")
    app.test_client().post("/v1/visits", headers=bearer(desk["key"]), json={
        "coverage_id": coverage_id, "date": "2026-11-05", "code": "90837", "minutes": 55})
    other_practice, _ = new_practice(app, name="Elsewhere", npi=VALID_NPIS[1])
    wiring = app.extensions["coverwatch"]
    with wiring.uow() as work:
        run = ReverificationRun(id=uuid.uuid4(), practice_id=None, status="finished",
                                mode="inline", options={}, selected=3, requested_by="job:nightly",
                                created_at=clock() - timedelta(hours=9),
                                finished_at=clock() - timedelta(hours=8))
        work.session.add(run)
        work.session.flush()
        work.session.add(ReverificationItem(
            run_id=run.id, practice_id=desk["practice_id"], coverage_id=uuid.UUID(coverage_id),
            payer="sandbox", state="done", attempts=1, outcome="inactive",
            changes=[{"field": "status", "label": "Coverage status", "before": "active",
                      "after": "inactive"}]))
        work.commit()
    page = client.get("/app/dashboard").text
    assert re.search(r'class="num">2 <small>of 3</small>', page)  # active + inactive answered
    assert "<small>not covered</small>" in page and re.search(r'class="num">0 <small>at risk'
                                                              r"</small> · 1 <small>not covered",
                                                              page)
    assert "Coverage status" in page and f'href="{path}">Open client' in page
    assert "Finished" in page and page.count("<svg") >= 4
    assert re.search(r"<td>sandbox</td><td>3</td><td>1</td><td>0</td><td>33%</td>", page)
    # The routes panel: the sandbox route's last 24 hours (3 checks, one without an answer)
    assert re.search(r"<td>sandbox</td><td>3</td><td>67%</td><td>[0-9.]+ s / [0-9.]+ s</td>"
                     r"<td>67%</td><td>PAYER_[A-Z_]+ \(1\)</td><td>closed</td>", page)
    assert other_practice  # a practice with no items: the run's count is this practice's only
    assert "1 coverage of this practice" in page
