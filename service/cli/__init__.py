"""Flask commands: migrations, practices, API keys and the demo seed — all via the use cases."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable
from datetime import date

import click
from flask import Flask
from flask.cli import AppGroup

from service.db import migrate
from service.domain.errors import Conflict, DomainError, InvalidInput
from service.domain.staff import ROLES
from service.practice import api_keys, coverages, idempotency, patients, practices, staff
from service.practice.access import KEY_STATUSES, Caller, parse_scopes
from service.wiring import current_wiring

DEMO_NAME = "Demo Therapy Practice"
DEMO_NPI = "1234567893"
# A practice holds a handful of keys: the command lists them all on one page.
ALL_KEYS = 10_000
DEMO_PATIENT = {"first_name": "Demo", "last_name": "Client", "birth_date": date(1990, 4, 1),
                "gender": "U", "external_id": "DEMO-1"}


def _fail(error: DomainError) -> None:
    if isinstance(error, InvalidInput):
        details = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.errors.items())
        raise click.ClickException(details)
    if isinstance(error, Conflict):
        raise click.ClickException(f"{error.message} ({error.code})")
    raise click.ClickException(str(error))


db = AppGroup("db", help="Database migrations (Alembic).")


@db.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Migrate the configured database up to REVISION (default: head)."""
    _migrate(migrate.upgrade, revision)


@db.command("downgrade")
@click.argument("revision", default="-1")
def db_downgrade(revision: str) -> None:
    """Migrate the configured database down to REVISION (default: one step; 'base' for all)."""
    _migrate(migrate.downgrade, revision)


def _migrate(move: Callable[[str, str], None], revision: str) -> None:
    database_url = current_wiring().config.database_url
    move(database_url, revision)
    click.echo(f"database at {migrate.current(database_url) or 'base'}")


@click.command("create-practice")
@click.option("--name", required=True, help="Practice name.")
@click.option("--npi", required=True, help="NPI of the billing organization.")
@click.option("--tax-id", default=None, help="Tax id (EIN), optional.")
def create_practice(name: str, npi: str, tax_id: str | None) -> None:
    """Create a practice; prints its id as the last line."""
    wiring = current_wiring()
    try:
        practice_id = practices.create_practice(
            uow=wiring.uow(), clock=wiring.clock, name=name, npi=npi, tax_id=tax_id
        )
    except DomainError as error:
        _fail(error)
    click.echo(str(practice_id))


@click.command("create-api-key")
@click.option("--practice", "practice_id", required=True, help="Practice id.")
@click.option("--scopes", default="read,write", show_default=True,
              help="Comma-separated: read, write, admin.")
@click.option("--label", default=None, help="What the key is for.")
def create_api_key(practice_id: str, scopes: str, label: str | None) -> None:
    """Create an API key; prints it once as the last line (only its hash is stored)."""
    wiring = current_wiring()
    try:
        scope_set = parse_scopes(scopes)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--scopes") from None
    pid = _practice_id(practice_id)
    try:
        key = practices.create_api_key(
            uow=wiring.uow(), clock=wiring.clock, practice_id=pid, scopes=scope_set,
            label=label,
        )
    except DomainError as error:
        _fail(error)
    click.echo(key)


@click.command("list-api-keys")
@click.option("--practice", "practice_id", required=True, help="Practice id.")
@click.option("--status", type=click.Choice(KEY_STATUSES), default=None,
              help="Only active or only revoked keys (default: both).")
def list_api_keys(practice_id: str, status: str | None) -> None:
    """List the practice's API keys, newest first: never a key, only its prefix."""
    wiring = current_wiring()
    caller = api_keys.operator(_practice_id(practice_id), "list-api-keys")
    rows, _ = api_keys.list_keys(uow=wiring.uow(), caller=caller, status=status, offset=0,
                                 limit=ALL_KEYS)
    click.echo("id\tprefix\tstatus\tscopes\tlabel\tcreated_at\tlast_used_at")
    for row in rows:
        used = row.last_used_at.isoformat() if row.last_used_at else "never"
        click.echo("\t".join((str(row.id), f"cw_{row.prefix}", row.status,
                              ",".join(row.scope_names), row.label or "-",
                              row.created_at.isoformat(), used)))


@click.command("revoke-api-key")
@click.option("--practice", "practice_id", required=True, help="Practice id.")
@click.argument("key_id")
def revoke_api_key(practice_id: str, key_id: str) -> None:
    """Revoke the practice's key KEY_ID (as list-api-keys shows it): refused at once."""
    wiring = current_wiring()
    caller = api_keys.operator(_practice_id(practice_id), "revoke-api-key")
    try:
        found = uuid.UUID(key_id)
    except ValueError:
        raise click.BadParameter("not a key id", param_hint="KEY_ID") from None
    try:
        row = api_keys.revoke_key(uow=wiring.uow(), clock=wiring.clock, caller=caller,
                                  key_id=found)
    except DomainError as error:
        _fail(error)
    click.echo(f"key {row.id} (cw_{row.prefix}) revoked at {row.revoked_at}")


@click.command("create-user")
@click.option("--practice", "practice_id", required=True, help="Practice id.")
@click.option("--email", required=True, help="The person's email; they sign in with it.")
@click.option("--role", required=True, type=click.Choice(ROLES), help="What they may do.")
def create_user(practice_id: str, email: str, role: str) -> None:
    """Create a staff account for the web app; the password is read from standard input."""
    wiring = current_wiring()
    pid = _practice_id(practice_id)
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        user = staff.create_user(uow=wiring.uow(), clock=wiring.clock, practice_id=pid,
                                 email=email, role=role, password=password)
    except DomainError as error:
        _fail(error)
    click.echo(f"user {user.id} ({user.email}, {user.role}) can sign in at /app/")


@click.command("seed-demo")
def seed_demo() -> None:
    """Create the demo practice once, then print a fresh admin API key for it."""
    wiring = current_wiring()
    practice_id = practices.first_id(uow=wiring.uow())
    if practice_id is None:
        practice_id = practices.create_practice(
            uow=wiring.uow(), clock=wiring.clock, name=DEMO_NAME, npi=DEMO_NPI
        )
    key = practices.create_api_key(
        uow=wiring.uow(), clock=wiring.clock, practice_id=practice_id,
        scopes=frozenset({"read", "write", "admin"}), label="demo", command="seed-demo",
    )
    coverage_id = _demo_coverage(practice_id)
    click.echo(f"practice {practice_id}; payers: {', '.join(sorted(wiring.payers.ids()))}; "
               f"demo coverage {coverage_id}")
    click.echo(key)


def _demo_coverage(practice_id: uuid.UUID) -> uuid.UUID | None:
    """A synthetic client insured with the sandbox payer, so a check works right away."""
    wiring = current_wiring()
    if "sandbox" not in wiring.payers.ids():
        return None
    caller = Caller(practice_id=practice_id, actor="cli:seed-demo",
                    scopes=frozenset({"read", "write"}))
    patient, _ = patients.upsert_patient(uow=wiring.uow(), clock=wiring.clock, caller=caller,
                                         data=DEMO_PATIENT)
    existing, _ = coverages.list_coverages(uow=wiring.uow(), clock=wiring.clock, caller=caller,
                                           patient_id=patient.id, offset=0, limit=1)
    if existing:
        return existing[0].id
    coverage = coverages.create_coverage(
        uow=wiring.uow(), clock=wiring.clock, caller=caller, patient_id=patient.id,
        data={"payer": "sandbox", "member_id": "ZZT0000001", "relationship": "self"},
        payer_ids=wiring.payers.ids(),
    )
    return coverage.id


@click.command("purge-idempotency-keys")
def purge_idempotency_keys() -> None:
    """Delete stored answers of Idempotency-Keys older than 24 hours (run it daily)."""
    wiring = current_wiring()
    count = idempotency.purge(uow=wiring.uow(), clock=wiring.clock)
    click.echo(f"{count} idempotency keys older than 24 hours deleted")


def _practice_id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise click.BadParameter("not a practice id", param_hint="--practice") from None


def register(app: Flask) -> None:
    app.cli.add_command(db)
    for command in (create_practice, create_api_key, list_api_keys, revoke_api_key, create_user,
                    seed_demo, purge_idempotency_keys):
        app.cli.add_command(command)
