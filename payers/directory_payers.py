"""Routes that name a catalog payer: their defaults from the catalog, and same-payer failover."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from payers.catalog import Payer
from payers.directory_fields import DirectoryError


class _Route(Protocol):
    """What failover chaining reads of a directory entry (payers.directory.PayerEntry)."""

    @property
    def id(self) -> str: ...
    @property
    def payer(self) -> str | None: ...
    @property
    def fallback(self) -> str | None: ...
    @property
    def payer_key(self) -> str: ...




def with_payer(item: Any, catalog: Mapping[str, Payer], *, where: str) -> Any:
    """The item with ``name`` and ``payer_id`` taken from its catalog payer where not given:
    the payer's name, and its alias at the route's clearinghouse."""
    if not isinstance(item, dict) or item.get("payer") is None:
        return item
    where = f"{where} ({item.get('id')})"
    payer = catalog.get(str(item["payer"]))
    if payer is None:
        raise DirectoryError(f"{where}: payer '{item['payer']}' is not in the payer catalog")
    house = str(item.get("clearinghouse") or item.get("adapter") or "")
    alias = payer.aliases.get(house)
    if not item.get("payer_id") and alias is None:
        raise DirectoryError(f"{where}: payer '{payer.id}' has no alias at '{house}'; give "
                             f"payer_id or add the alias to the catalog")
    filled = dict(item)
    if not item.get("name"):
        filled["name"] = payer.name
    if not item.get("payer_id"):
        filled["payer_id"] = alias
    return filled


def same_payer_fallbacks(entries: Mapping[str, _Route], source: str) -> dict[str, str]:
    """The fallback of each route of a catalog payer without one: the next route listed for
    that payer. An explicit fallback to another payer's route is refused."""
    routes: dict[str, list[str]] = {}
    for entry in entries.values():
        routes.setdefault(entry.payer_key, []).append(entry.id)
    chained: dict[str, str] = {}
    for entry in entries.values():
        if entry.payer is None:
            continue
        if entry.fallback is not None:
            other = entries.get(entry.fallback)
            if other is not None and other.payer is not None and other.payer != entry.payer:
                raise DirectoryError(f"{source}: {entry.id}: fallback '{entry.fallback}' "
                                     f"reaches payer '{other.payer}', not '{entry.payer}'")
            continue
        siblings = routes[entry.payer]
        position = siblings.index(entry.id)
        if position + 1 < len(siblings):
            chained[entry.id] = siblings[position + 1]
    return chained
