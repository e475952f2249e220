"""Authenticating a key: its row read each time, its last use written at most once a minute."""

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import DBAPIError

from service.db.key_lookup import KeyLookup
from service.practice.access import new_key
from service.practice.api_keys import authenticate

NOW = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)


class RowStatements:
    """One key's row as the database would answer, and the writes asked of it."""

    def __init__(self, row, *, fail_writes=False):
        self.row, self.fail_writes, self.writes = row, fail_writes, []

    def first(self, statement, params):
        return self.row

    def rowcount(self, statement, params):
        if self.fail_writes:
            raise DBAPIError("UPDATE api_keys", None, Exception("database is locked"))
        self.writes.append(params)
        return 1


def _key(**columns):
    key, _, key_hash = new_key()
    row = {"id": uuid.uuid4(), "practice_id": uuid.uuid4(), "key_hash": key_hash,
           "scopes": "read,write", "revoked_at": None, "last_used_at": None, **columns}
    return key, row


def test_a_live_key_is_the_caller_and_its_first_use_is_written():
    key, row = _key()
    statements = RowStatements(row)
    caller = authenticate(keys=KeyLookup(statements), clock=lambda: NOW, key=key)
    assert caller is not None and caller.scopes == {"read", "write"}
    assert caller.actor == f"api_key:{row['id']}"
    assert statements.writes == [{"key_id": row["id"], "at": NOW,
                                  "stale_before": NOW - timedelta(minutes=1)}]


def test_a_use_within_the_minute_writes_nothing():
    key, row = _key(last_used_at=NOW - timedelta(seconds=59))
    statements = RowStatements(row)
    assert authenticate(keys=KeyLookup(statements), clock=lambda: NOW, key=key) is not None
    assert statements.writes == []


def test_a_revoked_or_wrong_key_is_refused_and_nothing_is_written():
    key, row = _key(revoked_at=NOW)
    statements = RowStatements(row)
    assert authenticate(keys=KeyLookup(statements), clock=lambda: NOW, key=key) is None
    live = RowStatements(row | {"revoked_at": None})
    wrong_secret = key[:-1] + ("A" if key[-1] != "A" else "B")  # same prefix, so row found
    assert authenticate(keys=KeyLookup(live), clock=lambda: NOW, key=wrong_secret) is None
    assert statements.writes == [] and live.writes == []


def test_a_last_use_that_cannot_be_written_does_not_refuse_the_request():
    key, row = _key()
    caller = authenticate(keys=KeyLookup(RowStatements(row, fail_writes=True)),
                          clock=lambda: NOW, key=key)
    assert caller is not None
