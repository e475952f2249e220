"""The schedule worklist, where the front desk lands after signing in."""

from __future__ import annotations

import uuid
from typing import Any

from flask import render_template, request, url_for
from flask.typing import ResponseReturnValue

from service.domain.errors import InvalidInput
from service.pages import schedule as worklist
from service.ui import forms
from service.ui import session as ui_session
from service.ui.blueprint import bp
from service.wiring import current_wiring

RANGE_LABELS = {"today": "Today", "tomorrow": "Tomorrow", "week": "Next 7 days",
                "14d": "Next 14 days"}
# Each row's addresses: (endpoint, its id argument).
LINKS = {"client": ("ui.client", "patient_id"), "check": ("ui.check_again", "coverage_id"),
         "add_auth": ("ui.add_authorization", "coverage_id"),
         "coverage": ("ui.coverage", "coverage_id")}
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
                           ranges=RANGE_LABELS, verdicts=VERDICT_LABELS, links=_links(),
                           providers=[("", "All providers")]
                           + [(npi, f"NPI {npi}") for npi in page.providers],
                           ), 422 if errors else 200


def _links() -> dict[str, str]:
    """Each kind of row address with "{id}" for the row's id: built once, not once a row (a
    thousand rows' url_for calls cost more than the page's query)."""
    marker = str(uuid.UUID(int=0))
    links = {}
    for kind, (endpoint, arg) in LINKS.items():
        values: dict[str, Any] = {arg: marker}
        links[kind] = url_for(endpoint, **values).replace(marker, "{id}")
    return links
