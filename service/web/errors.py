"""The one place where errors become HTTP answers of the shape {code, status, message, errors}."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Flask, jsonify
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException, InternalServerError, NotFound, Unauthorized
from werkzeug.http import HTTP_STATUS_CODES

from schemas.errors import ERROR_BY_STATUS
from service.domain import errors as domain
from service.domain.eligibility import ERROR_MESSAGES
from service.domain.ratelimit import RateLimited

log = logging.getLogger("coverwatch.web")

MESSAGES = {
    400: "The request could not be read.",
    401: "A valid API key is required: send 'Authorization: Bearer <key>'.",
    403: "This API key lacks the scope this action needs.",
    404: "Not found.",
    405: "This method is not allowed here.",
    413: "The request body is too large.",
    415: "Send the body as JSON (Content-Type: application/json).",
    409: "This conflicts with what is stored; see errors.reason.",
    422: "Some fields are invalid; see errors.",
    429: "Too many live eligibility checks from this practice; try again later.",
    412: "The resource changed since the ETag sent in If-Match; read it again.",
    500: "Something went wrong on our side; the request id identifies it in our logs.",
    503: "The database is unavailable for a moment; try again after Retry-After seconds.",
}
# Seconds a client waits before retrying when the database was unreachable.
UNAVAILABLE_RETRY_AFTER_S = 1


def error_response(
    code: int, *, message: str | None = None, errors: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None, error: str | None = None,
) -> ResponseReturnValue:
    """The error body; `error` names a specific refusal, else the status's own code."""
    body: dict[str, Any] = {
        "code": code,
        "status": HTTP_STATUS_CODES.get(code, "Error"),
        "error": error or ERROR_BY_STATUS.get(code, "bad_request" if code < 500 else
                                                    "internal_error"),
        "message": message or MESSAGES.get(code, "Error."),
    }
    if error:
        body["error"] = error
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = code
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _http(error: HTTPException) -> ResponseReturnValue:
    code = error.code or 500
    data = getattr(error, "data", None) or {}
    errors = data.get("errors") or data.get("messages")
    if isinstance(errors, dict) and set(errors) <= {"json", "query", "path", "headers"}:
        # webargs nests errors by location; a client wants the field names only.
        flat: dict[str, Any] = {}
        for part in errors.values():
            flat.update(part if isinstance(part, dict) else {"_schema": part})
        errors = flat
    # Keep what werkzeug put on the error (Allow on a 405, Retry-After...), not its HTML type.
    headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
    headers.update(data.get("headers") or {})
    if isinstance(error, Unauthorized):
        headers["WWW-Authenticate"] = "Bearer"
    message = data.get("message") or MESSAGES.get(code) or error.description
    if isinstance(errors, list):
        errors = {"_schema": errors}
    return error_response(code, message=message, errors=errors, headers=headers)


def _not_found(error: domain.NotFound) -> ResponseReturnValue:
    return error_response(404, message=f"{error.resource.capitalize()} not found.")


def _invalid(error: domain.InvalidInput) -> ResponseReturnValue:
    reason = {"reason": error.reason} if error.reason else {}
    return error_response(422, errors={**error.errors, **reason})


def _conflict(error: domain.Conflict) -> ResponseReturnValue:
    return error_response(409, message=error.message,
                          errors={"reason": error.code, **error.ids})


def _rate_limited(error: RateLimited) -> ResponseReturnValue:
    return error_response(429, errors={"reason": "CHECK_RATE_LIMITED"},
                          headers={"Retry-After": str(error.retry_after_s)})


def _resend_too_soon(error: domain.ResendTooSoon) -> ResponseReturnValue:
    return error_response(
        409, error="payer_resend_too_soon",
        message=f"{ERROR_MESSAGES['PAYER_RESEND_TOO_SOON']} Try again in "
                f"{error.retry_after_s} seconds.",
        errors={"reason": "PAYER_RESEND_TOO_SOON", "retry_after_s": error.retry_after_s},
        headers={"Retry-After": str(error.retry_after_s)})


# A payer failure met at once (a COB check): the gateway's statuses, the payer's code.
PAYER_STATUS = {"PAYER_TIMEOUT": 504, "PAYER_BUSY": 503, "PAYER_CIRCUIT_OPEN": 503}


def _payer_failed(error: domain.PayerFailed) -> ResponseReturnValue:
    headers = ({"Retry-After": str(error.retry_after_s)}
               if error.retry_after_s is not None else {})
    return error_response(PAYER_STATUS.get(error.code, 502), error="payer_error",
                          message=ERROR_MESSAGES.get(error.code),
                          errors={"reason": error.code}, headers=headers)


def _stale(_error: domain.PreconditionFailed) -> ResponseReturnValue:
    return error_response(412, error="precondition_failed")


def _unavailable() -> ResponseReturnValue:
    return error_response(503, error="unavailable",
                          headers={"Retry-After": str(UNAVAILABLE_RETRY_AFTER_S)})


def _unexpected(error: Exception) -> ResponseReturnValue:
    if isinstance(error, HTTPException) and not isinstance(error, InternalServerError):
        return _http(error)
    # The traceback goes to the log (scrubbed of patient data); the client gets no detail.
    log.error("unhandled error", exc_info=error)
    return error_response(500)


def register(app: Flask, *, database_errors: tuple[type[Exception], ...] = (),
             unavailable: Callable[[Exception], bool] = lambda _error: False) -> None:
    """`database_errors` are the driver's error classes; those `unavailable` says are a lost
    or unreachable database answer 503 with Retry-After (the pool has dropped the connection,
    so a retry gets a fresh one), the others are unexpected."""

    def _database(error: Exception) -> ResponseReturnValue:
        if unavailable(error):
            log.warning("database unavailable: %s", type(error).__name__)
            return _unavailable()
        return _unexpected(error)

    for kind in database_errors:
        app.register_error_handler(kind, _database)
    app.register_error_handler(domain.PreconditionFailed, _stale)
    app.register_error_handler(HTTPException, _http)
    app.register_error_handler(NotFound, _http)
    app.register_error_handler(domain.NotFound, _not_found)
    app.register_error_handler(domain.InvalidInput, _invalid)
    app.register_error_handler(domain.Conflict, _conflict)
    app.register_error_handler(RateLimited, _rate_limited)
    app.register_error_handler(domain.ResendTooSoon, _resend_too_soon)
    app.register_error_handler(domain.PayerFailed, _payer_failed)
    app.register_error_handler(Exception, _unexpected)
