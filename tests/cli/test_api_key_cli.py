"""API keys on the command line: listed and revoked through the same use cases as the API."""

from tests.cli.test_cli import api_call, flask, last_line


def _practice_with_key(db_url, scopes="read,write,admin"):
    practice_id = last_line(flask("create-practice", "--name", "Lakeside Therapy",
                                  "--npi", "1245319599", db=db_url))
    key = last_line(flask("create-api-key", "--practice", practice_id, "--scopes", scopes,
                          "--label", "ehr", db=db_url))
    return practice_id, key


def test_an_operator_lists_keys_and_revokes_one_which_is_refused_at_once(db_url):
    practice_id, admin = _practice_with_key(db_url)
    _, reader = _practice_with_key(db_url, scopes="read")
    assert api_call(db_url, "GET", "/v1/patients", reader).status_code == 200
    other = api_call(db_url, "POST", "/v1/api-keys", admin, json={"scopes": ["read"]}).json
    listed = flask("list-api-keys", "--practice", practice_id, db=db_url).stdout.splitlines()
    assert listed[0].split("\t") == ["id", "prefix", "status", "scopes", "label", "created_at",
                                     "last_used_at"]
    rows = [line.split("\t") for line in listed[1:]]
    assert [(r[0], r[2], r[3], r[4]) for r in rows] == [
        (other["api_key"]["id"], "active", "read", "-"),
        (rows[1][0], "active", "admin,read,write", "ehr")]
    assert admin.startswith(rows[1][1] + "_") and rows[1][6] != "never"
    assert admin not in "\n".join(listed)
    revoked = flask("revoke-api-key", "--practice", practice_id, other["api_key"]["id"],
                    db=db_url)
    assert f"key {other['api_key']['id']}" in revoked.stdout and "revoked at" in revoked.stdout
    assert api_call(db_url, "GET", "/v1/patients", other["key"]).status_code == 401
    only_revoked = flask("list-api-keys", "--practice", practice_id, "--status", "revoked",
                         db=db_url).stdout.splitlines()[1:]
    assert [line.split("\t")[0] for line in only_revoked] == [other["api_key"]["id"]]


def test_revoking_the_last_admin_key_or_an_unknown_one_is_refused_with_a_message(db_url):
    practice_id, admin = _practice_with_key(db_url)
    admin_id = flask("list-api-keys", "--practice", practice_id,
                     db=db_url).stdout.splitlines()[1].split("\t")[0]
    last = flask("revoke-api-key", "--practice", practice_id, admin_id, db=db_url, check=False)
    assert last.returncode != 0 and "last admin key" in last.stderr
    unknown = flask("revoke-api-key", "--practice", practice_id,
                    "00000000-0000-4000-8000-000000000000", db=db_url, check=False)
    assert unknown.returncode != 0 and "key not found" in unknown.stderr
    bad = flask("revoke-api-key", "--practice", practice_id, "cw_123", db=db_url, check=False)
    assert bad.returncode != 0 and "not a key id" in bad.stderr
    assert api_call(db_url, "GET", "/v1/api-keys", admin).status_code == 200
