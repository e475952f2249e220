"""The FHIR R4 facade under /fhir: a translator between FHIR JSON and the use cases, as
the /v1 blueprints are between our JSON and them (docs/fhir.md)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

from service.web.fhir import capability, resources, submit
from service.web.fhir import errors as fhir_errors
from service.web.fhir.blueprint import bp

__all__ = ["bp", "capability", "register", "resources", "submit"]

fhir_errors.install(bp)


def register(app: Flask, *, database_errors: tuple[type[Exception], ...] = (),
             unavailable: Callable[[Exception], bool] = lambda _error: False) -> None:
    fhir_errors.configure(app, database_errors=database_errors, unavailable=unavailable)
    app.register_blueprint(bp)
