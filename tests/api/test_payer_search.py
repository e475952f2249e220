"""GET /v1/payers?q= finds payers of the catalog by id, alias or name, best match first,
a page at a time by cursor; routes naming a payer show as that one payer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from payers.catalog import parse_catalog, write_catalog
from service import create_app
from tests.api.test_lists import walk
from tests.support.builders import bearer, create_coverage, create_patient, new_practice
from tests.support.openapi import CheckedClient
from tests.support.people import PEOPLE

CATALOG = {"payers": [
    {"id": "tidewater", "name": "Tidewater Health Test", "aliases": {"sandbox": "TIDE01"},
     "other_ids": ["77001"], "transactions": ["270", "278"], "service_types": ["30", "MH"]},
    {"id": "tidewater-bho", "name": "Tidewater Behavioral Test",
     "aliases": {"sandbox": "TIDEBH"}, "enrollment_required": True},
    {"id": "harbor", "name": "Harbor Lights Test", "aliases": {"sandbox": "HRB77"}},
]}
DIRECTORY = """payers:
  - {id: tide-a, payer: tidewater, adapter: sandbox}
  - {id: tide-b, payer: tidewater, adapter: sandbox}
  - {id: tide-bho, payer: tidewater-bho, adapter: sandbox}
  - {id: harbor-route, payer: harbor, adapter: sandbox}
  - {id: legacy, name: Old Format Mutual Test, payer_id: OLD01, adapter: sandbox}
"""


@pytest.fixture
def app(db_url: str, tmp_path: Path, clock) -> Iterator[Flask]:
    write_catalog(tmp_path / "catalog.json", parse_catalog(CATALOG))
    (tmp_path / "payers.yaml").write_text(DIRECTORY)
    application = create_app({"database_url": db_url, "payers_file": tmp_path / "payers.yaml",
                              "payer_catalog_file": tmp_path / "catalog.json"}, clock=clock)
    application.test_client_class = CheckedClient
    yield application
    application.extensions["coverwatch"].dispose()


@pytest.fixture
def key(app: Flask) -> str:
    return new_practice(app)[1]


def test_without_q_each_payer_is_listed_once_in_id_order(client, key):
    payers = walk(client, key, "/v1/payers", limit=2)

    assert [p["id"] for p in payers] == ["harbor", "legacy", "tidewater", "tidewater-bho"]
    tide = payers[2]
    assert tide["routes"] == ["tide-a", "tide-b"] and tide["aliases"] == {"sandbox": "TIDE01"}
    assert (tide["payer_id"], tide["transactions"], tide["service_types"]) == (
        "TIDE01", ["270", "278"], ["30", "MH"])
    assert payers[3]["enrollment_required"] is True
    assert payers[1]["aliases"] == {"sandbox": "OLD01"} and payers[1]["routes"] == ["legacy"]


def test_q_ranks_an_exact_alias_first_then_name_prefixes_then_close_spellings(client, key):
    assert [p["id"] for p in walk(client, key, "/v1/payers", q="TIDE01")] == ["tidewater"]
    assert [p["id"] for p in walk(client, key, "/v1/payers", q="77001")] == ["tidewater"]
    assert [p["id"] for p in walk(client, key, "/v1/payers", q="tidewater")] == [
        "tidewater", "tidewater-bho"]
    assert [p["id"] for p in walk(client, key, "/v1/payers", q="behavioral")] == [
        "tidewater-bho"]
    assert [p["id"] for p in walk(client, key, "/v1/payers", q="harbr lihts")] == ["harbor"]
    # A route id is the payer's id too: exact first, then ids it starts ("tide-bho")
    assert [p["id"] for p in walk(client, key, "/v1/payers", q="tide-b")] == [
        "tidewater", "tidewater-bho"]
    assert walk(client, key, "/v1/payers", q="nothing like it") == []


def test_q_pages_by_cursor_in_rank_order(client, key):
    first = client.get("/v1/payers", query_string={"q": "tidewater", "limit": 1},
                       headers=bearer(key))
    assert [p["id"] for p in first.json["items"]] == ["tidewater"]

    second = client.get("/v1/payers", headers=bearer(key), query_string={
        "q": "tidewater", "limit": 1, "cursor": first.json["next_cursor"]})

    assert [p["id"] for p in second.json["items"]] == ["tidewater-bho"]
    assert second.json["next_cursor"] is None


def test_a_cursor_of_another_q_or_an_empty_q_is_refused_with_422(client, key):
    first = client.get("/v1/payers", query_string={"q": "tidewater", "limit": 1},
                       headers=bearer(key))

    other = client.get("/v1/payers", headers=bearer(key), query_string={
        "q": "harbor", "cursor": first.json["next_cursor"]})
    empty = client.get("/v1/payers", headers=bearer(key), query_string={"q": ""})

    assert other.status_code == 422 and "cursor" in other.json["errors"]
    assert empty.status_code == 422 and "q" in empty.json["errors"]


def test_a_coverage_may_name_a_catalog_payer_and_its_first_route_answers(client, key):
    patient = create_patient(client, key, PEOPLE[0])
    coverage = create_coverage(client, key, patient["id"], PEOPLE[0], payer="tidewater")

    check = client.post("/v1/eligibility-checks", headers=bearer(key),
                        json={"coverage_id": coverage["id"]})

    assert coverage["payer"] == "tidewater"
    assert check.status_code in (200, 201), check.json
    assert check.json["status"] == "active"
