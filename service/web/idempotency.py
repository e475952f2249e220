"""Idempotency-Key on every POST of the API: a retry gets the first answer, not a second write.

One mechanism for all of /v1: the request runs in one transaction that takes the key first and
stores the answer last (service/practice/idempotency.py), so the answer a retry replays exists
exactly when what the first request wrote does. Only 2xx answers are stored; any other answer
changed nothing and a retry with the same key runs again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, Response, current_app, g, request
from flask.typing import ResponseReturnValue

from service.practice import idempotency
from service.practice.idempotency import Answer, KeyOf, KeyTaken, RequestTransaction, Stored
from service.web.auth import current_caller
from service.web.errors import error_response
from service.wiring import current_wiring

HEADER = "Idempotency-Key"
# Visible ASCII, no spaces: a UUID or any token a client makes up, never echoed in logs.
KEY_RE = re.compile(r"[\x21-\x7e]{1,255}")
KEY_RULE = "Use 1 to 255 visible ASCII characters (a UUID is a good key)."
# What a replay repeats besides status and body.
KEPT_HEADERS = ("Content-Type", "Location", "ETag", "Preference-Applied")
REPLAYED = "Idempotent-Replayed"


@dataclass
class _Pending:
    key: KeyOf
    transaction: RequestTransaction
    token: Any
    done: bool = field(default=False)


def register(app: Flask) -> None:
    app.before_request(_take)
    app.after_request(_store)
    app.teardown_request(_close)
    app.register_error_handler(KeyTaken, _taken)


def _take() -> ResponseReturnValue | None:
    raw = request.headers.get(HEADER)
    if raw is None or request.method != "POST" or request.url_rule is None or \
            not request.path.startswith("/v1/"):
        # Without the header nothing here touches the database (POST /v1/visits/check).
        return None
    if not KEY_RE.fullmatch(raw):
        return error_response(400, errors={HEADER: [KEY_RULE]}, error="bad_request")
    caller = current_caller()
    wiring = current_wiring()
    key = KeyOf(practice_id=caller.practice_id, caller=caller.actor, key=raw,
                fingerprint=idempotency.fingerprint(request.method, request.full_path,
                                                    request.get_data(cache=True)))
    found = idempotency.stored(answers=wiring.stored_answers, clock=wiring.clock, key=key)
    if found is not None:
        return _replay(found, key)
    transaction = idempotency.begin(session_factory=wiring.session_factory,
                                    clock=wiring.clock, key=key)
    g.idempotency = _Pending(key, transaction, idempotency.join(transaction))
    return None


def _store(response: Response) -> Response:
    pending: _Pending | None = g.get("idempotency")
    if pending is None or pending.done or not 200 <= response.status_code < 300:
        return response
    pending.done = True
    answer = Answer(response.status_code, response.get_data(as_text=True),
                    {name: response.headers[name] for name in KEPT_HEADERS
                     if name in response.headers})
    try:
        idempotency.finish(pending.transaction, key=pending.key, answer=answer)
    except KeyTaken:
        return current_app.make_response(_taken(KeyTaken()))
    except Exception as error:  # noqa: BLE001 - the commit failed: answered like any error
        return current_app.make_response(current_app.handle_user_exception(error))
    return response


def _taken(_error: KeyTaken) -> ResponseReturnValue:
    """Another request with the key committed while this one waited: its answer is this one's."""
    pending: _Pending = g.idempotency
    pending.done = True
    pending.transaction.close()
    wiring = current_wiring()
    found = idempotency.stored(answers=wiring.stored_answers, clock=wiring.clock, key=pending.key)
    if found is None:
        # Taken, then gone (expired meanwhile): the client may simply send it again.
        return error_response(409, errors={HEADER: ["This key is in use; send it again."]},
                              error="idempotency_key_in_use", headers={"Retry-After": "1"})
    return _replay(found, pending.key)


def _replay(found: Stored, key: KeyOf) -> ResponseReturnValue:
    if found.fingerprint != key.fingerprint:
        return error_response(
            422, message="This Idempotency-Key was first sent with another request; use a new "
                         "key for a new request.",
            errors={HEADER: ["Already used with another method, path or body."]},
            error="idempotency_key_reused")
    response = current_app.response_class(found.answer.body, status=found.answer.status,
                                          headers=found.answer.headers)
    response.headers[REPLAYED] = "true"
    return response


def _close(_error: BaseException | None) -> None:
    pending: _Pending | None = g.pop("idempotency", None)
    if pending is not None:
        idempotency.leave(pending.token)
        pending.transaction.close()
