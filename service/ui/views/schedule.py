"""The schedule worklist, where the front desk lands after signing in."""

from __future__ import annotations

from flask import render_template, request
from flask.typing import ResponseReturnValue

from service.domain.errors import InvalidInput
from service.pages import schedule as worklist
from service.ui import forms
from service.ui import session as ui_session
from service.ui.blueprint import bp
from service.wiring import current_wiring

RANGE_LABELS = {"today": "Today", "tomorrow": "Tomorrow", "week": "Next 7 days",
                "14d": "Next 14 days"}
VERDICT_LABELS = [("not_covered", "Not covered"), ("at_risk", "At risk"), ("covered", "Covered")]


@bp.route("/schedule", methods=["GET"])
@ui_session.signed_in
def schedule() -> ResponseReturnValue:
    """The filters are a plain GET form: a filtered list is a bookmarkable address."""
    wiring = current_wiring()
    args = request.args.to_dict()
    errors: dict[str, list[str]] = {}
    try:
        filters = worklist.read_filters(args)
    except InvalidInput as error:
        errors = forms.flatten(error.errors)
        filters = worklist.Filters()
    page = worklist.schedule(uow=wiring.uow, clock=wiring.clock, caller=ui_session.caller(),
                             filters=filters)
    return render_template("schedule.html", s=page, errors=errors, form=args,
                           ranges=RANGE_LABELS, verdicts=VERDICT_LABELS,
                           providers=[("", "All providers")]
                           + [(npi, f"NPI {npi}") for npi in page.providers],
                           ), 422 if errors else 200
