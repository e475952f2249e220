"""Two front desks adding a primary coverage to one patient at the same moment: one wins."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from tests.support.builders import bearer, create_patient, new_practice
from tests.support.people import PEOPLE

WRITERS = 8


def test_concurrent_primary_coverages_of_one_patient_leave_exactly_one(app, db_url):
    client = app.test_client()
    _, key = new_practice(app)
    patient = create_patient(client, key, PEOPLE[2])
    gate = threading.Barrier(WRITERS)

    def add(i: int) -> tuple[int, str | None]:
        gate.wait()
        response = app.test_client().post(
            f"/v1/patients/{patient['id']}/coverages", headers=bearer(key),
            json={"payer": "sandbox", "member_id": f"ZZC000000{i}", "relationship": "self"})
        body = response.json or {}
        return response.status_code, (body.get("errors") or {}).get("reason")

    with ThreadPoolExecutor(WRITERS) as pool:
        results = list(pool.map(add, range(WRITERS)))

    assert sorted(results, key=str) == sorted(
        [(201, None)] + [(409, "COVERAGE_PRIORITY_TAKEN")] * (WRITERS - 1), key=str)
    listed = client.get(f"/v1/patients/{patient['id']}/coverages", headers=bearer(key)).json
    assert listed["total"] == 1
