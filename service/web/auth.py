"""Bearer API keys: who is calling, which practice they see, and what they may do."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar, cast

from flask import abort, g, request
from flask_smorest import Blueprint

from service.practice.access import Caller, CallerChanged
from service.practice.api_keys import authenticate
from service.wiring import current_wiring

F = TypeVar("F", bound=Callable[..., Any])


def require(scope: str, *, stamped: bool = False) -> Callable[[F], F]:
    """Refuse the request with 401 (no or bad key) or 403 (scope missing) before the view runs.

    `stamped`: the view reads its practice's config stamp in the one statement it makes
    anyway (visit checks and forecasts, many a second from a scheduler), so a key this
    process has verified is taken from memory and confirmed by that stamp; when the stamp
    moved (a key revoked anywhere moves it), the key is read again and the view run again.
    """

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            caller = current_caller(kept=stamped)
            if scope not in caller.scopes:
                abort(403)
            if not stamped:
                return view(*args, **kwargs)
            try:
                return view(*args, **kwargs)
            except CallerChanged:
                # Only views that write nothing are stamped: running one again is safe. The
                # key is read again (and kept anew); a caller just read needs no
                # confirmation, so the view runs at most twice.
                g.pop("caller", None)
                current_wiring().verified_keys.drop(_bearer())
                if scope not in current_caller(kept=True).scopes:
                    abort(403)
                return view(*args, **kwargs)

        # The document reads the scope from here (service/web/document.py declares it).
        return cast(F, Blueprint.doc(**{"x-scope": scope})(wrapper))

    return decorate


def current_caller(*, kept: bool = False) -> Caller:
    """The request's caller, its key read from the database (or, with `kept`, from the keys
    this process verified: see require's `stamped`)."""
    ctx = g._get_current_object()  # type: ignore[attr-defined]  # resolved once, used thrice
    caller = ctx.get("caller")
    if caller is not None:
        return cast(Caller, caller)
    key = _bearer()
    wiring = current_wiring()
    caller = authenticate(keys=wiring.keys, clock=wiring.clock, key=key,
                          verified=wiring.verified_keys if kept else None)
    if caller is None:
        abort(401)
    ctx.caller = caller = replace(caller, request_id=ctx.get("request_id"))
    return cast(Caller, caller)


def _bearer() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        abort(401)
    return key.strip()
