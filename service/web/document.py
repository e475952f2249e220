"""The OpenAPI document as a contract: errors, headers and scopes declared by rule, in one place."""

from __future__ import annotations

import re
from typing import Any

import marshmallow as ma
from apispec import APISpec, BasePlugin
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask
from flask_smorest import Api

from schemas.descriptions import DESCRIPTIONS
from schemas.errors import ERROR_BY_STATUS, ErrorSchema
from service.web.examples import EXAMPLES
from service.web.links import Operation, body_fields, link_all

ERROR = "Error"
# Declared on the response components below and added to every inline response.
REQUEST_ID = "X-Request-ID"
HEADERS: dict[str, dict[str, Any]] = {
    REQUEST_ID: {"description": "The request's id: the one sent (letters, digits, . _ -, at "
                                "most 64) or a new one; it names the request in our logs",
                 "schema": {"type": "string"}},
    "Retry-After": {"description": "Whole seconds to wait before trying again",
                    "schema": {"type": "integer"}},
    "ETag": {"description": "The resource's version: send it back in If-Match to change or "
                            "delete it only if nobody changed it since",
             "schema": {"type": "string"}},
    "Location": {"description": "The path of the resource created (or still being made)",
                 "schema": {"type": "string"}},
}
PARAMETERS: dict[str, dict[str, Any]] = {
    "IdempotencyKey": {
        "name": "Idempotency-Key", "in": "header", "required": False,
        "description": "A key of the client's choosing (1-255 characters): the same key with "
                       "the same body within 24 hours replays the first answer (status, body, "
                       "Location); with another body it answers 422 idempotency_key_reused",
        "schema": {"type": "string", "minLength": 1, "maxLength": 255}},
    "IfMatch": {
        "name": "If-Match", "in": "header", "required": False,
        "description": "The ETag last read: the change is made only if the resource is still "
                       "that version, else 412 precondition_failed (without it, the change is "
                       "made whatever the version)",
        "schema": {"type": "string"}},
}
# Each error status: its response component and what it means in this API.
ERRORS: dict[int, str] = {
    400: "The request could not be read (not JSON, nested too deeply..., or a malformed "
         "Idempotency-Key)",
    401: "No API key, or not a valid one: send 'Authorization: Bearer <key>'",
    403: "The API key lacks the scope this operation needs",
    404: "No such record in the caller's practice",
    409: "The request conflicts with what is stored (errors.reason says how), or the same "
         "Idempotency-Key is still being answered (idempotency_key_in_use)",
    412: "If-Match names a version that is no longer the current one",
    413: "The request body is too large",
    415: "The body is not JSON (Content-Type: application/json)",
    422: "Some fields are invalid: errors maps each to its messages (or the Idempotency-Key "
         "was first sent with another request: idempotency_key_reused)",
    429: "Too many requests of this kind from the practice: wait Retry-After seconds",
    500: "Something went wrong on our side; X-Request-ID names it in our logs",
    503: "The database cannot be reached just now: retry after Retry-After seconds (with the "
         "same Idempotency-Key, a write is never made twice)",
}
RETRY_STATUSES = frozenset({429, 503})
SCOPE_TEXT = "Needs an API key with the `{scope}` scope."
PATH_PARAM = re.compile(r"\{[a-z_]+\}")


def component_name(status: int) -> str:
    """NotFound, ValidationFailed...: the status's error code, as a component's name."""
    return "".join(word.title() for word in ERROR_BY_STATUS[status].split("_"))


def error_response(status: int) -> dict[str, Any]:
    headers = {REQUEST_ID: {"$ref": f"#/components/headers/{REQUEST_ID}"}}
    if status in RETRY_STATUSES:
        headers["Retry-After"] = {"$ref": "#/components/headers/Retry-After"}
    return {"description": ERRORS[status], "headers": headers,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR}"},
                                              "example": EXAMPLES[f"{ERROR}{status}"]}}}


def errors_of(path: str, method: str, operation: dict[str, Any],
              body: frozenset[str] = frozenset()) -> list[int]:
    """The error statuses an operation can answer, worked out from what it takes (`body`: the
    fields of its JSON request body)."""
    statuses = [500, 503]
    if "x-scope" in operation:
        statuses += [401, 403]
    # A record named in the path, or in the body (coverage_id...), may not exist.
    if PATH_PARAM.search(path) or any(name.endswith("_id") for name in body):
        statuses.append(404)
    if "requestBody" in operation:
        statuses += [400, 413, 415, 422]
    if any(p.get("in") == "query" for p in operation.get("parameters", [])):
        statuses.append(422)
    if method == "post":
        # A malformed Idempotency-Key is a 400, one reused for another request a 422, whether
        # or not the operation takes a body.
        statuses += [400, 409, 422]
    if method in ("patch", "delete"):
        statuses.append(412)
    return sorted(set(statuses))


def headers_of(path: str, method: str, status: str) -> list[str]:
    """The headers a response declares besides X-Request-ID."""
    names = []
    if status in ("201", "202"):
        names.append("Location")
    single = bool(PATH_PARAM.search(path)) and path.endswith("}")
    if status.startswith("2") and status != "204" and (
            (method == "get" and single) or method in ("post", "put", "patch")):
        names.append("ETag")
    if status in ("429", "503"):
        names.append("Retry-After")
    return names


class ContractPlugin(BasePlugin):
    """Completes every operation when its path is added: errors, headers, scope, security."""

    def init_spec(self, spec: APISpec) -> None:
        self.spec = spec
        self.known: list[Operation] = []
        for name, header in HEADERS.items():
            spec.components.header(name, header)
        for name, parameter in PARAMETERS.items():
            spec.components.parameter(name, parameter["in"], parameter)
        for status in ERRORS:
            spec.components.response(component_name(status), error_response(status))
        for plugin in spec.plugins:
            if isinstance(plugin, MarshmallowPlugin) and plugin.converter is not None:
                plugin.converter.add_attribute_function(decimal_as_string)
                plugin.converter.add_attribute_function(nullable_as_all_of)
                plugin.converter.add_attribute_function(common_description)

    def schema_helper(self, name: str, definition: dict, **kwargs: Any) -> dict | None:
        return {"example": EXAMPLES[name]} if name in EXAMPLES else None

    def operation_helper(self, path: str | None = None, operations: dict | None = None,
                         **_kwargs: Any) -> None:
        added = []
        for method, operation in (operations or {}).items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            complete(path or "", method, operation,
                     body_fields(operation, self.spec.components.schemas))
            added.append((path or "", operation))
        self.known += added
        link_all(added, self.known, self.spec.components.schemas)


def complete(path: str, method: str, operation: dict[str, Any],
             body: frozenset[str] = frozenset()) -> None:
    # Handlers give statuses as int or str; one kind, so a status is never declared twice.
    responses = {str(status): r for status, r in operation.get("responses", {}).items()}
    operation["responses"] = responses
    # flask-smorest's own 422 and default are replaced by the ones that carry `error`.
    if isinstance(responses.get("422"), str):
        del responses["422"]
    responses.pop("default", None)
    for error in errors_of(path, method, operation, body):
        responses.setdefault(str(error), component_name(error))
    for code, response in responses.items():
        if isinstance(response, dict):
            headers = response.setdefault("headers", {})
            headers.setdefault(REQUEST_ID, {"$ref": f"#/components/headers/{REQUEST_ID}"})
            for name in headers_of(path, method, code):
                headers.setdefault(name, {"$ref": f"#/components/headers/{name}"})
    parameters = operation.setdefault("parameters", [])
    if method == "post":
        parameters.append("IdempotencyKey")
    if method in ("patch", "delete"):
        parameters.append("IfMatch")
    scope = operation.get("x-scope")
    if scope:
        operation["security"] = [{"bearerAuth": []}]
        text = SCOPE_TEXT.format(scope=scope)
        operation["description"] = (operation.get("description", "") + "\n\n" + text).strip()


def decimal_as_string(_converter: Any, field: ma.fields.Field, ret: dict[str, Any],
                      **_kwargs: Any) -> dict:
    """Money and rates travel as decimal strings ("0.20" is 20 %), so no client rounds them
    through a float."""
    if isinstance(field, ma.fields.Decimal) and field.as_string:
        return {"type": "string", "format": "decimal"}
    return {}


def nullable_as_all_of(_converter: Any, field: ma.fields.Field, ret: dict[str, Any],
                       **_kwargs: Any) -> dict:
    """A nullable object is `allOf: [{$ref}]` with `nullable: true`: apispec's `anyOf` with an
    untyped object makes generated clients give up on the type."""
    branches = ret.get("anyOf")
    if field.allow_none and branches and {"type": "object", "nullable": True} in branches:
        ret.pop("anyOf")
        return {"allOf": [b for b in branches if b != {"type": "object", "nullable": True}],
                "nullable": True}
    return {}


def common_description(_converter: Any, field: ma.fields.Field, ret: dict[str, Any],
                       **_kwargs: Any) -> dict:
    """A common field's description, unless the field gives its own."""
    text = DESCRIPTIONS.get(field.data_key or field.name or "")
    return {"description": text} if text and "description" not in ret else {}


class ContractApi(Api):
    """flask-smorest's Api with our error body and the plugin above."""

    ERROR_SCHEMA = ErrorSchema

    def __init__(self, app: Flask) -> None:
        super().__init__(app, spec_kwargs={"extra_plugins": [ContractPlugin()]})
