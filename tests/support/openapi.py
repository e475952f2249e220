"""Responses held to /openapi.json: each answer must be a declared status with a body that fits."""

from __future__ import annotations

import copy
import functools
import json
import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from openapi_schema_validator import OAS30Validator, oas30_format_checker
from referencing import Registry, Resource
from werkzeug.test import TestResponse

DOC = "urn:coverwatch:openapi"
METHODS = ("get", "post", "put", "patch", "delete")


def nullable_as_any_of(node: Any) -> Any:
    """`allOf: [X]` + `nullable: true` reads "X or null" (what generated clients do); the
    validator would apply allOf to null as well, so it gets the same rule spelled anyOf."""
    if isinstance(node, list):
        return [nullable_as_any_of(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: nullable_as_any_of(value) for key, value in node.items()}
    if node.get("nullable") and "allOf" in node and "type" not in node:
        rest = {k: v for k, v in node.items() if k not in ("allOf", "nullable")}
        return {**rest, "anyOf": [{"allOf": node["allOf"]}, {"enum": [None]}]}
    return node


class Document:
    """The served document, with a compiled validator per schema (made once, reused)."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.registry = Registry().with_resource(
            DOC, Resource.opaque(nullable_as_any_of(copy.deepcopy(spec))))
        self.routes = [(re.compile("^" + re.sub(r"\{[a-z_]+\}", "[^/]+", path) + "$"), path)
                       for path in spec["paths"]]
        self._validators: dict[str, OAS30Validator] = {}

    def validator(self, schema: dict[str, Any]) -> OAS30Validator:
        key = json.dumps(schema, sort_keys=True)
        if key not in self._validators:
            self._validators[key] = OAS30Validator(
                nullable_as_any_of(schema), registry=self.registry,
                format_checker=oas30_format_checker)
        return self._validators[key]

    def schema_errors(self, name: str, instance: Any) -> list[str]:
        check = self.validator({"$ref": f"{DOC}#/components/schemas/{name}"})
        return [error.message for error in check.iter_errors(instance)]

    def operation(self, path: str, method: str) -> dict[str, Any] | None:
        for pattern, template in self.routes:
            if pattern.match(path):
                return self.spec["paths"][template].get(method.lower())
        return None

    def problems(self, path: str, method: str, status: int, body: Any) -> list[str]:
        """What in this answer contradicts the document (nothing for paths it does not own)."""
        operation = self.operation(path, method)
        if operation is None:
            return []
        response = operation["responses"].get(str(status))
        if response is None:
            return [f"{method} {path}: status {status} is not declared"]
        if "$ref" in response:
            response = self.spec["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
        schema = response.get("content", {}).get("application/json", {}).get("schema")
        if schema is None:
            return []
        schema = {"$ref": DOC + schema["$ref"]} if "$ref" in schema else schema
        return [f"{method} {path} {status}: {error.message} at {list(error.absolute_path)}"
                for error in self.validator(schema).iter_errors(body)]


@functools.cache
def _document(text: str) -> Document:
    return Document(json.loads(text))


def document(app: Flask) -> Document:
    """The app's document; apps of the same code share one (compiled once per session)."""
    text = FlaskClient(app).get("/openapi.json").get_data(as_text=True)
    return _document(text)


class CheckedClient(FlaskClient):
    """A test client that fails the test when an answer contradicts the served document."""

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        response = super().open(*args, **kwargs)
        request = response.request
        body = response.get_json(silent=True) if response.is_json else None
        problems = document(self.application).problems(
            request.path, request.method, response.status_code, body)
        assert problems == [], problems
        return response
