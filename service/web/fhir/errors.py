"""Errors under /fhir as OperationOutcome resources with the HTTP status of the /v1 answer.

Installed on the blueprint, so they win over the app's JSON error shape for its requests:
werkzeug's HTTP errors by status code (the app registers some by code, which Flask would
otherwise prefer), the domain errors, database outages and anything unexpected.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, Response, current_app
from werkzeug.exceptions import HTTPException, default_exceptions

from service.domain import errors as domain
from service.domain.eligibility import ERROR_MESSAGES
from service.domain.ratelimit import RateLimited
from service.fhir.codes import CHECK_ERROR_SYSTEM, REFUSAL_SYSTEM, concept
from service.fhir.outcomes import Issue, outcome
from service.web.errors import MESSAGES, UNAVAILABLE_RETRY_AFTER_S
from service.web.fhir.blueprint import answer

log = logging.getLogger("coverwatch.web")
EXTENSION = "coverwatch.fhir.errors"
# FHIR's issue type for each HTTP status we answer.
ISSUE_CODES = {400: "invalid", 401: "login", 403: "forbidden", 404: "not-found",
               405: "not-supported", 406: "not-supported", 409: "conflict", 412: "conflict",
               413: "too-costly", 415: "not-supported", 422: "processing", 429: "throttled",
               503: "transient"}
FHIR_MESSAGES = {
    **MESSAGES,
    400: "The request could not be read; see each issue's expression.",
    406: "This server answers FHIR JSON only (application/fhir+json).",
    415: "Send the resource as FHIR JSON (Content-Type: application/fhir+json), or a search "
         "as a form (application/x-www-form-urlencoded).",
    422: "The request breaks a rule; see each issue.",
}


class Malformed(Exception):
    """A request that cannot be read as FHIR: a resource that does not parse, or a search
    parameter that is unknown or unreadable (400)."""

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__("malformed FHIR request")
        self.issues = issues


def failure(status: int, issues: list[Issue], headers: dict[str, str] | None = None) -> Response:
    return answer(outcome(issues), status, headers)


def simple(status: int, text: str | None = None, *, details: dict[str, Any] | None = None,
           headers: dict[str, str] | None = None) -> Response:
    code = ISSUE_CODES.get(status, "exception")
    message = text or FHIR_MESSAGES.get(status, "Error.")
    return failure(status, [Issue(code=code, text=message, details=details)], headers)


def field_issues(errors: dict[str, Any], *, code: str) -> list[Issue]:
    """One issue per message: keys that are FHIRPath expressions say where; others (search
    parameters) lead the message."""
    issues = []
    for key, messages in errors.items():
        for message in messages if isinstance(messages, list) else [messages]:
            if key[:1].isupper():
                issues.append(Issue(code=code, text=str(message), expression=key))
            else:
                issues.append(Issue(code=code, text=f"{key}: {message}"))
    return issues


def _http(error: HTTPException) -> Response:
    status = error.code or 500
    headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    if status == 500:
        return _unexpected(error)
    return simple(status, headers=headers)


def _malformed(error: Malformed) -> Response:
    return failure(400, error.issues)


def _invalid(error: domain.InvalidInput) -> Response:
    errors = {k: v for k, v in error.errors.items() if k != "reason"}
    return failure(422, field_issues(errors, code="processing"))


def _not_found(error: domain.NotFound) -> Response:
    return simple(404, f"{error.resource.capitalize()} not found.")


def _conflict(error: domain.Conflict) -> Response:
    return simple(409, error.message, details=concept(REFUSAL_SYSTEM, error.code))


def _resend_too_soon(error: domain.ResendTooSoon) -> Response:
    text = (f"{ERROR_MESSAGES['PAYER_RESEND_TOO_SOON']} Try again in {error.retry_after_s} "
            "seconds.")
    return simple(409, text, details=concept(CHECK_ERROR_SYSTEM, "PAYER_RESEND_TOO_SOON"),
                  headers={"Retry-After": str(error.retry_after_s)})


def _rate_limited(error: RateLimited) -> Response:
    return simple(429, details=concept(REFUSAL_SYSTEM, "CHECK_RATE_LIMITED"),
                  headers={"Retry-After": str(error.retry_after_s)})


def _stale(_error: domain.PreconditionFailed) -> Response:
    return simple(412)


def _unexpected(error: Exception) -> Response:
    database_errors, unavailable = current_app.extensions[EXTENSION]
    if isinstance(error, database_errors) and unavailable(error):
        log.warning("database unavailable: %s", type(error).__name__)
        return simple(503, headers={"Retry-After": str(UNAVAILABLE_RETRY_AFTER_S)})
    # As for /v1: the traceback to the (scrubbed) log, no detail to the client.
    log.error("unhandled error", exc_info=error)
    return failure(500, [Issue(code="exception", text=MESSAGES[500], severity="fatal")])


def install(bp: Blueprint) -> None:
    """Once, at import: a blueprint takes no new handlers after its first registration."""
    for status in default_exceptions:
        bp.register_error_handler(status, _http)
    handlers: list[tuple[type[Exception], Callable[[Any], Response]]] = [
        (HTTPException, _http), (Malformed, _malformed), (domain.InvalidInput, _invalid),
        (domain.NotFound, _not_found), (domain.Conflict, _conflict),
        (domain.ResendTooSoon, _resend_too_soon), (RateLimited, _rate_limited),
        (domain.PreconditionFailed, _stale), (Exception, _unexpected)]
    for kind, handler in handlers:
        bp.register_error_handler(kind, handler)


def configure(app: Flask, *, database_errors: tuple[type[Exception], ...],
              unavailable: Callable[[Exception], bool]) -> None:
    """The driver's error classes, and which of them mean the database is out of reach (503
    with Retry-After, as /v1 answers); the blueprint's catch-all handler would otherwise
    take them before the app's own handlers."""
    app.extensions[EXTENSION] = (database_errors, unavailable)
