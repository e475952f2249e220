"""CORE envelopes: what is written can be read back, and hostile XML is refused."""

from __future__ import annotations

import pytest

from payers.adapters.core.envelope import (
    CoreFormatError,
    CoreMessage,
    mime_body,
    mime_parts,
    parse_mime,
    parse_soap,
    soap_body,
)

MESSAGE = CoreMessage(
    payload_type="X12_270_Request_005010X279A1", payload_id="6a3c1d2e-0b4f-4c5d-8e9f-1a2b3c4d5e6f",
    timestamp="2026-11-02T15:00:00Z", sender_id="CWSENDER", receiver_id="TIDE",
    payload="ISA*00*<&>~", username="cw-user", password="cw-secret")


def test_a_soap_request_reads_back_with_its_credentials() -> None:
    assert parse_soap(soap_body(MESSAGE, kind="request")) == MESSAGE


def test_a_soap_response_carries_error_code_and_message() -> None:
    reply = CoreMessage(**{**MESSAGE.__dict__, "username": None, "password": None,
                           "error_code": "Success", "error_message": "None"})

    assert parse_soap(soap_body(reply, kind="response")) == reply


def test_a_mime_request_reads_back_with_its_credentials() -> None:
    body, content_type = mime_body(mime_parts(MESSAGE, kind="request"), boundary="xyz123")

    assert content_type == "multipart/form-data; boundary=xyz123"
    assert parse_mime(body, content_type) == MESSAGE


@pytest.mark.parametrize("body", [
    b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><a>&e;</a>',
    b'<!doctype a><a/>',
    '<?xml version="1.0" encoding="utf-16"?><a/>'.encode("utf-16"),
])
def test_xml_with_declarations_or_in_utf16_is_refused(body: bytes) -> None:
    with pytest.raises(CoreFormatError):
        parse_soap(body)


@pytest.mark.parametrize(("body", "message"), [
    (b"<not-closed", "not well-formed"),
    (b'<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body>'
     b"<e:Fault/></e:Body></e:Envelope>", "SOAP fault"),
    (b"<a/>", "no CORE real-time envelope"),
])
def test_xml_that_is_not_a_core_envelope_is_explained(body: bytes, message: str) -> None:
    with pytest.raises(CoreFormatError, match=message):
        parse_soap(body)


def test_a_body_that_is_not_multipart_is_refused() -> None:
    with pytest.raises(CoreFormatError):
        parse_mime(b"hello", "text/plain")
