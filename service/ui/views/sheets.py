"""The client's benefits sheet and the practice's verification-of-benefits record, each a
printable page and a PDF of the same template. Addresses carry ids only."""

from __future__ import annotations

import uuid
from typing import Any

from flask import render_template, request, url_for
from flask.typing import ResponseReturnValue

from service.pages import benefit_sheet
from service.ui import pdf
from service.ui import session as ui_session
from service.ui.blueprint import bp
from service.wiring import current_wiring

SHEET = {"body": "_sheet.html", "title": "Benefits sheet", "member_id_box": True}
VOB = {"body": "_vob.html", "title": "Verification of benefits", "member_id_box": False}


def _sheet(check_id: uuid.UUID) -> benefit_sheet.BenefitSheet:
    return benefit_sheet.sheet(wiring=current_wiring(), caller=ui_session.caller(),
                               check_id=check_id)


def _member_id() -> bool:
    """The staff member's "include member ID" box: the ID is on the client's sheet only
    when it is ticked."""
    return request.args.get("member_id") == "1"


def _extra() -> dict[str, Any]:
    return {"member_id": "1"} if _member_id() else {}


@bp.route("/checks/<uuid:check_id>/sheet", methods=["GET"])
@ui_session.signed_in
def sheet(check_id: uuid.UUID) -> ResponseReturnValue:
    return render_template("printable.html", sheet=_sheet(check_id), **SHEET,
                           include_member_id=_member_id(),
                           pdf_url=url_for("ui.sheet_pdf", check_id=check_id, **_extra()))


@bp.route("/checks/<uuid:check_id>.pdf", methods=["GET"])
@ui_session.signed_in
def sheet_pdf(check_id: uuid.UUID) -> ResponseReturnValue:
    return pdf.pdf_response("printable.html", filename=f"benefits-{check_id}.pdf",
                            sheet=_sheet(check_id), **SHEET, include_member_id=_member_id())


@bp.route("/checks/<uuid:check_id>/vob", methods=["GET"])
@ui_session.signed_in
def vob(check_id: uuid.UUID) -> ResponseReturnValue:
    return render_template("printable.html", sheet=_sheet(check_id), **VOB,
                           pdf_url=url_for("ui.vob_pdf", check_id=check_id))


@bp.route("/checks/<uuid:check_id>/vob.pdf", methods=["GET"])
@ui_session.signed_in
def vob_pdf(check_id: uuid.UUID) -> ResponseReturnValue:
    return pdf.pdf_response("printable.html", filename=f"vob-{check_id}.pdf",
                            sheet=_sheet(check_id), **VOB)
