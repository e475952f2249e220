"""Which alerts one coverage's ledger and latest check raise today: pure rules, no storage.

An alert is identified by what it is about and the facts behind it: the same facts give the
same id on every read (so listing never has to write one down), and changed facts give a new
alert, which is why a person's "resolved" holds until the facts change.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol

from service.domain.cpt import time_mismatch
from service.domain.policy import COUNTED
from service.domain.verdict import Settings

KINDS = ("auth_low", "auth_expiring", "auth_exhausted", "auth_expired", "coverage_inactive",
         "check_failing", "visit_not_covered", "cpt_time_mismatch", "no_shows",
         "coverage_changed", "webhook_disabled", "route_degraded")
# Written by the nightly job when a payer's answer changes, by the webhook deliverer when
# it disables an endpoint that failed for days, and after a check when its payer route
# degrades (service/eligibility/route_alerts.py); every other kind is derived.
WRITTEN_KINDS = frozenset({"coverage_changed", "webhook_disabled", "route_degraded"})
NO_SHOWS, NO_SHOW_DAYS = 3, 30
_NAMESPACE = uuid.UUID("5f0c6f55-7d0e-4b8a-9a43-6c1f1d3a2e70")


class AuthFacts(Protocol):
    @property
    def id(self) -> uuid.UUID: ...
    @property
    def number(self) -> str: ...
    @property
    def remaining(self) -> int: ...
    @property
    def overcommitted(self) -> int: ...
    @property
    def end_date(self) -> date: ...
    @property
    def updated_at(self) -> datetime: ...


class VisitFacts(Protocol):
    @property
    def id(self) -> uuid.UUID: ...
    @property
    def date(self) -> date: ...
    @property
    def status(self) -> str: ...
    @property
    def code(self) -> str: ...
    @property
    def minutes(self) -> int | None: ...
    @property
    def verdict(self) -> dict[str, Any] | None: ...
    @property
    def updated_at(self) -> datetime: ...


class CheckFacts(Protocol):
    @property
    def id(self) -> uuid.UUID: ...
    @property
    def status(self) -> str: ...
    @property
    def error_code(self) -> str | None: ...
    @property
    def started_at(self) -> datetime: ...


@dataclass(frozen=True)
class Derived:
    """One alert as the rules raise it; `since` is when its facts were last written (or the
    day a date made it true, whichever is later)."""

    kind: str
    subject_id: str
    coverage_id: uuid.UUID
    message: str
    data: dict[str, Any]
    since: datetime
    fingerprint: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "fingerprint", fingerprint(self.data))

    def id_for(self, practice_id: uuid.UUID) -> uuid.UUID:
        return alert_id(practice_id, self.kind, self.subject_id, self.fingerprint)


def fingerprint(data: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def alert_id(practice_id: uuid.UUID, kind: str, subject_id: str, print_: str) -> uuid.UUID:
    """The same id for the same practice, subject and facts, on every read and process."""
    return uuid.uuid5(_NAMESPACE, f"{practice_id}:{kind}:{subject_id}:{print_}")


def _day(on: date) -> datetime:
    return datetime.combine(on, time(), tzinfo=UTC)


def derive(coverage_id: uuid.UUID, *, auths: Sequence[AuthFacts],
           visits: Sequence[VisitFacts], latest_check: CheckFacts | None, today: date,
           settings: Settings) -> list[Derived]:
    """Every alert one coverage raises today. `auths` are its approved authorizations;
    `visits` those dated from NO_SHOW_DAYS before today on; `latest_check` its newest finished
    check with its current payer."""
    return [*_authorizations(coverage_id, auths, visits, today, settings),
            *_coverage(coverage_id, latest_check), *_visits(coverage_id, visits, today)]


def _authorizations(coverage_id: uuid.UUID, auths: Sequence[AuthFacts],
                    visits: Sequence[VisitFacts], today: date,
                    settings: Settings) -> Iterator[Derived]:
    waiting = [v for v in visits if v.status == "scheduled" and v.date >= today]
    for auth in auths:
        facts: dict[str, Any] = {"number": auth.number, "remaining": auth.remaining,
                                 "ends": auth.end_date.isoformat()}
        written = max([auth.updated_at, *(v.updated_at for v in waiting)])
        subject = str(auth.id)
        if auth.end_date < today:
            if waiting:
                yield Derived("auth_expired", subject, coverage_id,
                              f"Authorization {auth.number} ended on {facts['ends']} and "
                              "visits are still scheduled: request a new one or move the visits.",
                              {**facts, "scheduled_visits": len(waiting)},
                              max(written, _day(auth.end_date + timedelta(days=1))))
            continue
        if auth.overcommitted:
            # Cut below what completed and past visits hold: those may be billed beyond the
            # approval. The key is only there then, so other alerts keep their ids.
            yield Derived("auth_exhausted", subject, coverage_id,
                          f"Authorization {auth.number} was amended below what visits already "
                          f"hold ({auth.overcommitted} over): ask the payer to cover them or "
                          "correct the authorization.",
                          {**facts, "scheduled_visits": len(waiting),
                           "overcommitted": auth.overcommitted}, written)
        elif auth.remaining == 0 and waiting:
            yield Derived("auth_exhausted", subject, coverage_id,
                          f"Authorization {auth.number} is used up and visits are still "
                          "scheduled: request more visits from the payer.",
                          {**facts, "scheduled_visits": len(waiting)}, written)
        elif 0 < auth.remaining <= settings.auth_low_threshold:
            yield Derived("auth_low", subject, coverage_id,
                          f"Authorization {auth.number} has {auth.remaining} left: request "
                          "more now.", facts, auth.updated_at)
        if (auth.end_date - today).days <= settings.auth_expiring_days:
            became = auth.end_date - timedelta(days=settings.auth_expiring_days)
            yield Derived("auth_expiring", subject, coverage_id,
                          f"Authorization {auth.number} ends on {facts['ends']}: request an "
                          "extension if therapy continues.", facts,
                          max(auth.updated_at, _day(became)))


def _coverage(coverage_id: uuid.UUID, latest: CheckFacts | None) -> Iterator[Derived]:
    if latest is None:
        return
    facts: dict[str, Any] = {"check_id": str(latest.id), "status": latest.status}
    if latest.status == "inactive":
        yield Derived("coverage_inactive", str(coverage_id), coverage_id,
                      "The payer says this coverage is inactive: ask the client for their "
                      "current insurance.", facts, latest.started_at)
    elif latest.status in ("error", "rejected"):
        yield Derived("check_failing", str(coverage_id), coverage_id,
                      "The latest eligibility check failed: open it for the next step and "
                      "run it again.", {**facts, "error_code": latest.error_code},
                      latest.started_at)


def _visits(coverage_id: uuid.UUID, visits: Sequence[VisitFacts],
            today: date) -> Iterator[Derived]:
    for visit in visits:
        on = visit.date.isoformat()
        if visit.status == "scheduled" and visit.date >= today and visit.verdict and \
                visit.verdict.get("status") == "not_covered":
            codes = sorted(r["code"] for r in visit.verdict.get("reasons", [])
                           if r.get("severity") == "block")
            yield Derived("visit_not_covered", str(visit.id), coverage_id,
                          f"A visit on {on} would not be covered: open it for the reasons.",
                          {"date": on, "reasons": codes}, visit.updated_at)
        expected = time_mismatch(visit.code, visit.minutes)
        if expected is not None and visit.status in COUNTED:
            yield Derived("cpt_time_mismatch", str(visit.id), coverage_id,
                          f"The visit on {on} is coded {visit.code} but lasted "
                          f"{visit.minutes} minutes: correct the code or the minutes before "
                          "billing.", {"code": visit.code, "minutes": visit.minutes,
                                       "expected_min": expected[0],
                                       "expected_max": expected[1]}, visit.updated_at)
    missed = [v for v in visits if v.status == "no_show" and
              today - timedelta(days=NO_SHOW_DAYS) <= v.date <= today]
    if len(missed) >= NO_SHOWS:
        dates = sorted(v.date.isoformat() for v in missed)
        yield Derived("no_shows", str(coverage_id), coverage_id,
                      f"{len(missed)} no-shows in the last {NO_SHOW_DAYS} days: a clinical "
                      "check-in with the client may help.", {"count": len(dates), "dates": dates},
                      max(v.updated_at for v in missed))
