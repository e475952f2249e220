"""271 benefits that say more than the figures (the provider out of network, another payer,
telehealth, tiers, nothing on mental health), and a service whose one route reaches a
scripted CORE payer that answers with them (synthetic, no PHI)."""

from __future__ import annotations

from decimal import Decimal

from flask import Flask

from payers.directory import parse_directory
from payers.x12.x271.make import benefit, eb, entity, organization
from service import create_app
from tests.support.clock import FakeClock

OUT_OF_NETWORK = "Provider is out of network based on NPI ID provided in request"


def _copay(amount: int, network: str, *, messages: tuple[str, ...] = ()):
    return benefit(eb("B", coverage_level="IND", service_types=("MH",), time_period="27",
                      amount=Decimal(amount), network=network), messages=messages)


PLAN = benefit(eb("1", coverage_level="IND", service_types=("30",), plan_description="ACME PPO"))
# The provider out of network, Medicare named as primary, and a "HIGHEST BENEFIT" tier.
SAYS_MORE = [
    benefit(eb("1", coverage_level="IND", service_types=("30",), plan_description="ACME PPO"),
            messages=[OUT_OF_NETWORK]),
    _copay(25, "Y"),
    _copay(0, "Y", messages=("HIGHEST BENEFIT",)),
    benefit(eb("A", coverage_level="IND", service_types=("MH",), time_period="27",
               percent=Decimal(".4"), network="N")),
    benefit(eb("C", coverage_level="IND", service_types=("30",), time_period="23",
               amount=Decimal(2250), network="N")),
    benefit(eb("R", service_types=("30",), insurance_type="MB"),
            entity=entity(organization("PRP", "MEDICARE PART B TEST", qualifier="PI",
                                       identifier="00000"))),
]
# An active plan that says nothing about mental health: an office-visit copay only.
SILENT_ON_MENTAL_HEALTH = [
    PLAN,
    benefit(eb("B", coverage_level="IND", service_types=("98",), time_period="27",
               amount=Decimal(45), network="Y")),
]


def core_route(route_id: str, url: str) -> dict[str, object]:
    return {"id": route_id, "name": f"{route_id} plan", "payer_id": route_id.upper(),
            "adapter": "core-soap", "url": url, "username": "cw-test", "password": "pw-test",
            "timeout_s": 1}


def service_with_route(db_url: str, clock: FakeClock, url: str) -> Flask:
    """The service with one CORE route, "acme", to the payer at ``url``."""
    return create_app({"database_url": db_url}, clock=clock,
                      payers=parse_directory({"payers": [core_route("acme", url)]}))
