"""What a check asks a payer, normalised: the key reuse and in-flight joins match on."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol


@dataclass(frozen=True, kw_only=True)
class Subject:
    """Who the payer is asked about: the coverage's identity as the 270 names it. A change
    to any of it makes an earlier answer one about other data."""

    route: str  # directory id asked
    payer_id: str  # the payer's X12 id on that route
    member_id: str
    subscriber_member_id: str | None
    relationship: str
    first_name: str
    last_name: str
    birth_date: date
    subscriber_first_name: str | None
    subscriber_last_name: str | None
    subscriber_birth_date: date | None

    def key(self) -> str:
        """A digest of the normalised identity (payers match names case-blind)."""
        return _digest("subject", self.route, self.payer_id, self.member_id,
                       self.subscriber_member_id, self.relationship, self.first_name,
                       self.last_name, self.birth_date, self.subscriber_first_name,
                       self.subscriber_last_name, self.subscriber_birth_date)


class Identity(Protocol):
    """A coverage row joined with its patient, as the stores read it."""

    @property
    def member_id(self) -> str: ...
    @property
    def relationship(self) -> str: ...
    @property
    def first_name(self) -> str: ...
    @property
    def last_name(self) -> str: ...
    @property
    def birth_date(self) -> date: ...
    @property
    def subscriber_first_name(self) -> str | None: ...
    @property
    def subscriber_last_name(self) -> str | None: ...
    @property
    def subscriber_birth_date(self) -> date | None: ...
    @property
    def subscriber_member_id(self) -> str | None: ...


def subject_of(row: Identity, *, route: str, payer_id: str) -> Subject:
    """The subject of a 270 about `row` on `route`: the subscriber's data count only when
    the 270 names a subscriber apart from the patient (service/domain/inquiry.py)."""
    named = row.relationship != "self" and bool(row.subscriber_last_name)
    return Subject(
        route=route, payer_id=payer_id, member_id=row.member_id,
        subscriber_member_id=row.subscriber_member_id if named else None,
        relationship=row.relationship, first_name=row.first_name, last_name=row.last_name,
        birth_date=row.birth_date,
        subscriber_first_name=row.subscriber_first_name if named else None,
        subscriber_last_name=row.subscriber_last_name if named else None,
        subscriber_birth_date=(row.subscriber_birth_date or row.birth_date) if named else None,
    )


@dataclass(frozen=True, kw_only=True)
class Question:
    """The whole question: who, which service types, for which date, by which provider."""

    subject: Subject
    service_types: tuple[str, ...]  # normalised, sorted
    service_date: date | None
    provider_npi: str

    def key(self) -> str:
        return _digest("question", self.subject.key(), ",".join(self.service_types),
                       self.service_date, self.provider_npi)

    def heard_by_phone(self) -> str:
        """The key of an answer to this question heard on a call: never a live question's
        key, so a live check never takes a phone answer for the payer's (the subject's key
        stays the same: a phone answer too is about the coverage as it was then)."""
        return _digest("phone", self.key())

    def echo(self) -> dict[str, Any]:
        """The parts the API shows with the check; the people's data stay in the digest (the
        raw 270 holds them for admins)."""
        return {"route": self.subject.route, "payer_id": self.subject.payer_id,
                "relationship": self.subject.relationship,
                "subscriber_named": self.subject.subscriber_last_name is not None,
                "service_types": list(self.service_types),
                "service_date": (self.service_date.isoformat()
                                 if self.service_date is not None else None),
                "provider_npi": self.provider_npi}


def _digest(kind: str, *parts: object) -> str:
    text = "\x1f".join([kind, *(_normal(p) for p in parts)])
    return hashlib.sha256(text.encode()).hexdigest()


def _normal(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return " ".join(str(value).split()).upper()
