"""The front desk web app in Chromium: sign-in and throttling, intake to the benefits card,
authorizations, alerts and the dashboard, against the sandbox payer and the test database."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest

from service.db.models import ReverificationItem, ReverificationRun
from tests.browser.conftest import shot
from tests.support.builders import bearer, create_coverage, create_patient, new_practice
from tests.support.people import PEOPLE
from tests.support.web import PASSWORD, new_user

expect = pytest.importorskip("playwright.sync_api").expect
pytestmark = pytest.mark.browser


@pytest.fixture
def practice(app):
    practice_id, key = new_practice(app)
    return {"id": practice_id, "key": key,
            "desk": new_user(app, practice_id, role="front_desk", email="desk@clinic.example")}


def sign_in(page, email="desk@clinic.example", password=PASSWORD):
    page.goto("/app/")
    assert page.url.endswith("/app/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def intake(page, person, member_id, relationship="self"):
    page.get_by_role("link", name="New client", exact=True).click()
    page.get_by_label("First name", exact=True).fill(person.first_name)
    page.get_by_label("Last name", exact=True).fill(person.last_name)
    page.get_by_label("Date of birth", exact=True).fill(person.birth_date)
    page.get_by_label("Payer").select_option("sandbox")
    page.get_by_label("Member ID", exact=True).fill(member_id)
    page.get_by_label("Relationship to subscriber").select_option(relationship)
    page.get_by_role("button", name="Check eligibility").click()
    page.wait_for_url(re.compile(r"/app/checks/[0-9a-f-]{36}$"))


def test_five_wrong_passwords_hold_back_this_browser_s_address(page, practice, request):
    for n in range(5):
        sign_in(page, password=f"wrong password {n}")
    assert "The email or password is not right" in page.get_by_role("alert").inner_text()
    sign_in(page)  # the right password, from the address that guessed
    alert = page.get_by_role("alert")
    assert "Too many failed sign-ins from this address" in alert.inner_text()
    shot(page, request, "throttled")
    assert page.url.endswith("/app/login")


def test_the_sign_in_form_works_with_the_keyboard_alone(page, practice):
    page.goto("/app/login")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "email"
    page.keyboard.type("desk@clinic.example")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/app/schedule$"))
    expect(page.get_by_role("heading", name="Schedule")).to_be_visible()


def test_intake_of_an_active_client_ends_on_a_benefits_card_with_copays(page, practice,
                                                                           request):
    sign_in(page)
    page.get_by_role("link", name="New client", exact=True).click()
    subscriber = page.locator("#subscriber")
    expect(subscriber).to_be_hidden()  # the client holds the policy (once the script ran)
    page.get_by_label("Relationship to subscriber").select_option("spouse")
    expect(subscriber).to_be_visible()
    expect(page.get_by_label("Subscriber first name")).to_be_visible()
    page.get_by_label("Relationship to subscriber").select_option("self")
    intake(page, PEOPLE[0], "ZZT0000001")
    card = page.locator("article.card")
    assert "Active" in card.locator(".badge.big").inner_text()
    text = card.inner_text()
    for expected in ("SANDBOX PPO", "$25.00", "$50.00", "$125.50 remaining",
                     "Checked 2026-11-02 15:00 UTC by desk@clinic.example"):
        assert expected in text
    assert page.title() == "Benefits · Coverwatch"
    shot(page, request, "benefits-card")
    page.get_by_role("button", name="Check again").click()
    page.wait_for_url(re.compile(r"/app/checks/"))
    assert "Active" in page.locator(".badge.big").inner_text()


def test_a_rejected_member_id_shows_the_next_step_in_one_sentence(page, practice, request):
    sign_in(page)
    intake(page, PEOPLE[1], "ZZT0000072")
    assert "Could not verify" in page.locator(".badge.big").inner_text()
    expect(page.get_by_text(
        "The member ID was not recognized — check the card and try again.")).to_be_visible()
    shot(page, request, "rejection")


def test_a_carve_out_names_the_company_and_checks_there(page, practice, request):
    sign_in(page)
    intake(page, PEOPLE[2], "ZZT0000004")
    heading = page.get_by_role("heading", name=re.compile("Behavioral health is managed by"))
    assert "SANDBOX BEHAVIORAL HEALTH, call 800-555-0142" in heading.inner_text()
    shot(page, request, "carve-out")
    page.get_by_role("button", name=re.compile("^Check with Sandbox Behavioral Health")).click()
    page.wait_for_url(re.compile(r"/app/checks/"))
    assert "Active" in page.locator(".badge.big").inner_text()
    expect(page.get_by_role("link", name="Open the plan's own check")).to_be_visible()


def bar_widths(page):
    return {key: float(page.locator(f"svg.share rect.s-{key}").first.get_attribute("width"))
            if page.locator(f"svg.share rect.s-{key}").count() else 0.0
            for key in ("used", "scheduled", "remaining")}


def test_an_added_authorization_shows_visits_booked_through_the_api(page, practice, server,
                                                                     app, request):
    sign_in(page)
    intake(page, PEOPLE[3], "ZZT0000003")
    page.get_by_role("link", name="Open the client's file").click()
    page.get_by_role("link", name="Add an authorization").click()
    page.get_by_label("Authorization number").fill("AUTH-500")
    page.get_by_label("Quantity approved").fill("6")
    page.get_by_label("Start date").fill("2026-11-01")
    page.get_by_label("End date").fill("2026-12-31")
    page.get_by_label("Procedure codes").fill("90837, 90834")
    page.get_by_role("button", name="Save authorization").click()
    expect(page.get_by_text("Authorization added.")).to_be_visible()
    counts = page.locator(".auth-counts").inner_text()
    assert "0 used" in counts and "0 scheduled" in counts and "6 remaining" in counts
    before = bar_widths(page)
    assert before["scheduled"] == 0 and before["remaining"] == 300.0

    coverage_id = re.search(r"/app/coverages/([0-9a-f-]{36})/",
                            page.locator("form[action$='/check']").get_attribute("action"))
    api = app.test_client()
    for day in ("2026-11-09", "2026-11-16"):
        booked = api.post("/v1/visits", headers=bearer(practice["key"]), json={
            "coverage_id": coverage_id.group(1), "date": day, "code": "90837", "minutes": 55})
        assert booked.status_code == 201
    page.reload()
    counts = page.locator(".auth-counts").inner_text()
    assert "2 scheduled" in counts and "4 remaining" in counts and "ends 2026-12-31" in \
        page.locator(".auth").inner_text()
    after = bar_widths(page)
    assert after["scheduled"] == 100.0 and after["remaining"] == 200.0
    assert page.locator("table.visits tbody tr").count() == 2
    shot(page, request, "client")


def test_an_alert_links_to_the_client_and_can_be_resolved(page, practice, request):
    sign_in(page)
    intake(page, PEOPLE[4], "ZZT0000005")
    page.get_by_role("link", name="Alerts").click()
    group = page.locator("section.alert-group[data-kind='coverage_inactive']")
    assert "Coverage inactive" in group.get_by_role("heading").inner_text()
    group.get_by_role("link", name="Open the client").click()
    expect(page.get_by_role("heading", name=f"{PEOPLE[4].first_name} {PEOPLE[4].last_name}"))\
        .to_be_visible()
    page.go_back()
    shot(page, request, "alerts")
    page.locator("section.alert-group[data-kind='coverage_inactive']").get_by_role(
        "button", name=re.compile("^Resolve")).click()
    expect(page.get_by_text("Alert resolved.")).to_be_visible()
    assert page.locator("section.alert-group[data-kind='coverage_inactive']").count() == 0


def seed_a_month_of_checks(app, key, clock):
    """Checks over the last weeks through the API (the clock moved back for each), an
    authorization running low and visits ahead: what a practice's month looks like."""
    api, now = app.test_client(), clock.now
    members = ("ZZT0000001", "ZZT0000002", "ZZT0000003", "ZZT0000005", "ZZT0000072",
               "ZZT0000500", "ZZT0000001", "ZZT0000042", "ZZT0000004", "ZZT0000001")
    coverages = []
    for n, member_id in enumerate(members):
        clock.now = now - timedelta(days=27 - 3 * n, hours=n)
        person = PEOPLE[n % len(PEOPLE)]
        patient = api.post("/v1/patients", headers=bearer(key), json=person.patient_json())
        coverage = api.post(f"/v1/patients/{patient.json['id']}/coverages", headers=bearer(key),
                            json={"payer": "sandbox", "member_id": member_id,
                                  "relationship": "self"}).json
        for _ in range(1 + n % 3):
            api.post("/v1/eligibility-checks", headers=bearer(key),
                     json={"coverage_id": coverage["id"], "force": True})
        coverages.append(coverage["id"])
    clock.now = now
    auth = api.post("/v1/authorizations", headers=bearer(key), json={
        "coverage_id": coverages[2], "number": "AUTH-31", "quantity": 3,
        "start_date": "2026-10-01", "end_date": "2026-11-12", "codes": ["90837"]})
    assert auth.status_code == 201, auth.json
    for day, coverage_id in (("2026-11-04", coverages[2]), ("2026-11-06", coverages[0]),
                             ("2026-11-09", coverages[3]), ("2026-11-11", coverages[2]),
                             ("2026-11-13", coverages[1])):
        api.post("/v1/visits", headers=bearer(key), json={
            "coverage_id": coverage_id, "date": day, "code": "90837", "minutes": 55})
    return coverages


def test_the_dashboard_draws_its_charts(page, practice, app, clock, request):
    admin = new_user(app, practice["id"], role="admin", email="manager@clinic.example")
    sign_in(page, admin.email)
    coverages = seed_a_month_of_checks(app, practice["key"], clock)
    wiring = app.extensions["coverwatch"]
    with wiring.uow() as work:
        run = ReverificationRun(id=uuid.uuid4(), practice_id=None, status="finished",
                                mode="inline", options={}, selected=5,
                                requested_by="job:nightly",
                                created_at=clock() - timedelta(hours=10),
                                finished_at=clock() - timedelta(hours=9))
        work.session.add(run)
        work.session.flush()
        for n, coverage_id in enumerate(coverages[:4]):
            work.session.add(ReverificationItem(
                run_id=run.id, practice_id=practice["id"], coverage_id=uuid.UUID(coverage_id),
                payer="sandbox", state="done", attempts=1,
                outcome="inactive" if n == 3 else "active",
                changes=[{"field": "status", "label": "Coverage status", "before": "active",
                          "after": "inactive"}] if n == 3 else None))
        work.commit()
    page.get_by_role("link", name="Dashboard").click()
    charts = page.locator("svg.chart[role='img']")
    assert charts.count() >= 4
    labels = [charts.nth(n).get_attribute("aria-label") for n in range(charts.count())]
    assert "Eligibility checks per day over the last 30 days, by result" in labels
    assert page.locator("svg.chart rect.s-active").count() >= 1
    assert "Coverage status" in page.get_by_role("table").last.inner_text()
    assert "Authorization AUTH-31" in page.locator("#auths-title + ul").inner_text()
    assert "Finished" in page.locator(".kpis").inner_text()
    shot(page, request, "dashboard")


def test_a_phone_verification_turns_an_unverified_visit_covered(page, practice, app, request):
    # Given a client whose coverage was never checked, with a visit booked through the API
    api = app.test_client()
    patient = create_patient(api, practice["key"], PEOPLE[4])
    coverage = create_coverage(api, practice["key"], patient["id"], PEOPLE[4],
                               member_id="ZZT0000001")
    booked = api.post("/v1/visits", headers=bearer(practice["key"]), json={
        "coverage_id": coverage["id"], "date": "2026-11-09", "code": "90834", "minutes": 45})
    assert booked.status_code == 201 and booked.json["verdict"]["status"] == "at_risk"
    sign_in(page)
    page.goto(f"/app/clients/{patient['id']}")
    visit = page.locator("table.visits tbody tr")
    expect(visit).to_contain_text("At risk")
    expect(visit).to_contain_text("has never been verified")
    # When the front desk records what the payer said on the phone
    page.get_by_role("link", name=re.compile("Record a phone verification")).click()
    page.get_by_label("When the payer said it (UTC)").fill("2026-11-02T14:30")
    page.get_by_label("Representative's name").fill("Dana")
    page.get_by_label("Call reference number").fill("CALL-5521")
    page.get_by_label("Coverage active").select_option("yes")
    page.get_by_label("Prior authorization required").select_option("no")
    page.get_by_label("Copay per visit").fill("-30")
    page.get_by_role("button", name="Save phone verification").click()
    # A wrong figure comes back beside its field, with what was typed kept
    expect(page.locator("#copay-error")).to_contain_text("cannot be negative")
    expect(page.get_by_label("Copay per visit")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Call reference number")).to_have_value("CALL-5521")
    page.get_by_label("Copay per visit").fill("30.00")
    page.get_by_label("Visit limit").fill("30")
    page.get_by_label("Visits remaining").fill("24")
    page.get_by_role("button", name="Save phone verification").click()
    # Then the client's page shows the answer by phone and the visit covered
    expect(page.get_by_text("Phone verification recorded.")).to_be_visible()
    history = page.locator("table.history tbody tr").first
    expect(history).to_contain_text("by phone")
    expect(history).to_contain_text("Dana, reference CALL-5521")
    expect(visit).to_contain_text("Covered")
    expect(visit).to_contain_text("Nothing to worry about.")
    shot(page, request, "phone-verification")
