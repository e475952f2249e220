"""Builders for payer tests: synthetic queries, directory entries and 271 replies."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from payers.adapters.sandbox.payer import reply_for, write_reply
from payers.adapters.sandbox.read import read_270
from payers.base import EligibilityAdapter, EligibilityQuery, PayerError
from payers.directory import PayerEntry, parse_directory
from payers.x12.x270 import EligibilityInquiry, InformationReceiver, PersonName, Subscriber

# Invented people: no real person has these names, dates or ids.
FIRST, LAST, BORN = "Ilsabet", "Quarrowby", date(1983, 7, 14)
ACTIVE, INACTIVE, REJECTED = "ZZT0000001", "ZZT0000005", "ZZT0000072"
TRACE = "CW-TRACE-7001"
NPI = "1234567893"
PHI = (FIRST, LAST, "19830714", "1983-07-14", ACTIVE, INACTIVE, REJECTED)


def query(member_id: str = ACTIVE, *, trace: str = TRACE, control: int = 41,
          last: str = LAST) -> EligibilityQuery:
    subscriber = Subscriber(member_id=member_id, name=PersonName(last=last, first=FIRST),
                            birth_date=BORN)
    return EligibilityQuery(
        inquiry=EligibilityInquiry(subscriber=subscriber, trace_number=trace,
                                   service_types=("MH",), service_date=date(2026, 11, 2)),
        receiver=InformationReceiver(npi=NPI, organization_name="Harborlight Counseling"),
        control_number=control, submitted_at=datetime(2026, 11, 2, 15, 0, tzinfo=UTC))


def entry(adapter: str = "sandbox", url: str | None = None, *, id: str = "route-a",
          **fields: Any) -> PayerEntry:
    item: dict[str, Any] = {"id": id, "name": "Tidewater Health Test", "payer_id": "TIDE01",
                            "adapter": adapter, **fields}
    if url is not None:
        item["url"] = url
    if adapter.startswith("core"):
        item.setdefault("username", "cw-user")
        item.setdefault("password", "cw-secret")
    if adapter in ("clearinghouse-json", "availity"):
        item.setdefault("client_id", "cw-client")
        item.setdefault("client_secret", "cw-client-secret")
        item.setdefault("token_url", (url or "https://localhost").rsplit("/", 1)[0] + "/token")
    if adapter == "availity":
        item.setdefault("usage", "T")  # Availity's demo plan and its scope
    if adapter == "stedi":
        # A test key on a test route, as Stedi's test mode has it.
        item.setdefault("api_key", "test_cw-stedi-key")
        item.setdefault("usage", "T")
        item.setdefault("api", "v3")
    if adapter == "claimmd":
        item.setdefault("api_key", "cw-claimmd-account-key")
    return parse_directory({"payers": [item]})[item["id"]]


def error_of(adapter: EligibilityAdapter, member_id: str = ACTIVE) -> PayerError:
    """The PayerError that ``adapter`` raises for a query about ``member_id``."""
    with pytest.raises(PayerError) as caught:
        adapter.check(query(member_id))
    return caught.value


def reply_271(x270: str, *, trace: str | None = None) -> str:
    """The simulated payer's 271 text for ``x270``, optionally for another trace number."""
    read = read_270(x270)
    return write_reply(read, reply_for(read, trace=(trace, "9OTHERPAYR") if trace else None))
