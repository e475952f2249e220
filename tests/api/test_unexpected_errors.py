"""An unexpected error answers a bare 500 and logs a traceback without patient data."""

import json

import marshmallow as ma
from flask import request

from service.web.blueprint import ApiBlueprint
from tests.support import logcapture
from tests.support.builders import bearer, new_practice
from tests.support.people import PEOPLE


def test_an_unexpected_error_is_a_generic_500_and_a_scrubbed_traceback(app):
    person = PEOPLE[5]

    class Lookup(ma.Schema):
        last_name = ma.fields.String()
        member_id = ma.fields.String()

    def explode():
        # Every API view reads its input through the blueprints' parser, as this one does:
        # the values it validated are the ones the log filter learns.
        ApiBlueprint.ARGUMENTS_PARSER.parse(Lookup(), request, location="json")
        raise RuntimeError(f"lookup failed for {person.last_name} {person.member_id}")

    app.add_url_rule("/v1/boom", "boom", explode, methods=["POST"])
    _, key = new_practice(app)
    start = logcapture.BUFFER.tell()
    response = app.test_client().post(
        "/v1/boom", json={"last_name": person.last_name, "member_id": person.member_id},
        headers={**bearer(key), "X-Request-ID": "boom-1"},
    )
    assert response.status_code == 500
    assert response.json == {
        "code": 500, "status": "Internal Server Error", "error": "internal_error",
        "message": "Something went wrong on our side; the request id identifies it in our logs.",
    }
    logcapture.BUFFER.seek(start)
    lines = [json.loads(line) for line in logcapture.BUFFER.read().splitlines()]
    errors = [line for line in lines if line["level"] == "ERROR"]
    assert errors and errors[0]["request_id"] == "boom-1"
    assert "RuntimeError: lookup failed for [redacted] [redacted]" in errors[0]["exc"]
