"""The exact CAQH CORE 2.2.0 requests sent over SOAP and MIME, and how replies are read."""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET  # noqa: S405 -- parses our own request in a test
from typing import Any

import requests
from pytest_httpserver import HTTPServer

from payers.adapters.core import CoreAdapter
from payers.adapters.core.envelope import CORE_NS, SOAP_NS, WSSE_NS
from payers.base import PayerError, PayerErrorCode
from tests.support.scripted_payer import ScriptedPayer
from tests.unit.payers.builders import ACTIVE, TRACE, entry, query

FIXED_ID = "5e0c4f7a-8d2b-4c61-9a53-3b7e2f1d0c84"


def _adapter(adapter: str, server: HTTPServer, **fields: Any) -> CoreAdapter:
    return CoreAdapter(entry=entry(adapter, server.url_for("/core"), sender_id="CWSENDER01",
                                   receiver_id="TIDERECV", **fields),
                       session=requests.Session(), payload_id=lambda: FIXED_ID)


def test_the_soap_request_is_a_core_realtime_envelope_with_a_username_token(
    payer_server: HTTPServer,
) -> None:
    payer_server.expect_request("/core", method="POST").respond_with_handler(ScriptedPayer())

    answer = _adapter("core-soap", payer_server).check(query(ACTIVE))

    request, _ = payer_server.log[0]
    assert request.headers["Content-Type"] == (
        'application/soap+xml; charset=utf-8; action="RealTimeTransaction"')
    root = ET.fromstring(request.get_data())  # noqa: S314 -- our own request
    token = root.find(f"{{{SOAP_NS}}}Header/{{{WSSE_NS}}}Security/{{{WSSE_NS}}}UsernameToken")
    assert token is not None
    assert token.findtext(f"{{{WSSE_NS}}}Username") == "cw-user"
    assert token.findtext(f"{{{WSSE_NS}}}Password") == "cw-secret"
    body = root.find(f"{{{SOAP_NS}}}Body/{{{CORE_NS}}}COREEnvelopeRealTimeRequest")
    assert body is not None
    fields = {child.tag: child.text for child in body}
    assert list(fields) == ["PayloadType", "ProcessingMode", "PayloadID", "TimeStamp",
                            "SenderID", "ReceiverID", "CORERuleVersion", "Payload"]
    assert fields["PayloadType"] == "X12_270_Request_005010X279A1"
    assert fields["ProcessingMode"] == "RealTime"
    assert fields["PayloadID"] == FIXED_ID
    assert fields["SenderID"] == "CWSENDER01"
    assert fields["ReceiverID"] == "TIDERECV"
    assert fields["CORERuleVersion"] == "2.2.0"
    assert fields["TimeStamp"] and fields["TimeStamp"].endswith("Z")
    assert fields["Payload"] == answer.exchange.request
    assert answer.exchange.request.startswith("ISA*00*")
    assert f"TRN*1*{TRACE}*" in answer.exchange.request
    assert answer.exchange.response and answer.exchange.response.startswith("ISA*")


def test_a_payload_with_markup_characters_is_xml_escaped_in_the_soap_body(
    payer_server: HTTPServer,
) -> None:
    payer_server.expect_request("/core", method="POST").respond_with_handler(ScriptedPayer())
    adapter = CoreAdapter(entry=entry("core-soap", payer_server.url_for("/core"),
                                      name="Tidewater & <Co> Health"),
                          session=requests.Session())

    adapter.check(query(ACTIVE))

    raw = payer_server.log[0][0].get_data()
    assert b"TIDEWATER &amp; &lt;CO&gt; HEALTH" in raw


def test_the_mime_request_sends_the_core_fields_and_credentials_as_form_parts(
    payer_server: HTTPServer,
) -> None:
    payer_server.expect_request("/core", method="POST").respond_with_handler(ScriptedPayer())

    answer = _adapter("core-mime", payer_server).check(query(ACTIVE))

    request, _ = payer_server.log[0]
    assert request.content_type.startswith("multipart/form-data; boundary=")
    form = request.form
    assert set(form) == {"PayloadType", "ProcessingMode", "PayloadID", "TimeStamp",
                         "UserName", "Password", "SenderID", "ReceiverID",
                         "CORERuleVersion", "Payload"}
    assert form["PayloadType"] == "X12_270_Request_005010X279A1"
    assert form["ProcessingMode"] == "RealTime"
    assert form["PayloadID"] == FIXED_ID
    assert str(uuid.UUID(form["PayloadID"])) == FIXED_ID
    assert (form["UserName"], form["Password"]) == ("cw-user", "cw-secret")
    assert (form["SenderID"], form["ReceiverID"]) == ("CWSENDER01", "TIDERECV")
    assert form["CORERuleVersion"] == "2.2.0"
    assert form["Payload"] == answer.exchange.request


def test_credentials_named_by_environment_variables_are_read_at_check_time(
    payer_server: HTTPServer, monkeypatch: object,
) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    payer_server.expect_request("/core", method="POST").respond_with_handler(ScriptedPayer())
    route = entry("core-mime", payer_server.url_for("/core"), username=None, password=None,
                  username_env="CW_TEST_CORE_USER", password_env="CW_TEST_CORE_PASSWORD")
    adapter = CoreAdapter(entry=route, session=requests.Session())
    monkeypatch.delenv("CW_TEST_CORE_USER", raising=False)
    monkeypatch.delenv("CW_TEST_CORE_PASSWORD", raising=False)

    try:
        adapter.check(query(ACTIVE))
    except PayerError as err:
        assert err.code is PayerErrorCode.NOT_CONFIGURED
        assert err.reached_payer is False
        assert err.exchange is not None and err.exchange.request.startswith("ISA")
    else:
        raise AssertionError("a route without credentials must not be called")
    assert payer_server.log == []

    monkeypatch.setenv("CW_TEST_CORE_USER", "env-user")
    monkeypatch.setenv("CW_TEST_CORE_PASSWORD", "env-secret")
    adapter.check(query(ACTIVE))
    form = payer_server.log[0][0].form
    assert (form["UserName"], form["Password"]) == ("env-user", "env-secret")


def test_a_core_error_code_saying_unauthorized_is_an_authentication_failure(
    payer_server: HTTPServer,
) -> None:
    payer_server.expect_request("/core", method="POST").respond_with_handler(
        ScriptedPayer(default=[("core_error", "UnAuthorized")]))

    try:
        _adapter("core-soap", payer_server).check(query(ACTIVE))
    except PayerError as err:
        assert err.code is PayerErrorCode.AUTH_FAILED
        assert err.exchange is not None and "UnAuthorized" in (err.exchange.response or "")
    else:
        raise AssertionError("expected AUTH_FAILED")


def test_an_http_401_from_a_core_payer_is_an_authentication_failure(
    payer_server: HTTPServer,
) -> None:
    payer_server.expect_request("/core", method="POST").respond_with_data("no", status=401)

    try:
        _adapter("core-mime", payer_server).check(query(ACTIVE))
    except PayerError as err:
        assert (err.code, err.reached_payer) == (PayerErrorCode.AUTH_FAILED, False)
    else:
        raise AssertionError("expected AUTH_FAILED")


def test_a_reply_declaring_an_entity_is_refused_without_being_parsed(
    payer_server: HTTPServer,
) -> None:
    bomb = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>'
            b"<x>&a;&a;&a;</x>")
    payer_server.expect_request("/core", method="POST").respond_with_data(
        bomb, content_type="application/soap+xml")

    try:
        _adapter("core-soap", payer_server).check(query(ACTIVE))
    except PayerError as err:
        assert err.code is PayerErrorCode.RESPONSE_INVALID
        assert "DOCTYPE" in err.message
    else:
        raise AssertionError("expected RESPONSE_INVALID")
