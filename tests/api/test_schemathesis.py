"""Property-based fuzzing of the whole API from /openapi.json: no 500, nothing undocumented,
operation by operation and along the document's links.

Schemathesis generates valid and invalid requests for every operation and checks each answer
against the document (status codes, content types, response schemas). Path ids point at real
records of the caller's practice so the handlers past the 404 are exercised too.
"""

from __future__ import annotations

import tempfile

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import positive_data_acceptance

from service import create_app
from service.db import migrate
from tests.conftest import PAYERS_FILE
from tests.support.builders import bearer, create_coverage, create_patient, new_practice
from tests.support.clock import FakeClock
from tests.support.people import PEOPLE


def _build_app():
    url = f"sqlite:///{tempfile.mkdtemp(prefix='coverwatch-fuzz-')}/fuzz.db"
    migrate.upgrade(url)
    app = create_app({"database_url": url, "payers_file": PAYERS_FILE}, clock=FakeClock())
    _, key = new_practice(app)
    client = app.test_client()
    patient = create_patient(client, key, PEOPLE[0], external_id="FUZZ-1")
    coverage = create_coverage(client, key, patient["id"])
    check = client.post("/v1/eligibility-checks", json={"coverage_id": coverage["id"]},
                        headers=bearer(key)).json
    app.config["FUZZ"] = {"key": key, "patient_id": patient["id"], "coverage_id": coverage["id"],
                          "check_id": check["id"]}
    return app


# Built at import: schemathesis needs the schema when the tests are collected.
FUZZ_APP = _build_app()
schema = schemathesis.openapi.from_wsgi("/openapi.json", FUZZ_APP)


@schema.parametrize()
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                 HealthCheck.function_scoped_fixture])
def test_no_request_makes_the_api_fail_or_contradict_its_document(case):
    known = FUZZ_APP.config["FUZZ"]
    meta = case.meta
    if case.path_parameters and not meta.is_negative_at(ParameterLocation.PATH):
        for name in ("patient_id", "coverage_id", "check_id"):
            if name in case.path_parameters:
                case.path_parameters[name] = known[name]
    if isinstance(case.body, dict) and "coverage_id" in case.body and not meta.is_negative_at(
        ParameterLocation.BODY
    ):
        case.body["coverage_id"] = known["coverage_id"]
    # A negative header case is one without the key: it must then get its 401.
    headers = {} if meta.is_negative_at(ParameterLocation.HEADER) else bearer(known["key"])
    # Rules JSON Schema cannot state (birth date not in the future, the payer directory)
    # answer a documented 422, so "valid by the document, yet refused" is not a failure here.
    case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])


class Workflow(schema.as_state_machine()):  # type: ignore[misc]
    """Chains operations along the document's links (createPatient -> createCoverage ->
    createVisit -> setVisitStatus ...). Each scenario has a practice of its own, so it starts
    from nothing and replays the same way (Hypothesis requires it), whatever ran before."""

    keys: list[str] = []

    def setup(self):
        _, self.key = new_practice(FUZZ_APP)
        Workflow.keys.append(self.key)

    def get_call_kwargs(self, case):
        # As above, a negative header case goes without the key and must get its 401.
        if case.meta is not None and case.meta.is_negative_at(ParameterLocation.HEADER):
            return {"headers": {}}
        return {"headers": bearer(self.key)}

    def validate_response(self, response, case, additional_checks=None, **kwargs):
        # The key is named as the request's headers, not as transport arguments, so the auth
        # check resends the request without it (and expects 401). As above, refusals the
        # document cannot state are documented 422s, not failures.
        case.validate_response(response, additional_checks=additional_checks,
                               excluded_checks=[positive_data_acceptance],
                               headers=kwargs.get("headers"))


def test_chained_operations_never_fail_or_contradict_the_document():
    # A bounded run (well under a minute): scenarios of up to 8 linked calls.
    Workflow.run(settings=settings(max_examples=150, stateful_step_count=8, deadline=None,
                                   suppress_health_check=list(HealthCheck)))
    # Each scenario's key is its practice's last admin key: no scenario could revoke it (the
    # keys it created and revoked were others).
    client = FUZZ_APP.test_client()
    assert Workflow.keys
    assert {client.get("/v1/api-keys", headers=bearer(key)).status_code
            for key in Workflow.keys} == {200}
