"""The payer directory as a practice sees it: the routes it may name, without their secrets."""

from __future__ import annotations

from typing import Any

from payers.registry import PayerRegistry
from service.domain.paging import Keys, Slice, in_memory


def payer_page(*, registry: PayerRegistry, part: Slice) -> tuple[list[dict[str, Any]],
                                                                     Keys | None]:
    """A page of the directory in id order: id, name, X12 payer id, connectivity (the
    adapter kind) and default service types. Nothing else of an entry (URL, sender ids,
    credentials) leaves the server."""
    entries = [registry.entry(route) for route in sorted(registry.ids())]
    rows = [{"id": e.id, "name": e.name, "payer_id": e.payer_id, "connectivity": e.adapter,
             "service_types": list(e.service_types)} for e in entries]
    return in_memory(rows, lambda row: (row["id"],), part)
