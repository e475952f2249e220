"""Availity's Coverages API and token endpoint, simulated for tests with pytest-httpserver.

Written from Availity's published reference (https://developer.availity.com/partner/
documentation: "Coverages 1.0.0" swagger and the HIPAA transactions guide):
- POST /v1/token: client credentials with a ``scope`` (``healthcare-hipaa-transactions``,
  or ``healthcare-hipaa-transactions-demo`` for the demo plan); tokens live 300 s;
- POST /v1/coverages (application/x-www-form-urlencoded: payerId, providerNpi, memberId,
  patientLastName, patientBirthDate, serviceType...) answers 202 with the coverage's ``id``
  and ``statusCode`` 0 (in progress); GET /v1/coverages/{id} answers with the coverage,
  statusCode 4 once complete (19: the payer's validation messages; 7/14/15: no answer);
- Coverage: payer, requestingProvider, subscriber, patient, plans[].benefits[].amounts
  (coPayment, coInsurance, deductibles, outOfPocket as BenefitDetail lists by network of
  NetworkBenefit), limitations; errors as ErrorResponse with FieldError items.

The payer's answer is the sandbox payer's 271 for the member id, told in Availity's shape;
``case`` forces one of the adapter contract's cases, ``in_progress`` the polls that still
answer 0, ``expired`` tokens the API refuses with 401.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from typing import Any

from werkzeug.wrappers import Request, Response

from payers.adapters.sandbox.payer import reply_for
from payers.adapters.sandbox.read import Person, Read270
from payers.x12.x271.loops import Benefit, Eligibility271
from tests.support.scripted_payer import GARBAGE

CLIENT = ("cw-client", "cw-client-secret")
KINDS = {"B": "coPayment", "A": "coInsurance", "C": "deductibles", "G": "outOfPocket"}
NETWORKS = {"Y": "inNetwork", "N": "outOfNetwork", "W": "notApplicableNetwork"}


class AvailitySimulator:
    def __init__(self, *, release: threading.Event, scope: str = "healthcare-hipaa-"
                 "transactions-demo", case: str | None = None, in_progress: int = 1,
                 final_status: str | None = None) -> None:
        self.release = release
        self.scope = scope
        self.case = case
        self.in_progress = in_progress
        self.final_status = final_status
        self.tokens: list[str] = []
        self.expired: set[str] = set()
        self.forms: list[dict[str, list[str]]] = []
        self.polls: list[str] = []
        self._coverages: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def token(self, request: Request) -> Response:
        form = request.form
        if (form.get("grant_type"), form.get("client_id"), form.get("client_secret")) != (
                "client_credentials", *CLIENT) or form.get("scope") != self.scope:
            return _json({"error": "invalid_client"}, 401)
        with self._lock:
            token = f"av-token-{len(self.tokens) + 1}"
            self.tokens.append(token)
        return _json({"access_token": token, "token_type": "Bearer", "expires_in": 300,
                      "scope": self.scope}, 200)

    def coverages(self, request: Request) -> Response:
        refused = self._refused(request)
        if refused is not None:
            return refused
        if self.case == "timeout":
            self.release.wait(5)
        if self.case == "server_error":
            return _json({"statusCode": 500, "userMessage": "internal error"}, 500)
        if self.case == "malformed":
            return Response(GARBAGE, status=200, content_type="text/html")
        if self.case == "envelope_error":
            return _json({"statusCode": 400, "userMessage": "Input validation failed",
                          "errors": [{"field": "payerId", "code": "INVALID",
                                      "errorMessage": "unknown payer"}]}, 400)
        form = request.form.to_dict(flat=False)
        with self._lock:
            self.forms.append(form)
            number = f"{7000000 + len(self.forms)}"
            self._coverages[number] = {"form": form, "polls": 0}
        return _json({"id": number, "statusCode": "0", "status": "In Progress"}, 202)

    def coverage(self, request: Request) -> Response:
        refused = self._refused(request)
        if refused is not None:
            return refused
        number = request.path.rsplit("/", 1)[-1]
        with self._lock:
            self.polls.append(number)
            held = self._coverages.get(number)
            if held is None:
                return _json({"statusCode": 404, "userMessage": "Not Found"}, 404)
            held["polls"] += 1
            done = held["polls"] >= self.in_progress
        if not done:
            return _json({"id": number, "statusCode": "0", "status": "In Progress"}, 200)
        shown = "7999999" if self.case == "wrong_trace" else number
        return _json(coverage_json(held["form"], shown, final_status=self.final_status), 200)

    def _refused(self, request: Request) -> Response | None:
        bearer = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if bearer not in self.tokens or bearer in self.expired:
            return _json({"statusCode": 401, "userMessage": "Not Authorized"}, 401)
        return None


def coverage_json(form: dict[str, list[str]], number: str, *,
                  final_status: str | None = None) -> dict[str, Any]:
    """The sandbox payer's answer to ``form``, as an Availity coverage numbered ``number``."""
    first = {key: values[0] for key, values in form.items()}
    born = datetime.fromisoformat(first["patientBirthDate"]).date() \
        if "patientBirthDate" in first else None
    read = Read270(
        sender_id="AVAILITY", receiver_id="COVERWATCH", usage="P", control_number=1,
        timestamp=datetime(2026, 11, 2, 15, 0, tzinfo=UTC), reference="",
        payer_name="TIDEWATER HEALTH TEST", payer_id=first["payerId"],
        provider_name=first.get("providerLastName", ""), provider_npi=first["providerNpi"],
        subscriber=Person(last=first["patientLastName"].upper(),
                          first=first.get("patientFirstName", "").upper(),
                          member_id=first["memberId"], birth_date=born),
        trace=None, service_types=form.get("serviceType", ["30"]))
    answer = reply_for(read)
    body: dict[str, Any] = {
        "id": number, "controlNumber": "AV" + number,
        "payer": {"name": first["payerId"], "payerId": first["payerId"],
                  "responseName": "TIDEWATER HEALTH TEST", "responsePayerId": first["payerId"]},
        "requestingProvider": {"lastName": first.get("providerLastName", ""),
                               "npi": first["providerNpi"]},
        "subscriber": {"memberId": first["memberId"], "lastName": read.subscriber.last,
                       "firstName": read.subscriber.first},
        "patient": {"lastName": read.subscriber.last, "firstName": read.subscriber.first}}
    rejections = answer.rejections()
    if rejections:
        return body | {"statusCode": "19", "status": "Request Error", "validationMessages": [
            {"field": "memberId", "code": r.reason,
             "errorMessage": "Invalid/Missing Subscriber/Insured ID"} for r in rejections]}
    return body | {"statusCode": final_status or "4", "status": "Complete",
                   "plans": [_plan(answer)]}


def _plan(answer: Eligibility271) -> dict[str, Any]:
    patient = answer.patients()[0]
    party = patient.level.party
    plan: dict[str, Any] = {"groupNumber": patient.subscriber.party.reference("6P") or ""}
    for key, qualifier in (("planStartDate", "346"), ("planEndDate", "347")):
        day = party.date(qualifier)
        if day is not None:
            plan[key] = f"{day.value}T00:00:00.000+0000"
    benefits: dict[str, dict[str, Any]] = {}
    for row in patient.level.benefits:
        if "30" in row.service_types and row.code in ("1", "6"):
            plan |= {"statusCode": row.code, "insuranceTypeCode": row.insurance_type,
                     "description": row.plan_description}
            continue
        for code in row.service_types:
            _add(benefits.setdefault(code, {"name": code, "type": code}), row)
    plan["benefits"] = list(benefits.values())
    return plan


def _add(item: dict[str, Any], row: Benefit) -> None:
    if row.code in ("1", "6"):
        item["statusCode"] = row.code
        return
    network = NETWORKS.get(row.network, "noNetwork")
    value: dict[str, Any] = {"levelCode": row.coverage_level,
                             "amountTimePeriodCode": row.time_period}
    if row.code == "F":
        value |= {"quantity": str(row.quantity), "quantityQualifierCode": row.quantity_qualifier}
        item.setdefault("limitations", {}).setdefault(network, []).append(value)
        return
    if row.code not in KINDS:
        return
    # Availity states coinsurance as a percent (10 for 10 %).
    number = row.percent * 100 if row.code == "A" and row.percent is not None else row.amount
    value["amount"] = str(number)
    if row.authorization_required is not None:
        value["authorizationRequired"] = row.authorization_required
    if row.messages:
        value["payerNotes"] = list(row.messages)
    item.setdefault("amounts", {}).setdefault(KINDS[row.code], {}).setdefault(
        network, []).append(value)


def _json(body: dict[str, Any], status: int) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json")
