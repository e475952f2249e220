"""The /fhir blueprint and how it answers: FHIR JSON, typed application/fhir+json."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, Response

from service.wiring import current_wiring

bp = Blueprint("fhir", __name__, url_prefix="/fhir")
FHIR_JSON = "application/fhir+json"
# What a request body may be typed as: FHIR's own type, or plain JSON as many clients send.
JSON_TYPES = frozenset({FHIR_JSON, "application/json"})


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
