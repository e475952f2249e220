"""Webhook rules: the event types, Standard Webhooks signatures and the retry schedule."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import StrEnum


class EventType(StrEnum):
    """What an endpoint may subscribe to (docs/webhooks.md lists each payload)."""

    CHECK_COMPLETED = "eligibility_check.completed"
    COVERAGE_CHANGED = "coverage.changed"
    ALERT_OPENED = "alert.opened"
    ALERT_RESOLVED = "alert.resolved"
    VISIT_VERDICT_CHANGED = "visit.verdict_changed"
    AUTHORIZATION_UPDATED = "authorization.updated"
    RUN_FINISHED = "reverification_run.finished"


EVENT_TYPES = tuple(e.value for e in EventType)
# Sent by POST /v1/webhook-endpoints/{id}/test only, to that endpoint, subscribed or not.
TEST_EVENT = "webhook.test"

SECRET_PREFIX = "whsec_"  # noqa: S105 - the format's prefix, not a secret
SECRET_BYTES = 32
# After each failed attempt, the wait before the next; the last one repeats until the
# retries span RETRY_FOR (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h: 27 h 35 min).
BACKOFF = (timedelta(seconds=5), timedelta(minutes=5), timedelta(minutes=30),
           timedelta(hours=2), timedelta(hours=5), timedelta(hours=10))
RETRY_FOR = timedelta(hours=24)
# An endpoint whose every attempt has failed for this long is disabled, with an alert.
DISABLE_AFTER = timedelta(days=3)
# After a rotation the previous secret signs too, so receivers can switch without a gap.
ROTATION_OVERLAP = timedelta(hours=24)


def new_secret() -> str:
    """A signing secret as Standard Webhooks writes it: whsec_ and base64 of random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def signature(secret: str, *, msg_id: str, timestamp: int, body: bytes) -> str:
    """`v1,<base64 HMAC-SHA256 of "id.timestamp.body">` under the secret's key bytes."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signature_header(secrets_: Sequence[str], *, msg_id: str, timestamp: int,
                     body: bytes) -> str:
    """The webhook-signature header: one signature per live secret, space-separated (the
    specification's way of signing with an old and a new secret during a rotation)."""
    return " ".join(signature(s, msg_id=msg_id, timestamp=timestamp, body=body)
                    for s in secrets_)


def retry_delay(attempts: int) -> timedelta | None:
    """The wait after the `attempts`-th failed attempt, or None when retrying ends (the waits
    so far reach RETRY_FOR)."""
    waits = [BACKOFF[min(i, len(BACKOFF) - 1)] for i in range(attempts)]
    if sum(waits[:-1], timedelta()) >= RETRY_FOR:
        return None
    return waits[-1]


def should_disable(failing_since: datetime | None, now: datetime) -> bool:
    return failing_since is not None and now - failing_since >= DISABLE_AFTER
