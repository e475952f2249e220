"""Finding clients, intake of a new client and their card, a client's file, authorizations."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response

from schemas.coverages import RELATIONSHIPS, CoverageIn
from schemas.ledger import AuthorizationIn, AuthorizationPatch
from schemas.patients import PatientIn
from service.domain.errors import InvalidInput
from service.ledger import authorizations
from service.pages import front_desk
from service.practice import coverages, patients
from service.ui import forms
from service.ui import session as ui_session
from service.ui.blueprint import bp
from service.wiring import current_wiring

PATIENT_FIELDS = ("first_name", "last_name", "birth_date", "gender")
COVERAGE_FIELDS = ("payer", "member_id", "group_number", "relationship", "network_status")
SUBSCRIBER_FIELDS = ("first_name", "last_name", "birth_date", "gender", "member_id")
AUTH_FIELDS = ("number", "unit", "quantity", "minutes_per_unit", "start_date", "end_date",
               "codes", "provider_npi", "status")
AUTH_INTS = ("quantity", "minutes_per_unit")
SEARCH_LIMIT = 50


@bp.route("/", methods=["GET"])
@ui_session.signed_in
def home() -> ResponseReturnValue:
    return render_template("home.html", results=None, q="")


@bp.route("/clients/search", methods=["POST"])
@ui_session.signed_in
def search() -> ResponseReturnValue:
    """A name search is a POST: names stay out of URLs, browser history and access logs."""
    wiring = current_wiring()
    q = request.form.get("q", "").strip()[:100]
    rows, total = patients.search_patients(uow=wiring.uow(), clock=wiring.clock,
                                           caller=ui_session.caller(), external_id=None,
                                           q=q or None, offset=0, limit=SEARCH_LIMIT)
    return render_template("home.html", results=rows, total=total, q=q)


@bp.route("/intake", methods=["GET", "POST"])
@ui_session.signed_in
def intake() -> ResponseReturnValue:
    wiring = current_wiring()
    payers = [(p, front_desk.payer_name(wiring, p)) for p in sorted(wiring.payers.ids())]
    form: dict[str, str] = {"relationship": "self", "gender": "U", "network_status": "in",
                            "subscriber_gender": "U"}
    if request.method == "GET":
        return render_template("intake.html", form=form, errors={}, payers=payers,
                               relationships=RELATIONSHIPS)
    form = request.form.to_dict()
    patient, errors = forms.load(PatientIn(), forms.pick(form, PATIENT_FIELDS))
    card = forms.pick(form, COVERAGE_FIELDS)
    if card.get("relationship", "self") != "self":
        card["subscriber"] = forms.pick(
            {name: form.get(f"subscriber_{name}", "") for name in SUBSCRIBER_FIELDS},
            SUBSCRIBER_FIELDS)
    coverage, coverage_errors = forms.load(CoverageIn(), card)
    errors.update(coverage_errors)
    if not errors:
        try:
            done = front_desk.intake(wiring=wiring, caller=ui_session.caller(), patient=patient,
                                     coverage=coverage)
        except InvalidInput as error:
            errors = forms.flatten(error.errors)
        else:
            return redirect(url_for("ui.check", check_id=done.id))
    return render_template("intake.html", form=form, errors=errors, payers=payers,
                           relationships=RELATIONSHIPS), 422


@bp.route("/clients/<uuid:patient_id>", methods=["GET"])
@ui_session.signed_in
def client(patient_id: uuid.UUID) -> ResponseReturnValue:
    patient, files = front_desk.client_file(wiring=current_wiring(), caller=ui_session.caller(),
                                            patient_id=patient_id)
    return render_template("client.html", patient=patient, files=files)


@bp.route("/coverages/<uuid:coverage_id>", methods=["GET"])
@ui_session.signed_in
def coverage(coverage_id: uuid.UUID) -> ResponseReturnValue:
    """Where an alert about a coverage leads: its client's page."""
    return redirect(url_for("ui.client", patient_id=_patient_of(coverage_id)))


def _patient_of(coverage_id: uuid.UUID) -> uuid.UUID:
    wiring = current_wiring()
    return coverages.get_coverage(uow=wiring.uow(), clock=wiring.clock,
                                  caller=ui_session.caller(), coverage_id=coverage_id).patient_id


@bp.route("/coverages/<uuid:coverage_id>/authorizations/new", methods=["GET", "POST"])
@ui_session.signed_in
def add_authorization(coverage_id: uuid.UUID) -> ResponseReturnValue:
    wiring = current_wiring()
    patient_id = _patient_of(coverage_id)
    form: dict[str, Any] = {"unit": "visit", "status": "approved"}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        form = request.form.to_dict()
        data, errors = forms.load(AuthorizationIn(), {
            **forms.pick(form, AUTH_FIELDS, ints=AUTH_INTS, lists=("codes",)),
            "coverage_id": str(coverage_id)})
        if not errors:
            saved = _save(lambda: authorizations.create_authorization(
                uow=wiring.uow(), clock=wiring.clock, caller=ui_session.caller(), data=data),
                "Authorization added.", patient_id)
            if not isinstance(saved, dict):
                return saved
            errors = saved
    return render_template("authorization.html", form=form, errors=errors, new=True,
                           patient_id=patient_id), 422 if errors else 200


@bp.route("/authorizations/<uuid:auth_id>/edit", methods=["GET", "POST"])
@ui_session.signed_in
def edit_authorization(auth_id: uuid.UUID) -> ResponseReturnValue:
    wiring = current_wiring()
    caller = ui_session.caller()
    auth, _ = authorizations.get_authorization(uow=wiring.uow(), clock=wiring.clock,
                                               caller=caller, auth_id=auth_id)
    patient_id = _patient_of(auth.coverage_id)
    form: dict[str, Any] = {name: getattr(auth, name) for name in AUTH_FIELDS}
    form["codes"] = ", ".join(sorted(auth.code_set))
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        form = request.form.to_dict()
        fields = [f for f in AUTH_FIELDS if f != "unit"]
        data, errors = forms.load(AuthorizationPatch(), {
            "codes": [], "provider_npi": None,  # emptied inputs clear these
            **forms.pick(form, fields, ints=AUTH_INTS, lists=("codes",))})
        if not errors:
            saved = _save(lambda: authorizations.amend_authorization(
                uow=wiring.uow(), clock=wiring.clock, registry=wiring.payers, caller=caller,
                auth_id=auth_id, data=data),
                "Authorization saved.", patient_id)
            if not isinstance(saved, dict):
                return saved
            errors = saved
    return render_template("authorization.html", form=form, errors=errors, new=False,
                           auth=auth, patient_id=patient_id), 422 if errors else 200


def _save(write: Callable[[], object], done: str,
          patient_id: uuid.UUID) -> Response | dict[str, list[str]]:
    """Back to the client's page once written, or the use case's field messages."""
    try:
        write()
    except InvalidInput as error:
        return forms.flatten(error.errors)
    flash(done)
    return redirect(url_for("ui.client", patient_id=patient_id))
