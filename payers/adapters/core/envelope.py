"""CAQH CORE Connectivity 2.2.0 real-time envelopes: SOAP 1.2 and MIME multipart, both ways.

The same fields travel in both: PayloadType, ProcessingMode (RealTime), PayloadID (a
UUID), TimeStamp (xsd:dateTime), SenderID, ReceiverID, CORERuleVersion (2.2.0), Payload
(the X12, XML-escaped in SOAP), and in replies ErrorCode / ErrorMessage. SOAP carries the
credentials in a WS-Security UsernameToken; MIME sends them as UserName and Password parts.

XML comes from the network, so it is parsed with the standard library only after refusing
any DOCTYPE or ENTITY declaration (no external entities, no entity expansion bombs).
"""

from __future__ import annotations

import email.parser
import email.policy
import xml.etree.ElementTree as ET  # noqa: S405 -- guarded by _refuse_declarations
from dataclasses import dataclass, field
from email.message import Message
from typing import Literal

CORE_NS = "http://www.caqh.org/SOAP/WSDL/CORERule2.2.0.xsd"
SOAP_NS = "http://www.w3.org/2003/05/soap-envelope"
WSSE_NS = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
# The WS-Security type URI saying the password is sent as text (not a digest); not a secret.
TOKEN_TEXT_TYPE = ("http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-"  # noqa: S105
                   "profile-1.0#PasswordText")
SOAP_CONTENT_TYPE = 'application/soap+xml; charset=utf-8; action="RealTimeTransaction"'
PAYLOAD_270 = "X12_270_Request_005010X279A1"
PAYLOAD_271 = "X12_271_Response_005010X279A1"
RULE_VERSION = "2.2.0"
SUCCESS = "Success"
FIELDS = ("PayloadType", "ProcessingMode", "PayloadID", "TimeStamp", "SenderID", "ReceiverID",
          "CORERuleVersion", "Payload")

ET.register_namespace("soapenv", SOAP_NS)
ET.register_namespace("cor", CORE_NS)
ET.register_namespace("wsse", WSSE_NS)


class CoreFormatError(ValueError):
    """A body that is not a readable CORE envelope; the message never quotes the body."""


@dataclass(frozen=True, kw_only=True)
class CoreMessage:
    """One CORE real-time request or response, whichever way it travelled."""

    payload_type: str
    payload_id: str
    timestamp: str
    sender_id: str
    receiver_id: str
    payload: str
    processing_mode: str = "RealTime"
    rule_version: str = RULE_VERSION
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    error_code: str | None = None  # replies only
    error_message: str | None = None

    def values(self) -> dict[str, str]:
        return {"PayloadType": self.payload_type, "ProcessingMode": self.processing_mode,
                "PayloadID": self.payload_id, "TimeStamp": self.timestamp,
                "SenderID": self.sender_id, "ReceiverID": self.receiver_id,
                "CORERuleVersion": self.rule_version, "Payload": self.payload}


def soap_body(message: CoreMessage, *, kind: Literal["request", "response"]) -> bytes:
    envelope = ET.Element(f"{{{SOAP_NS}}}Envelope")
    header = ET.SubElement(envelope, f"{{{SOAP_NS}}}Header")
    if kind == "request":
        security = ET.SubElement(header, f"{{{WSSE_NS}}}Security",
                                 {f"{{{SOAP_NS}}}mustUnderstand": "true"})
        token = ET.SubElement(security, f"{{{WSSE_NS}}}UsernameToken")
        ET.SubElement(token, f"{{{WSSE_NS}}}Username").text = message.username or ""
        ET.SubElement(token, f"{{{WSSE_NS}}}Password",
                      {"Type": TOKEN_TEXT_TYPE}).text = message.password or ""
    body = ET.SubElement(envelope, f"{{{SOAP_NS}}}Body")
    name = "COREEnvelopeRealTimeRequest" if kind == "request" else "COREEnvelopeRealTimeResponse"
    # The CORE schema's child elements are unqualified: only the wrapper is namespaced.
    wrapper = ET.SubElement(body, f"{{{CORE_NS}}}{name}")
    values = message.values()
    if kind == "response":
        values |= {"ErrorCode": message.error_code or SUCCESS,
                   "ErrorMessage": message.error_message or "None"}
    for tag, text in values.items():
        ET.SubElement(wrapper, tag).text = text
    return ET.tostring(envelope, encoding="utf-8", xml_declaration=True)


def parse_soap(body: bytes) -> CoreMessage:
    """Read a CORE request or response from a SOAP 1.2 envelope."""
    _refuse_declarations(body)
    try:
        root = ET.fromstring(body)  # noqa: S314 -- declarations refused above
    except ET.ParseError as exc:
        raise CoreFormatError("the body is not well-formed XML") from exc
    wrapper = None
    for name in ("COREEnvelopeRealTimeResponse", "COREEnvelopeRealTimeRequest"):
        wrapper = root.find(f"{{{SOAP_NS}}}Body/{{{CORE_NS}}}{name}")
        if wrapper is not None:
            break
    if wrapper is None:
        if root.find(f"{{{SOAP_NS}}}Body/{{{SOAP_NS}}}Fault") is not None:
            raise CoreFormatError("the reply is a SOAP fault")
        raise CoreFormatError("the body holds no CORE real-time envelope")
    values = {child.tag.rsplit("}", 1)[-1]: child.text or "" for child in wrapper}
    token = root.find(f"{{{SOAP_NS}}}Header/{{{WSSE_NS}}}Security/{{{WSSE_NS}}}UsernameToken")
    if token is not None:
        values["UserName"] = token.findtext(f"{{{WSSE_NS}}}Username") or ""
        values["Password"] = token.findtext(f"{{{WSSE_NS}}}Password") or ""
    return _message(values)


def mime_parts(message: CoreMessage, *, kind: Literal["request", "response"]) -> dict[str, str]:
    """The form parts of a MIME multipart request (with credentials) or response."""
    values = message.values()
    if kind == "request":
        values |= {"UserName": message.username or "", "Password": message.password or ""}
    else:
        values |= {"ErrorCode": message.error_code or SUCCESS,
                   "ErrorMessage": message.error_message or "None"}
    return values


def mime_body(parts: dict[str, str], *, boundary: str) -> tuple[bytes, str]:
    """Encode form parts as multipart/form-data; returns the body and its Content-Type."""
    chunks = []
    for name, value in parts.items():
        chunks.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n'
                      f"\r\n{value}\r\n")
    chunks.append(f"--{boundary}--\r\n")
    return "".join(chunks).encode("utf-8"), f"multipart/form-data; boundary={boundary}"


def parse_mime(body: bytes, content_type: str) -> CoreMessage:
    """Read a CORE request or response sent as multipart/form-data."""
    if not content_type.lower().startswith("multipart/"):
        raise CoreFormatError("the body is not MIME multipart")
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    parsed = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    if not parsed.is_multipart():
        raise CoreFormatError("the multipart body has no parts")
    values: dict[str, str] = {}
    for part in parsed.iter_parts():
        name = _part_name(part)
        if name:
            raw = part.get_payload(decode=True)
            values[name] = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else ""
    return _message(values)


def _part_name(part: Message) -> str | None:
    name = part.get_param("name", header="content-disposition")
    return name if isinstance(name, str) else None


def _message(values: dict[str, str]) -> CoreMessage:
    missing = [name for name in ("PayloadType", "PayloadID") if not values.get(name)]
    if missing and not values.get("ErrorCode"):
        raise CoreFormatError(f"the CORE envelope lacks {', '.join(missing)}")
    return CoreMessage(
        payload_type=values.get("PayloadType", ""), payload_id=values.get("PayloadID", ""),
        timestamp=values.get("TimeStamp", ""), sender_id=values.get("SenderID", ""),
        receiver_id=values.get("ReceiverID", ""), payload=values.get("Payload", ""),
        processing_mode=values.get("ProcessingMode", ""),
        rule_version=values.get("CORERuleVersion", ""),
        username=values.get("UserName"), password=values.get("Password"),
        error_code=values.get("ErrorCode"), error_message=values.get("ErrorMessage"))


def _refuse_declarations(body: bytes) -> None:
    # A NUL byte means UTF-16/32, where the byte search below would miss a declaration.
    upper = body.upper()
    if b"\x00" in body or b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
        raise CoreFormatError("the XML declares a DOCTYPE or ENTITY, or is not UTF-8")
