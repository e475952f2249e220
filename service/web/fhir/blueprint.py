"""The /fhir blueprint and how it answers: FHIR JSON, typed application/fhir+json."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, Response, abort, request

from service.wiring import current_wiring

bp = Blueprint("fhir", __name__, url_prefix="/fhir")
FHIR_JSON = "application/fhir+json"
# What a request body may be typed as: FHIR's own type, or plain JSON as many clients send.
JSON_TYPES = frozenset({FHIR_JSON, "application/json"})
# FHIR's _format values that mean JSON; any other (xml, turtle) is refused.
JSON_FORMATS = frozenset({"json", *JSON_TYPES})


@bp.before_request
def json_only() -> None:
    """406 for a client that accepts only another format (Accept, or FHIR's _format):
    this server speaks FHIR JSON only, as its CapabilityStatement says."""
    formats = request.args.getlist("_format")
    if any(f.split(";")[0].strip() not in JSON_FORMATS for f in formats):
        abort(406)
    if request.accept_mimetypes and \
            request.accept_mimetypes.best_match([FHIR_JSON, "application/json"]) is None:
        abort(406)


def answer(resource: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A fhir.resources model as the response body."""
    response = Response(resource.model_dump_json(), status=status,
                        content_type=f"{FHIR_JSON}; charset=utf-8")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def payer_name(payer: str) -> str | None:
    """The directory's name of a payer route (None for one no longer in the directory)."""
    registry = current_wiring().payers
    return registry.entry(payer).name if payer in registry.ids() else None


def our_id(text: str) -> uuid.UUID | None:
    """A FHIR id as one of ours; ids of ours are UUIDs, so anything else is not found."""
    try:
        return uuid.UUID(text)
    except ValueError:
        return None
