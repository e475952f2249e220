"""Practice configuration, alerts and reports: fee schedule, counting policy, code mix."""

from __future__ import annotations

import uuid
from typing import Any

from schemas.ledger import FeeIn, FeeList, FeeOut
from schemas.practice import (
    AlertList,
    AlertOut,
    AlertQuery,
    CodeMixOut,
    CodeMixQuery,
    SettingsIn,
    SettingsOut,
)
from service.ledger import alerts
from service.practice import settings as practice_config
from service.web.auth import current_caller, require
from service.web.blueprint import ApiBlueprint
from service.web.paging import cursor_page, page, page_window
from service.wiring import current_wiring

blp = ApiBlueprint("practice", __name__, url_prefix="/v1",
                   description="Alerts, fee schedule, counting policy and reports.")


@blp.route("/alerts", methods=["GET"])
@blp.doc(operationId="listAlerts")
@require("read")
@blp.arguments(AlertQuery, location="query")
@blp.response(200, AlertList)
def list_alerts(args: dict[str, Any]) -> Any:
    """Open alerts, derived from the ledger and the latest checks as they stand, by kind and
    newest first, a page at a time (by number or by cursor). With updated_since: those
    raised or resolved since, resolved ones included, oldest change first. Listing never
    writes."""
    wiring = current_wiring()
    part = args["slice"]
    found = alerts.list_alerts(uow=wiring.uow(), source=wiring.alerts, clock=wiring.clock,
                               caller=current_caller(), kind=args.get("kind"),
                               coverage_id=args.get("coverage_id"),
                               include_resolved=args["include_resolved"],
                               window=None if part else page_window(args), part=part,
                               updated_since=args.get("updated_since"))
    if part is not None:
        return cursor_page(part, found.items, found.next)
    return page(args, found.items, found.total)


@blp.route("/alerts/<uuid:alert_id>/resolve", methods=["POST"])
@blp.doc(operationId="resolveAlert")
@require("write")
@blp.response(200, AlertOut)
def resolve_alert(alert_id: uuid.UUID) -> Any:
    """Mark an alert handled; it stays resolved until its facts change."""
    wiring = current_wiring()
    return alerts.resolve(uow=wiring.uow(), source=wiring.alerts, clock=wiring.clock,
                          caller=current_caller(), alert_id=alert_id)


@blp.route("/fee-schedule", methods=["GET"])
@blp.doc(operationId="listFees")
@require("read")
@blp.response(200, FeeList)
def list_fees() -> Any:
    """The allowed amounts the practice expects per payer and code (for estimates)."""
    return {"items": practice_config.fees(uow=current_wiring().uow(), caller=current_caller())}


@blp.route("/fee-schedule", methods=["PUT"])
@blp.doc(operationId="putFee")
@require("write")
@blp.arguments(FeeIn)
@blp.response(200, FeeOut)
def put_fee(data: dict[str, Any]) -> Any:
    """Set the allowed amount for a payer and code."""
    wiring = current_wiring()
    return practice_config.set_fee(uow=wiring.uow(), clock=wiring.clock, caller=current_caller(),
                                   payer=data["payer"], code=data["code"],
                                   allowed_amount=data["allowed_amount"],
                                   payer_ids=wiring.payers.ids())


@blp.route("/settings", methods=["GET"])
@blp.doc(operationId="getSettings")
@require("read")
@blp.response(200, SettingsOut)
def get_settings() -> Any:
    """The practice's counting policy and verdict thresholds."""
    return practice_config.get_settings(uow=current_wiring().uow(), caller=current_caller())


@blp.route("/settings", methods=["PUT"])
@blp.doc(operationId="putSettings")
@require("admin")
@blp.arguments(SettingsIn)
@blp.response(200, SettingsOut)
def put_settings(data: dict[str, Any]) -> Any:
    """Change the counting policy (payers may still override it) and thresholds."""
    wiring = current_wiring()
    return practice_config.put_settings(uow=wiring.uow(), clock=wiring.clock,
                                        caller=current_caller(), counting=data["counting"],
                                        thresholds=data["thresholds"])


@blp.route("/reports/code-mix", methods=["GET"])
@blp.doc(operationId="getCodeMixReport")
@require("read")
@blp.arguments(CodeMixQuery, location="query")
@blp.response(200, CodeMixOut)
def code_mix(args: dict[str, Any]) -> Any:
    """Per provider: the share of 90837 among individual psychotherapy codes, flagged above
    the threshold (payers audit providers who bill the 60-minute code for nearly everything)."""
    rows = practice_config.code_mix_report(uow=current_wiring().uow(), caller=current_caller(),
                                           start=args.get("from_"), end=args.get("to"),
                                           threshold=args["threshold"])
    return {"threshold": args["threshold"], "providers": rows}
