"""The benefits card says what the payer said beside the figures: the provider out of
network, another payer, other tiers, and mental health left unsaid (a CORE payer on
pytest-httpserver answers)."""

from __future__ import annotations

import re

import pytest
from pytest_httpserver import HTTPServer

from tests.support.builders import new_practice
from tests.support.payer_facts import (
    OUT_OF_NETWORK,
    SAYS_MORE,
    SILENT_ON_MENTAL_HEALTH,
    service_with_route,
)
from tests.support.people import PEOPLE
from tests.support.scripted_payer import ScriptedPayer
from tests.support.web import post, signed_in_client


@pytest.fixture
def desk(db_url, clock, httpserver: HTTPServer):
    payer = ScriptedPayer({"ZZT0000001": [("benefits", SAYS_MORE)],
                           "ZZT0000002": [("benefits", SILENT_ON_MENTAL_HEALTH)]})
    httpserver.expect_request("/core", method="POST").respond_with_handler(payer)
    app = service_with_route(db_url, clock, httpserver.url_for("/core"))
    practice_id, _ = new_practice(app)
    yield signed_in_client(app, practice_id)
    app.extensions["coverwatch"].dispose()


def card(client, person, member_id: str) -> str:
    form = {**person.patient_json(), "payer": "acme", "member_id": member_id,
            "relationship": "self", "network_status": "in"}
    response = post(client, "/app/intake", form)
    assert response.status_code == 302, response.text
    return client.get(response.headers["Location"]).text


def test_the_card_warns_of_an_out_of_network_provider_and_another_payer_and_lists_tiers(desk):
    page = card(desk, PEOPLE[0], "ZZT0000001")
    assert "The payer says this provider is out of network" in page
    assert "the client may owe the out-of-network share" in page
    assert OUT_OF_NETWORK in page
    assert "Other coverage reported" in page
    assert "MEDICARE PART B TEST (payer ID 00000)" in page and "Primary payer" in page
    assert "Other tiers the payer lists" in page and "HIGHEST BENEFIT" in page
    assert "said nothing about mental-health benefits" not in page


def test_the_card_tells_the_front_desk_to_call_when_mental_health_is_left_unsaid(desk):
    page = card(desk, PEOPLE[1], "ZZT0000002")
    assert "The payer said nothing about mental-health benefits" in page
    assert "Call the payer" in page
    assert "The payer says this provider is out of network" not in page
    assert "Other coverage reported" not in page and "Other tiers" not in page


def test_the_vob_record_carries_what_the_payer_said_beside_the_figures(desk):
    page = card(desk, PEOPLE[0], "ZZT0000001")
    vob = re.search(r'href="(/app/checks/[0-9a-f-]{36}/vob)"', page)
    assert vob, "the card links to its verification-of-benefits record"
    record = desk.get(vob.group(1)).text
    assert "The payer says this provider is out of network" in record
    assert "MEDICARE PART B TEST (payer ID 00000)" in record
    assert "Other tiers the payer lists" in record and "HIGHEST BENEFIT" in record
    pdf = desk.get(vob.group(1) + ".pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
