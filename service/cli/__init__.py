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
from service.domain.errors import DomainError, InvalidInput
from service.domain.staff import ROLES
from service.practice import coverages, idempotency, patients, practices, staff
from service.practice.access import Caller, parse_scopes
from service.wiring import current_wiring

DEMO_NAME = "Demo Therapy Practice"
DEMO_NPI = "1234567893"
DEMO_PATIENT = {"first_name": "Demo", "last_name": "Client", "birth_date": date(1990, 4, 1),
                "gender": "U", "external_id": "DEMO-1"}


def _fail(error: DomainError) -> None:
    if isinstance(error, InvalidInput):
        details = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.errors.items())
        raise click.ClickException(details)
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
        scopes=frozenset({"read", "write", "admin"}), label="demo",
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
    for command in (create_practice, create_api_key, create_user, seed_demo,
                    purge_idempotency_keys):
        app.cli.add_command(command)
