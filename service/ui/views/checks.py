"""The benefits card of one eligibility check; checking again; checking a carve-out payer."""

from __future__ import annotations

import uuid

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from service.domain.errors import ResendTooSoon
from service.domain.ratelimit import RateLimited
from service.pages import front_desk
from service.ui import session as ui_session
from service.ui.blueprint import bp
from service.wiring import current_wiring


@bp.errorhandler(RateLimited)
def rate_limited(error: RateLimited) -> ResponseReturnValue:
    """A front desk past its practice's live-check rate: nothing was sent; say when to retry."""
    flash(f"Too many eligibility checks from this practice just now; nothing was sent to the "
          f"payer. Try again in {error.retry_after_s} seconds.")
    return redirect(url_for("ui.home"), code=303)


@bp.errorhandler(ResendTooSoon)
def resend_too_soon(error: ResendTooSoon) -> ResponseReturnValue:
    """The last inquiry may still reach the payer: nothing was sent; say when to retry."""
    flash(f"The last eligibility inquiry may still reach the payer; nothing was sent. Try "
          f"again in {error.retry_after_s} seconds.")
    return redirect(url_for("ui.home"), code=303)


@bp.route("/checks/<uuid:check_id>", methods=["GET"])
@ui_session.signed_in
def check(check_id: uuid.UUID) -> ResponseReturnValue:
    card = front_desk.benefits_card(wiring=current_wiring(), caller=ui_session.caller(),
                                    check_id=check_id)
    return render_template("check.html", card=card)


@bp.route("/coverages/<uuid:coverage_id>/check", methods=["POST"])
@ui_session.signed_in
def check_again(coverage_id: uuid.UUID) -> ResponseReturnValue:
    """Ask the payer now (force: the front desk asks because something may have changed)."""
    done = front_desk.check_coverage(wiring=current_wiring(), caller=ui_session.caller(),
                                     coverage_id=coverage_id, force=True)
    return redirect(url_for("ui.check", check_id=done.id))


@bp.route("/checks/<uuid:check_id>/carve-out", methods=["POST"])
@ui_session.signed_in
def check_carve_out(check_id: uuid.UUID) -> ResponseReturnValue:
    caller = ui_session.caller()
    card = front_desk.benefits_card(wiring=current_wiring(), caller=caller, check_id=check_id)
    if card.carve_out_route is None:
        return redirect(url_for("ui.check", check_id=check_id))
    done = front_desk.check_coverage(wiring=current_wiring(), caller=caller,
                                     coverage_id=card.coverage.id, force=True,
                                     route=card.carve_out_route,
                                     carve_out_of=check_id)
    return redirect(url_for("ui.check", check_id=done.id))
