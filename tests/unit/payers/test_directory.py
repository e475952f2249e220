"""The payer directory: defaults, validation errors that say where, and credentials."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from payers.directory import DirectoryError, load_directory, parse_directory
from payers.transport import MAX_REPLY_BYTES

ROOT = Path(__file__).resolve().parents[3]


def _one(**fields: Any) -> dict[str, Any]:
    return {"id": "tide", "name": "Tidewater Health Test", "payer_id": "TIDE01",
            "adapter": "sandbox", **fields}


def _error(*items: dict[str, Any]) -> str:
    with pytest.raises(DirectoryError) as caught:
        parse_directory({"payers": list(items)}, source="payers-test.yaml")
    return str(caught.value)


def test_the_default_directory_has_the_sandbox_and_its_behavioral_health_payer() -> None:
    entries = load_directory(ROOT / "payers.yaml")

    assert entries["sandbox"].adapter == "sandbox"
    assert entries["sandbox-bho"].payer_id == "SANDBOXBHO"
    assert entries["sandbox"].isa_usage == "T"


def test_an_entry_with_only_the_required_fields_gets_the_documented_defaults() -> None:
    entry = parse_directory({"payers": [_one()]})["tide"]

    assert (entry.timeout_s, entry.max_concurrency, entry.service_types) == (20.0, 10, ("30",))
    assert (entry.breaker_failures, entry.breaker_cooldown_s) == (5, 30.0)
    assert entry.fallback is None and entry.rate_per_s is None and entry.rules == {}
    assert entry.sender_id == "COVERWATCH" and entry.isa_receiver == "TIDE01"
    assert entry.trn_originator == "9COVERWATC"


def test_production_usage_is_the_default_for_real_payers() -> None:
    entry = parse_directory({"payers": [_one(
        adapter="core-soap", url="https://payer.example/core", username="u", password="p")]})

    assert entry["tide"].isa_usage == "P"


def test_every_field_is_kept_as_given() -> None:
    entry = parse_directory({"payers": [_one(
        adapter="clearinghouse-json", url="https://api.example/eligibility",
        token_url="https://api.example/token", client_id_env="CW_ID",
        client_secret_env="CW_SECRET", timeout_s=12, max_concurrency=3, rate_per_s=2.5,
        service_types=["mh", "A6"], usage="T", breaker_failures=2, breaker_cooldown_s=5,
        rules={"auth_after_visits": 12}, sender_id="CWSEND", receiver_id="TIDERCV",
        trace_originator="1123456789")]})["tide"]

    assert entry.timeout_s == 12 and entry.max_concurrency == 3 and entry.rate_per_s == 2.5
    assert entry.service_types == ("MH", "A6") and entry.isa_usage == "T"
    assert entry.rules == {"auth_after_visits": 12}
    assert (entry.sender_id, entry.isa_receiver, entry.trn_originator) == (
        "CWSEND", "TIDERCV", "1123456789")


@pytest.mark.parametrize(("fields", "expected"), [
    ({"timeout_s": 61}, "timeout_s must be between 0.1 and 60"),
    ({"timeout_s": "fast"}, "timeout_s must be a number"),
    ({"max_concurrency": 0}, "max_concurrency must be between 1 and 1000"),
    ({"rate_per_s": -1}, "rate_per_s must be between"),
    ({"service_types": ["MENTAL"]}, "service_types must hold 1-2 character"),
    ({"usage": "X"}, "usage must be one of P, T"),
    ({"rules": ["no"]}, "rules must be a mapping"),
    ({"sandbox_latency_ms": -5}, "sandbox_latency_ms must be between 0 and 120000"),
    ({"colour": "blue"}, "unknown field(s) colour"),
    ({"trace_originator": "12345"}, "trace_originator must be 10 characters"),
    ({"adapter": "fax"}, "adapter must be one of"),
    ({"max_reply_bytes": 1023}, "max_reply_bytes must be between 1024 and 67108864"),
    ({"max_reply_bytes": "4MB"}, "max_reply_bytes must be a whole number"),
])
def test_a_wrong_field_is_reported_with_file_entry_and_field(
    fields: dict[str, Any], expected: str,
) -> None:
    message = _error(_one(**fields))

    assert message.startswith("payers-test.yaml: payers[0]")
    assert expected in message


def test_a_real_adapter_needs_an_https_url_and_credentials() -> None:
    assert "url is required" in _error(_one(adapter="core-soap", username="u", password="p"))
    assert "must be an https URL" in _error(_one(
        adapter="core-soap", url="http://payer.example/core", username="u", password="p"))
    assert "core-mime needs password or password_env" in _error(_one(
        adapter="core-mime", url="https://payer.example/core", username="u"))
    assert "token_url is required" in _error(_one(
        adapter="clearinghouse-json", url="https://api.example/e", client_id="i",
        client_secret="s"))
    assert "give username or username_env, not both" in _error(_one(
        adapter="core-soap", url="https://p.example/c", username="u", username_env="U",
        password="p"))


@pytest.mark.parametrize("token_url", [
    "http://auth.example/token", "http://10.0.0.7/token", "ftp://auth.example/token",
    "https:///token",
])
def test_a_token_url_follows_the_same_https_rule_as_a_payer_url(token_url: str) -> None:
    message = _error(_one(adapter="clearinghouse-json", url="https://api.example/e",
                          token_url=token_url, client_id="i", client_secret="s"))

    assert "token_url must be an https URL (http only for localhost)" in message


def test_a_token_url_may_be_plain_http_only_to_this_machine() -> None:
    entry = parse_directory({"payers": [_one(
        adapter="clearinghouse-json", url="http://127.0.0.1:8091/e",
        token_url="http://localhost:8091/token", client_id="i", client_secret="s")]})["tide"]

    assert entry.token_url == "http://localhost:8091/token"


def test_the_reply_cap_defaults_to_the_transport_limit_and_may_be_set_per_route() -> None:
    entries = parse_directory({"payers": [_one(), _one(id="big", max_reply_bytes=8_388_608)]})

    assert entries["tide"].max_reply_bytes == MAX_REPLY_BYTES == 4 * 1024 * 1024
    assert entries["big"].max_reply_bytes == 8_388_608


def test_a_missing_credential_variable_does_not_stop_the_directory_from_loading(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CW_UNSET_USER", raising=False)
    entry = parse_directory({"payers": [_one(
        adapter="core-soap", url="https://payer.example/core", username_env="CW_UNSET_USER",
        password="p")]})["tide"]

    assert entry.secret("username") is None
    monkeypatch.setenv("CW_UNSET_USER", "late-user")
    assert entry.secret("username") == "late-user"


def test_fallbacks_must_name_another_listed_entry_without_cycles() -> None:
    assert "names the entry itself" in _error(_one(fallback="tide"))
    assert "names 'ghost', which is not listed" in _error(_one(fallback="ghost"))
    cycle = _error(_one(id="a", fallback="b"), _one(id="b", fallback="c"),
                   _one(id="c", fallback="a"))
    assert "payers[0] (a): fallback leads back to 'a'" in cycle


def test_ids_must_be_unique_and_well_formed() -> None:
    assert "id 'tide' is listed twice" in _error(_one(), _one())
    assert "id must be lower-case" in _error(_one(id="Tide Water"))
    assert "missing payer_id, adapter" in _error({"id": "x", "name": "X"})


def test_a_missing_or_broken_file_is_reported_by_path(tmp_path: Path) -> None:
    with pytest.raises(DirectoryError, match="does not exist"):
        load_directory(tmp_path / "absent.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("payers: [", encoding="utf-8")
    with pytest.raises(DirectoryError, match="is not valid YAML"):
        load_directory(broken)
    empty = tmp_path / "empty.yaml"
    empty.write_text("other: 1\n", encoding="utf-8")
    with pytest.raises(DirectoryError, match="top-level 'payers' list"):
        load_directory(empty)


def test_a_stedi_entry_names_its_api_and_takes_its_key_from_the_environment() -> None:
    entry = parse_directory({"payers": [_one(
        adapter="stedi", api="raw-x12", url="https://healthcare.us.stedi.com/x",
        api_key_env="STEDI_API_KEY")]})["tide"]

    assert (entry.api, entry.api_key_env, entry.api_key) == ("raw-x12", "STEDI_API_KEY", None)
    assert "STEDI_API_KEY" not in repr(entry.api_key)


@pytest.mark.parametrize(("fields", "problem"), [
    ({"adapter": "stedi", "api_key": "k"}, "api (v3, raw-x12) is required for the stedi"),
    ({"adapter": "stedi", "api": "soap", "api_key": "k"}, "api must be one of v3, raw-x12"),
    ({"adapter": "stedi", "api": "v3"}, "stedi needs api_key or api_key_env"),
    ({"adapter": "claimmd", "api_key": "k", "api": "v3"}, "only for it"),
    ({"adapter": "stedi", "api": "v3", "api_key": "k", "api_key_env": "K"},
     "give api_key or api_key_env, not both"),
    ({"adapter": "availity", "client_id": "i", "client_secret": "s"}, "token_url is required"),
    ({"adapter": "availity", "client_id": "i", "client_secret": "s",
      "token_url": "https://api.availity.com/availity/v1/token",
      "scope": "healthcare-hipaa-transactions-demo"}, "demo and production are kept apart"),
    ({"adapter": "availity", "client_id": "i", "client_secret": "s", "usage": "T",
      "token_url": "https://api.availity.com/availity/v1/token",
      "scope": "healthcare-hipaa-transactions"}, "demo and production are kept apart"),
    ({"adapter": "core-soap", "username": "u", "password": "p", "scope": "x"},
     "scope is for the availity adapter only"),
    ({"adapter": "core-soap", "username": "u", "password": "p",
      "cob_url": "https://healthcare.us.stedi.com/2024-04-01/coordination-of-benefits"},
     "cob_url is for the stedi adapter only"),
    ({"adapter": "stedi", "api": "v3", "api_key": "k", "cob_url": "http://example.com/cob"},
     "cob_url"),
])
def test_connector_fields_are_checked_at_load(fields: dict[str, Any], problem: str) -> None:
    assert problem in _error(_one(url="https://api.example/x", **fields))


@pytest.mark.parametrize(("usage", "scope"), [("T", "healthcare-hipaa-transactions-demo"),
                                              ("P", "healthcare-hipaa-transactions")])
def test_an_availity_route_asks_for_the_scope_of_its_usage(usage: str, scope: str) -> None:
    entry = parse_directory({"payers": [_one(
        adapter="availity", url="https://api.availity.com/availity/v1/coverages",
        token_url="https://api.availity.com/availity/v1/token", client_id_env="AV_ID",
        client_secret_env="AV_SECRET", usage=usage)]})["tide"]

    assert entry.oauth_scope == scope
