"""Flask commands run as an operator runs them: real processes on a real database."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest
from alembic.script import ScriptDirectory

from service import create_app
from service.db import migrate
from tests.conftest import ROOT
from tests.support.builders import bearer
from tests.support.people import PEOPLE


def flask(*args: str, db: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": db, "LOG_LEVEL": "WARNING"}
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=120)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def api_call(db: str, method: str, path: str, key: str, **kwargs: object):
    app = create_app({"database_url": db})
    try:
        return app.test_client().open(path, method=method, headers=bearer(key), **kwargs)
    finally:
        app.extensions["coverwatch"].dispose()


def last_line(result: subprocess.CompletedProcess[str]) -> str:
    return result.stdout.strip().splitlines()[-1]


def test_upgrade_create_practice_and_key_give_a_working_key(db_url):
    flask("db", "downgrade", "base", db=db_url)
    head = ScriptDirectory.from_config(migrate.alembic_config(db_url)).get_current_head()
    assert f"database at {head}" in flask("db", "upgrade", db=db_url).stdout
    practice_id = last_line(flask("create-practice", "--name", "Lakeside Therapy",
                                  "--npi", "1245319599", db=db_url))
    uuid.UUID(practice_id)
    key = last_line(flask("create-api-key", "--practice", practice_id,
                          "--scopes", "read,write,admin", db=db_url))
    created = api_call(db_url, "POST", "/v1/patients", key, json=PEOPLE[4].patient_json())
    assert created.status_code == 201
    read = api_call(db_url, "GET", f"/v1/patients/{created.json['id']}", key)
    assert read.status_code == 200 and read.json["last_name"] == PEOPLE[4].last_name


def test_a_practice_with_a_bad_npi_is_refused_with_a_message(db_url):
    result = flask("create-practice", "--name", "X", "--npi", "1234567890", db=db_url,
                   check=False)
    assert result.returncode != 0
    assert "npi: Not a valid NPI" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--practice", "not-a-uuid"], "not a practice id"),
     (["--practice", str(uuid.UUID(int=1)), "--scopes", "root"], "subset of read, write, admin"),
     (["--practice", str(uuid.UUID(int=1))], "practice not found")],
)
def test_create_api_key_refuses_bad_arguments(db_url, args, message):
    result = flask("create-api-key", *args, db=db_url, check=False)
    assert result.returncode != 0
    assert message in result.stderr


def test_seed_demo_reuses_the_demo_practice_and_prints_a_new_key_each_time(db_url):
    first = flask("seed-demo", db=db_url)
    second = flask("seed-demo", db=db_url)
    assert first.stdout.splitlines()[0] == second.stdout.splitlines()[0]
    assert "payers: sandbox" in first.stdout
    assert last_line(first) != last_line(second)
    assert api_call(db_url, "GET", "/v1/audit-events", last_line(second)).status_code == 200


def test_create_user_reads_the_password_from_standard_input(db_url):
    practice_id = last_line(flask("create-practice", "--name", "Lakeside Therapy",
                                  "--npi", "1245319599", db=db_url))
    env = {**os.environ, "DATABASE_URL": db_url, "LOG_LEVEL": "WARNING"}
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "create-user", "--practice",
               practice_id, "--email", "Desk@Clinic.example", "--role", "front_desk"]
    made = subprocess.run(command, cwd=ROOT, env=env, input="lantern orchard seventy\n",
                          capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    assert "desk@clinic.example, front_desk" in made.stdout
    short = subprocess.run([*command[:-4], "--email", "b@clinic.example", "--role", "admin"],
                           cwd=ROOT, env=env, input="short\n", capture_output=True, text=True,
                           timeout=120)
    assert short.returncode != 0 and "password: Use 12 to 128 characters" in short.stderr
    app = create_app({"database_url": db_url})
    try:
        client = app.test_client()
        client.get("/app/login")
        with client.session_transaction() as session:
            csrf = session["csrf"]
        signed = client.post("/app/login", data={"email": "desk@clinic.example",
                                                 "password": "lantern orchard seventy",
                                                 "csrf_token": csrf})
        assert signed.status_code == 302
    finally:
        app.extensions["coverwatch"].dispose()
