"""The one error body of the API, with its stable machine-readable codes."""

from __future__ import annotations

import marshmallow as ma

# The code a status answers with unless a refusal names its own (the last three).
ERROR_BY_STATUS = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 412: "precondition_failed",
    413: "payload_too_large", 415: "unsupported_media_type", 422: "validation_failed",
    428: "precondition_required", 429: "rate_limited", 500: "internal_error",
    503: "unavailable",
}
ERROR_CODES = (*ERROR_BY_STATUS.values(), "payer_resend_too_soon", "payer_error",
               "idempotency_key_reused",
               "idempotency_key_in_use")


class ErrorSchema(ma.Schema):
    code = ma.fields.Integer(required=True, metadata={"description": "The HTTP status"})
    status = ma.fields.String(required=True, metadata={
        "description": "The HTTP status's reason phrase"})
    error = ma.fields.String(required=True, validate=ma.validate.OneOf(ERROR_CODES), metadata={
        "description": "Stable machine-readable code: branch on this, not on message"})
    message = ma.fields.String(required=True, metadata={
        "description": "For people; carries no patient data and may change"})
    errors = ma.fields.Dict(metadata={
        "description": "Field names to their messages (422), or reason and ids of a refusal "
                       "(409, 429)"})
