"""An EHR calling the CDS services in tests: its keys, signed JWTs, FHIR resources and calls."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from tests.support.people import Person

CPT = "http://www.ama-assn.org/go/cpt"
ISSUER = "https://ehr.example.org"
BASE = "http://localhost/cds-services"


@dataclass
class Ehr:
    """An EHR with its signing key (ES384 or RS384) and the JWK Set it publishes."""

    alg: str = "ES384"
    issuer: str = ISSUER
    kid: str = field(default_factory=lambda: uuid.uuid4().hex[:8])

    def __post_init__(self) -> None:
        self.private = (ec.generate_private_key(ec.SECP384R1()) if self.alg == "ES384"
                        else rsa.generate_private_key(public_exponent=65537, key_size=2048))

    @property
    def jwks(self) -> dict[str, Any]:
        algorithm = jwt.algorithms.ECAlgorithm if self.alg == "ES384" \
            else jwt.algorithms.RSAAlgorithm
        public = json.loads(algorithm.to_jwk(self.private.public_key()))
        return {"keys": [{**public, "kid": self.kid, "use": "sig", "alg": self.alg}]}

    def token(self, now: datetime, *, service: str = "appointment-book", **claims: Any) -> str:
        body = {"iss": self.issuer, "aud": f"{BASE}/{service}", "sub": "ehr-client",
                "iat": int(now.timestamp()), "exp": int((now + timedelta(minutes=5)).timestamp()),
                "jti": uuid.uuid4().hex, **claims}
        body = {k: v for k, v in body.items() if v is not None}
        return jwt.encode(body, self.private, algorithm=self.alg, headers={"kid": self.kid})

    def headers(self, now: datetime, **claims: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(now, **claims)}"}


def patient_resource(person: Person, ehr_id: str) -> dict[str, Any]:
    return {"resourceType": "Patient", "id": ehr_id,
            "name": [{"family": person.last_name, "given": [person.first_name]}],
            "birthDate": person.birth_date,
            "gender": {"F": "female", "M": "male"}.get(person.gender, "unknown")}


def coverage_bundle(ehr_id: str, member_id: str, payer: str = "SANDBOX01") -> dict[str, Any]:
    coverage = {"resourceType": "Coverage", "id": f"cov-{ehr_id}", "status": "active",
                "subscriberId": member_id, "beneficiary": {"reference": f"Patient/{ehr_id}"},
                "relationship": {"coding": [{"code": "self"}]},
                "payor": [{"identifier": {"value": payer}}]}
    return {"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": coverage}]}


def appointment(ehr_id: str, start: str, minutes: int, code: str | None,
                **extra: Any) -> dict[str, Any]:
    begin = datetime.fromisoformat(start)
    resource = {"resourceType": "Appointment", "id": f"appt-{uuid.uuid4().hex[:6]}",
                "status": "proposed", "start": begin.isoformat(),
                "end": (begin + timedelta(minutes=minutes)).isoformat(),
                "participant": [{"actor": {"reference": f"Patient/{ehr_id}"},
                                 "status": "accepted"}], **extra}
    if code is not None:
        resource["serviceType"] = [{"coding": [{"system": CPT, "code": code}]}]
    return resource


def bundle(*resources: dict[str, Any]) -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": "collection",
            "entry": [{"resource": r} for r in resources]}


def hook_call(ehr_id: str, appointments: list[dict[str, Any]] | None = None, *,
              hook: str = "appointment-book", prefetch: dict[str, Any] | None = None,
              **extra: Any) -> dict[str, Any]:
    context: dict[str, Any] = {"userId": "Practitioner/frontdesk-1", "patientId": ehr_id}
    if appointments is not None:
        context["appointments"] = bundle(*appointments)
    body: dict[str, Any] = {"hook": hook, "hookInstance": str(uuid.uuid4()), "context": context,
                            **extra}
    if prefetch is not None:
        body["prefetch"] = prefetch
    return body
