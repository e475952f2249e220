"""Re-verification runs API: each nightly run's figures and what changed."""

from __future__ import annotations

import uuid
from typing import Any

from schemas.reverification import ReverificationRunOut, ReverificationRunPage, RunQuery
from service.reverify import report
from service.web.auth import current_caller, require
from service.web.blueprint import ApiBlueprint
from service.web.paging import cursor_page, page, page_window
from service.wiring import current_wiring

blp = ApiBlueprint("reverification", __name__, url_prefix="/v1/reverification-runs",
                   description="Nightly re-verification runs (`flask reverify`) and their "
                               "reports.")


@blp.route("", methods=["GET"])
@blp.doc(operationId="listReverificationRuns")
@require("read")
@blp.arguments(RunQuery, location="query")
@blp.response(200, ReverificationRunPage)
def list_runs(args: dict[str, Any]) -> Any:
    """List runs this practice took part in, newest first, by page number or by cursor.

    Each run's figures are this practice's part of it: `selected` counts its own coverages
    only, and a run over every practice that held none of them is not listed.
    """
    if args["slice"] is not None:
        found, last = report.run_page(uow=current_wiring().uow(), caller=current_caller(),
                                      part=args["slice"])
        return cursor_page(args["slice"], found, last)
    offset, limit = page_window(args)
    rows, total = report.list_runs(uow=current_wiring().uow(), caller=current_caller(),
                                   offset=offset, limit=limit)
    return page(args, rows, total)


@blp.route("/<uuid:run_id>", methods=["GET"])
@blp.doc(operationId="getReverificationRun")
@require("read")
@blp.response(200, ReverificationRunOut)
def get_run(run_id: uuid.UUID) -> Any:
    """A run's report: counts by outcome and every change with its before and after values.

    For a run over every practice, only this practice's coverages are counted and listed.
    """
    wiring = current_wiring()
    return report.read(uow=wiring.uow(), clock=wiring.clock, caller=current_caller(),
                       run_id=run_id)
