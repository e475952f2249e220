"""Practice-wide lists and search, paged by cursor: visits, authorizations, coverages,
eligibility checks, and the payer directory."""

from __future__ import annotations

from typing import Any

from schemas.coverages import CoverageList, CoverageListQuery, CoverageSearchIn
from schemas.eligibility import CheckList, CheckListQuery
from schemas.ledger import AuthorizationListQuery, AuthorizationPage, VisitListQuery, VisitPage
from schemas.payers import PayerHealthOut, PayerPage, PayerQuery
from service.eligibility.directory import payer_page
from service.eligibility.health import payer_health
from service.web.auth import require
from service.web.blueprint import ApiBlueprint
from service.web.eligibility import view
from service.web.paging import cursor_page, list_page
from service.wiring import current_wiring

blp = ApiBlueprint("lists", __name__, url_prefix="/v1",
                   description="The practice's visits, authorizations, coverages and checks, "
                               "a page at a time by cursor; the payer directory.")


def _listed(path: str, name: str, query: type, answer: type, operation: str,
            doc: str) -> None:
    """GET `path`: a page of the practice's `name` list (read scope), documented by `doc`."""

    def view(args: dict[str, Any]) -> Any:
        return list_page(name, args)

    view.__name__, view.__doc__ = operation, doc
    blp.route(path, methods=["GET"])(require("read")(blp.arguments(query, location="query")(
        blp.response(200, answer)(blp.doc(operationId=operation)(view)))))


_listed("/visits", "visits", VisitListQuery, VisitPage, "listVisits",
        """The practice's visits in date order (then id), filtered; with updated_since, those
        changed since in the order of their change, visits deleted as booked in error
        included (status deleted).""")
_listed("/authorizations", "authorizations", AuthorizationListQuery, AuthorizationPage,
        "listAuthorizations",
        "The practice's authorizations, ending soonest first (then id), filtered.")
_listed("/coverages", "coverages", CoverageListQuery, CoverageList, "listCoverages",
        """The practice's coverages in the order they were added, filtered. To find one by
        member id, use POST /v1/coverages/search: a member id is never put in a URL.""")


@blp.route("/coverages/search", methods=["POST"])
@require("read")
@blp.arguments(CoverageSearchIn)
@blp.response(200, CoverageList)
@blp.doc(operationId="searchCoverages")
def search_coverages(data: dict[str, Any]) -> Any:
    """The coverage list's filters (cursor and limit too) in a JSON body, with member_id.
    Writes nothing but the audit of the read."""
    return list_page("coverages", data)


@blp.route("/eligibility-checks", methods=["GET"])
@require("read")
@blp.arguments(CheckListQuery, location="query")
@blp.response(200, CheckList)
@blp.doc(operationId="listEligibilityChecks")
def list_checks(args: dict[str, Any]) -> Any:
    """The practice's eligibility checks, newest first, filtered; with updated_since, in the
    order their outcomes were stored (a check changes once, from pending)."""
    body = list_page("checks", args)
    body["items"] = [view(check) for check in body["items"]]
    return body


@blp.route("/payers", methods=["GET"])
@require("read")
@blp.arguments(PayerQuery, location="query")
@blp.response(200, PayerPage)
@blp.doc(operationId="listPayers")
def list_payers(args: dict[str, Any]) -> Any:
    """The payer directory, in id order, or with `q` the payers found, best match first: what
    a coverage's `payer` may name. It is read from the deployment's configuration when the
    server starts, so it has no updated_since."""
    part = args["slice"]
    rows, last = payer_page(registry=current_wiring().payers, part=part, q=args.get("q"))
    return cursor_page(part, rows, last)


@blp.route("/payers/<payer>/health", methods=["GET"])
@require("read")
@blp.response(200, PayerHealthOut)
@blp.doc(operationId="getPayerHealth")
def get_payer_health(payer: str) -> Any:
    """Each route of the payer over the last 24 hours of every practice's checks: share
    answered, p50/p95 latency, share answered within CORE's 20 s, the commonest errors, its
    circuit breaker now, and whether it is degraded."""
    wiring = current_wiring()
    since, reports = payer_health(uow=wiring.uow(), clock=wiring.clock,
                                  registry=wiring.payers, payer=payer)
    return {"payer": payer, "since": since, "routes": [
        {"route": r.route, "connectivity": r.connectivity, "circuit": r.circuit,
         "checks": r.health.checks, "success_share": r.health.success_share,
         "p50_ms": r.health.p50_ms, "p95_ms": r.health.p95_ms,
         "within_20s_share": r.health.within_budget_share,
         "errors": [{"code": code, "count": n} for code, n in r.health.errors],
         "degraded": r.health.degraded} for r in reports]}
