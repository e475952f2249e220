"""Audit log API (admin scope): every create, read and change of patient data."""

from __future__ import annotations

from typing import Any

from schemas.audit import AuditPage, AuditQuery
from service.practice import audit, lists
from service.web.auth import current_caller, require
from service.web.blueprint import ApiBlueprint
from service.web.paging import cursor_page, page, page_window
from service.wiring import current_wiring

blp = ApiBlueprint("audit", __name__, url_prefix="/v1/audit-events",
                description="Who touched patient data (admin scope).")


@blp.route("", methods=["GET"])
@blp.doc(operationId="listAuditEvents")
@require("admin")
@blp.arguments(AuditQuery, location="query")
@blp.response(200, AuditPage)
def list_events(args: dict[str, Any]) -> Any:
    """List the practice's audit events, newest first (by page number or by cursor); with
    updated_since, those written since, oldest first."""
    if args["slice"] is not None:
        rows, last = lists.audit_page(uow=current_wiring().uow(), caller=current_caller(),
                                      part=args["slice"], updated_since=args.get("updated_since"))
        return cursor_page(args["slice"], rows, last)
    offset, limit = page_window(args)
    rows, total = audit.list_events(uow=current_wiring().uow(), caller=current_caller(),
                                    offset=offset, limit=limit)
    return page(args, rows, total)
