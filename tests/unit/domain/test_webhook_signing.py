"""Our Standard Webhooks signatures, checked by the specification's own library and by the
standard-library example of docs/webhooks.md; the retry schedule."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from standardwebhooks import Webhook

from service.domain.webhooks import new_secret, retry_delay, signature, signature_header

DOC = Path(__file__).resolve().parents[3] / "docs" / "webhooks.md"
BODY = b'{"id":"evt_1","type":"webhook.test","data":{}}'


def _doc_verify():
    """The `verify` function of the documentation's Python block, as written there."""
    block = re.search(r"```python\n(.*?)```", DOC.read_text(), re.S)
    assert block is not None
    found: dict = {}
    exec(compile(block.group(1), str(DOC), "exec"), found)  # noqa: S102 - our own document
    return found["verify"]


def _headers(*secrets: str, stamp: int | None = None) -> dict[str, str]:
    stamp = int(time.time()) if stamp is None else stamp
    return {"webhook-id": "msg_1", "webhook-timestamp": str(stamp),
            "webhook-signature": signature_header(secrets, msg_id="msg_1", timestamp=stamp,
                                                  body=BODY)}


def test_a_new_secret_is_whsec_and_32_random_bytes():
    first, second = new_secret(), new_secret()
    assert first.startswith("whsec_") and first != second
    assert len(first.removeprefix("whsec_")) == 44


def test_the_library_of_the_specification_signs_as_we_do():
    secret = new_secret()
    stamp = int(time.time())
    theirs = Webhook(secret).sign("msg_1", datetime.fromtimestamp(stamp, tz=UTC),
                                  BODY.decode())
    assert signature(secret, msg_id="msg_1", timestamp=stamp, body=BODY) == theirs
    Webhook(secret).verify(BODY, _headers(secret, stamp=stamp))


def test_the_documented_example_verifies_our_signatures_and_refuses_others():
    verify = _doc_verify()
    secret, other = new_secret(), new_secret()
    assert verify(secret, BODY, _headers(secret))
    assert verify(secret, BODY, _headers(other, secret))  # during a rotation
    assert not verify(other, BODY, _headers(secret))
    assert not verify(secret, BODY + b" ", _headers(secret))
    assert not verify(secret, BODY, _headers(secret, stamp=int(time.time()) - 3600))


@pytest.mark.parametrize(("attempts", "wait"), [
    (1, timedelta(seconds=5)), (2, timedelta(minutes=5)), (3, timedelta(minutes=30)),
    (4, timedelta(hours=2)), (5, timedelta(hours=5)), (6, timedelta(hours=10)),
    (7, timedelta(hours=10)), (8, None)])
def test_retries_wait_longer_each_time_for_more_than_a_day(attempts, wait):
    assert retry_delay(attempts) == wait
