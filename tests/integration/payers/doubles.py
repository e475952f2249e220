"""The clearinghouse JSON payer double (pytest-httpserver handlers around the simulated
payer's replies), and the contract cases served by it or by the CORE payer double."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug.wrappers import Request, Response

from payers.adapters.sandbox.payer import reply_for
from payers.adapters.sandbox.read import Person, Read270
from payers.x12.x271.loops import Benefit, Eligibility271
from payers.x12.x271.parts import Party
from tests.support.scripted_payer import ANSWER, GARBAGE, ScriptedPayer, Step

Handler = Callable[[Request], Response]
# Each contract case as the CORE payer double's script (any member id).
CORE_CASES: dict[str, Step] = {
    "timeout": ("hold",),
    "server_error": ("status", 500, "internal error"),
    "malformed": ("garbage",),
    "envelope_error": ("core_error", "ReceiverIDNotFound"),
    "wrong_trace": ("other_trace",),
}


def json_reply(answer: Eligibility271, control_number: str) -> dict[str, Any]:
    """The clearinghouse JSON saying what the 271 ``answer`` says."""
    payer = answer.sources[0]
    name = payer.party.name
    body: dict[str, Any] = {
        "controlNumber": control_number,
        "tradingPartnerServiceId": name.identifier if name else "",
        "payer": {"name": name.last_or_organization if name else "",
                  "payorIdentification": name.identifier if name else ""},
    }
    errors = [{"field": "AAA", "code": r.reason, "description": "unable to respond",
               "followupAction": "Please Resubmit Original Transaction",
               "location": "Loop 2100A"} for r in payer.party.rejections]
    patients = answer.patients()
    if patients:
        patient = patients[0]
        provider = answer.levels("B")[0].party.name
        body["provider"] = {"providerOrgName": provider.last_or_organization if provider
                            else "", "npi": provider.identifier if provider else ""}
        subscriber = patient.subscriber.party
        body["subscriber"] = _person_json(subscriber)
        if subscriber.reference("6P"):
            body["planInformation"] = {"groupNumber": subscriber.reference("6P")}
        party = patient.level.party
        begin, end = party.date("346"), party.date("347")
        if begin and end:
            body["planDateInformation"] = {"planBegin": begin.value, "planEnd": end.value}
        errors = [{"field": "AAA", "code": r.reason, "description": "rejected",
                   "followupAction": "Please Correct and Resubmit",
                   "location": f"Loop {r.loop}"} for r in party.rejections] + errors
        body["benefitsInformation"] = [_benefit_json(b) for b in patient.level.benefits]
    else:
        body["benefitsInformation"] = []
    if errors:
        body["errors"] = errors
    return body


def _person_json(party: Party) -> dict[str, Any]:
    name = party.name
    assert name is not None
    out = {"memberId": name.identifier, "firstName": name.first,
           "lastName": name.last_or_organization}
    if party.demographics is not None and party.demographics.birth_date:
        out["dateOfBirth"] = f"{party.demographics.birth_date:%Y%m%d}"
    return out


def _benefit_json(b: Benefit) -> dict[str, Any]:
    out: dict[str, Any] = {"code": b.code, "serviceTypeCodes": b.service_types}
    for key, value in (("coverageLevelCode", b.coverage_level),
                       ("insuranceTypeCode", b.insurance_type),
                       ("planCoverage", b.plan_description),
                       ("timeQualifierCode", b.time_period),
                       ("inPlanNetworkIndicatorCode", b.network),
                       ("quantityQualifierCode", b.quantity_qualifier)):
        if value:
            out[key] = value
    for key, number in (("benefitAmount", b.amount), ("benefitPercent", b.percent),
                        ("benefitQuantity", b.quantity)):
        if number is not None:
            out[key] = str(number)
    if b.authorization_required is not None:
        out["authOrCertIndicator"] = "Y" if b.authorization_required else "N"
    if b.messages:
        out["additionalInformation"] = [{"description": m} for m in b.messages]
    for entity in b.entities:
        name = entity.name
        assert name is not None
        out["benefitsRelatedEntity"] = {
            "entityIdentifier": "Vendor", "entityName": name.last_or_organization,
            "entityIdentificationValue": name.identifier,
            "contactInformation": {"contacts": [{"communicationMode": "Telephone",
                                                 "communicationNumber": entity.phone}]}}
    return out


def read_json_request(body: dict[str, Any]) -> Read270:
    """What a clearinghouse reads from our JSON, in the simulated payer's terms."""
    s = body["subscriber"]
    return Read270(
        sender_id="CLEARHOUSE", receiver_id="COVERWATCH", usage="P",
        control_number=int(body["controlNumber"]),
        timestamp=datetime(2026, 11, 2, 15, 0, tzinfo=UTC), reference="",
        payer_name="TIDEWATER HEALTH TEST", payer_id=body["tradingPartnerServiceId"],
        provider_name=body["provider"].get("organizationName", ""),
        provider_npi=body["provider"]["npi"],
        subscriber=Person(last=s["lastName"].upper(), first=s.get("firstName", "").upper(),
                          member_id=s.get("memberId")),
        trace=None, service_types=body["encounter"]["serviceTypeCodes"])


def json_case(case: str, release: threading.Event) -> Handler:
    """One contract case as a clearinghouse JSON API."""

    def handle(request: Request) -> Response:
        if case == "timeout":
            release.wait(5)
            return Response("{}", status=200, content_type="application/json")
        if case == "server_error":
            return Response('{"message": "internal error"}', status=502,
                            content_type="application/json")
        if case == "malformed":
            return Response(GARBAGE, status=200, content_type="text/html")
        if case == "envelope_error":
            return Response(json.dumps({"errors": [{
                "field": "tradingPartnerServiceId", "code": "INVALID_TRADING_PARTNER",
                "description": "unknown trading partner"}]}), status=400,
                content_type="application/json")
        body = json.loads(request.get_data())
        control = "999999999" if case == "wrong_trace" else body["controlNumber"]
        reply = json_reply(reply_for(read_json_request(body)), control)
        return Response(json.dumps(reply), content_type="application/json")

    return handle


def token_handler(tokens: list[str], *, expires_in: int = 3600) -> Handler:
    """An OAuth2 token endpoint handing out tok-1, tok-2... and remembering them."""

    def handle(request: Request) -> Response:
        assert request.form.get("grant_type") == "client_credentials"
        token = f"tok-{len(tokens) + 1}"
        tokens.append(token)
        return Response(json.dumps({"access_token": token, "token_type": "Bearer",
                                    "expires_in": expires_in}),
                        content_type="application/json")

    return handle


def serve(server: HTTPServer, kind: str, case: str, release: threading.Event) -> None:
    """Register the handlers for ``case`` as the ``kind`` of payer (an adapter name, or
    stedi-v3 / stedi-raw-x12), at the path CONTRACT_PATHS gives."""
    # Imported here: the simulators build on this module's JSON replies.
    from tests.integration.payers.availity_sim import AvailitySimulator
    from tests.integration.payers.claimmd_sim import ClaimMdSimulator
    from tests.integration.payers.stedi_sim import StediSimulator

    path = CONTRACT_PATHS[kind]
    forced = None if case in ("active", "inactive", "rejected", "down") else case
    if kind == "clearinghouse-json":
        server.expect_request("/token", method="POST").respond_with_handler(token_handler([]))
        server.expect_request(path, method="POST").respond_with_handler(
            json_case(case, release))
    elif kind.startswith("stedi-"):
        stedi = StediSimulator(release=release, case=forced)
        server.expect_request(path, method="POST").respond_with_handler(
            stedi.v3 if kind == "stedi-v3" else stedi.raw_x12)
    elif kind == "availity":
        serve_availity(server, AvailitySimulator(release=release, case=forced))
    elif kind == "claimmd":
        server.expect_request(path, method="POST").respond_with_handler(
            ClaimMdSimulator(release=release, case=forced))
    else:
        payer = ScriptedPayer(default=[CORE_CASES.get(case, ANSWER)], release=release)
        server.expect_request(path, method="POST").respond_with_handler(payer)


CONTRACT_PATHS = {
    "core-soap": "/core", "core-mime": "/core", "clearinghouse-json": "/eligibility",
    "stedi-v3": "/2024-04-01/change/medicalnetwork/eligibility/v3",
    "stedi-raw-x12": "/2024-04-01/change/medicalnetwork/eligibility/v3/raw-x12",
    "claimmd": "/services/elig/", "availity": "/v1/coverages",
}


def serve_availity(server: HTTPServer, simulator: Any) -> None:
    """Availity's token endpoint and Coverages API, played by ``simulator``."""
    server.expect_request("/v1/token", method="POST").respond_with_handler(simulator.token)
    server.expect_request("/v1/coverages", method="POST").respond_with_handler(
        simulator.coverages)
    server.expect_request(re.compile(r"^/v1/coverages/[^/]+$"), method="GET"
                          ).respond_with_handler(simulator.coverage)
