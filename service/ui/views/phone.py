"""Recording a phone verification: what the payer said on a call, from the client's coverage."""

from __future__ import annotations

import re
import uuid
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from schemas.manual_verifications import ManualVerificationIn
from service.domain.errors import InvalidInput
from service.eligibility.phone import record_phone_answer
from service.practice import coverages
from service.ui import forms
from service.ui import session as ui_session
from service.ui.blueprint import bp
from service.wiring import current_wiring

FIELDS = ("verified_at", "rep_name", "reference", "plan_begin", "plan_end", "network", "copay",
          "coinsurance", "deductible", "deductible_remaining", "out_of_pocket",
          "out_of_pocket_remaining", "visit_limit", "visits_remaining", "notes")
COUNTS = ("visit_limit", "visits_remaining")
# A select's words as the API's values: yes and no, or (authorization) not said.
ANSWERS = {"yes": True, "no": False}
# The pages show times in UTC; a datetime-local input has no offset, so it is read as UTC.
LOCAL_MINUTE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


@bp.route("/coverages/<uuid:coverage_id>/phone-verifications/new", methods=["GET", "POST"])
@ui_session.signed_in
def record_phone_verification(coverage_id: uuid.UUID) -> ResponseReturnValue:
    wiring = current_wiring()
    caller = ui_session.caller()
    coverage = coverages.get_coverage(uow=wiring.uow(), clock=wiring.clock, caller=caller,
                                      coverage_id=coverage_id)
    form: dict[str, Any] = {"verified_at": wiring.clock().strftime("%Y-%m-%dT%H:%M"),
                            "active": "yes", "auth_required": "",
                            "network": coverage.network_status}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        form = request.form.to_dict()
        data, errors = forms.load(ManualVerificationIn(), _as_json(form))
        if not errors:
            try:
                record_phone_answer(uow=wiring.uow, clock=wiring.clock, registry=wiring.payers,
                                    caller=caller, coverage_id=coverage_id, data=data)
            except InvalidInput as error:
                errors = forms.flatten(error.errors)
            else:
                flash("Phone verification recorded.")
                return redirect(url_for("ui.client", patient_id=coverage.patient_id))
    return render_template("phone_verification.html", form=form, errors=errors,
                           coverage=coverage), 422 if errors else 200


def _as_json(form: dict[str, str]) -> dict[str, Any]:
    """The form's strings as the API's body: counts as integers, yes/no as booleans, the
    call's time with its offset."""
    data = forms.pick(form, FIELDS, ints=COUNTS)
    when = data.get("verified_at", "")
    if LOCAL_MINUTE.fullmatch(when):
        data["verified_at"] = f"{when}:00+00:00"
    data["active"] = ANSWERS.get(form.get("active", ""), form.get("active", ""))
    data["auth_required"] = ANSWERS.get(form.get("auth_required", ""))
    return data
