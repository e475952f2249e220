"""The payer directory as a practice sees it: the payers it may name, without route secrets."""

from __future__ import annotations

from typing import Any

from payers.registry import PayerRegistry
from service.domain.paging import Keys, Slice, in_memory
from service.domain.payer_search import score


def payer_page(*, registry: PayerRegistry, part: Slice,
               q: str | None = None) -> tuple[list[dict[str, Any]], Keys | None]:
    """A page of the directory's payers, in id order, or with `q` only those it finds, best
    first (service/domain/payer_search.py). Each row: id, name, the X12 payer id and
    connectivity (adapter kind) of its first route, default service types, its aliases at
    each clearinghouse, its routes in failover order, transactions and enrollment. Nothing
    else of a route (URL, sender ids, credentials) leaves the server."""
    rows = []
    for payer in registry.payers():
        routes = registry.routes_of(payer.id)
        found = 0.0 if q is None else score(
            q, ids=(*payer.known_ids(), *routes), names=(payer.name, *payer.other_names))
        if found is None:
            continue
        first = registry.entry(routes[0])
        rows.append({"id": payer.id, "name": payer.name, "payer_id": first.payer_id,
                     "connectivity": first.adapter,
                     "service_types": list(payer.service_types or first.service_types),
                     "aliases": dict(payer.aliases), "routes": routes,
                     "transactions": list(payer.transactions),
                     "enrollment_required": payer.enrollment_required, "score": found})
    rows.sort(key=_key)
    return in_memory(rows, _key, part)


def _key(row: dict[str, Any]) -> Keys:
    return (row["score"], row["id"])
