"""Bearer API keys: who is calling, which practice they see, and what they may do."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import abort, g, request
from flask_smorest import Blueprint

from service.practice.access import Caller
from service.practice.api_keys import authenticate
from service.wiring import current_wiring

F = TypeVar("F", bound=Callable[..., Any])


def require(scope: str) -> Callable[[F], F]:
    """Refuse the request with 401 (no or bad key) or 403 (scope missing) before the view runs."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            caller = current_caller()
            if scope not in caller.scopes:
                abort(403)
            return view(*args, **kwargs)

        # The document reads the scope from here (service/web/document.py declares it).
        return cast(F, Blueprint.doc(**{"x-scope": scope})(wrapper))

    return decorate


def current_caller() -> Caller:
    if "caller" in g:
        return cast(Caller, g.caller)
    header = request.headers.get("Authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        abort(401)
    wiring = current_wiring()
    caller = authenticate(keys=wiring.keys, clock=wiring.clock, key=key.strip())
    if caller is None:
        abort(401)
    g.caller = Caller(
        practice_id=caller.practice_id, actor=caller.actor, scopes=caller.scopes,
        request_id=g.get("request_id"),
    )
    return cast(Caller, g.caller)
