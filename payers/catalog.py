"""The payer catalog: one record per payer, with its ids at each clearinghouse (aliases).

A route in the directory (payers/directory.py) reaches one payer through one clearinghouse;
the catalog says who that payer is, independent of any route:

- ``id``: the payer's stable id in this deployment (lower-case, as route ids are);
- ``name``; ``other_names`` (names the payer is also known by, searched too);
- ``aliases``: clearinghouse -> the payer id that clearinghouse expects (NM109 of loop 2100A
  on a route through it), e.g. ``{"stedi": "62308", "availity": "CIGNA"}``;
- ``other_ids``: historical or synonymous payer ids (searched, never sent);
- ``transactions``: the X12 transactions the payer answers ("270", "278");
- ``enrollment_required``: whether the provider must enrol with the payer before a 270;
- ``service_types``: the service type codes the payer answers (empty: not known).

The catalog is a JSON file (``{"payers": [...]}``) that ``flask payers import`` writes and
the directory reads at start-up beside payers.yaml (COVERWATCH_PAYER_CATALOG).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from payers.directory_fields import DirectoryError

TRANSACTIONS = ("270", "278")
CATALOG_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
CLEARINGHOUSE_RE = re.compile(r"^[a-z][a-z0-9-]{0,31}$")
SERVICE_TYPE_RE = re.compile(r"^[A-Z0-9]{1,2}$")

__all__ = ["Payer", "load_catalog", "merge_payers", "parse_catalog", "write_catalog"]


@dataclass(frozen=True, kw_only=True)
class Payer:
    id: str
    name: str
    aliases: Mapping[str, str] = field(default_factory=dict)
    other_ids: tuple[str, ...] = ()
    other_names: tuple[str, ...] = ()
    transactions: tuple[str, ...] = ("270",)
    enrollment_required: bool = False
    service_types: tuple[str, ...] = ()

    def known_ids(self) -> tuple[str, ...]:
        """Every id the payer goes by: ours, each clearinghouse's, and the other ids."""
        return (self.id, *self.aliases.values(), *self.other_ids)

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "aliases": dict(sorted(self.aliases.items())),
                "other_ids": list(self.other_ids), "other_names": list(self.other_names),
                "transactions": list(self.transactions),
                "enrollment_required": self.enrollment_required,
                "service_types": list(self.service_types)}


def load_catalog(path: Path | None) -> dict[str, Payer]:
    """The catalog file's payers; none when no file is named or it does not exist yet."""
    if path is None or not path.exists():
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DirectoryError(f"payer catalog {path} is not valid JSON: {exc.msg}") from exc
    return parse_catalog(raw, source=str(path))


def parse_catalog(raw: Any, *, source: str = "payer catalog") -> dict[str, Payer]:
    if not isinstance(raw, dict) or not isinstance(raw.get("payers"), list):
        raise DirectoryError(f"{source} must have a top-level 'payers' list")
    payers: dict[str, Payer] = {}
    for index, item in enumerate(raw["payers"]):
        payer = payer_from(item, where=f"{source}: payers[{index}]")
        if payer.id in payers:
            raise DirectoryError(f"{source}: payers[{index}]: id '{payer.id}' is listed twice")
        payers[payer.id] = payer
    return payers


def payer_from(item: Any, *, where: str) -> Payer:
    """One catalog record, checked; DirectoryError says which record and field."""
    if not isinstance(item, dict):
        raise DirectoryError(f"{where}: each payer is a mapping")
    pid, name = str(item.get("id") or ""), str(item.get("name") or "").strip()
    if not CATALOG_ID_RE.match(pid):
        raise DirectoryError(f"{where}: id must be lower-case letters, digits, - or _")
    if not name or len(name) > 200:
        raise DirectoryError(f"{where} ({pid}): name must be 1 to 200 characters")
    aliases = item.get("aliases") or {}
    if not isinstance(aliases, dict) or not all(
            CLEARINGHOUSE_RE.match(str(k)) and _payer_id(v) for k, v in aliases.items()):
        raise DirectoryError(f"{where} ({pid}): aliases map a clearinghouse (lower-case) to "
                             f"its payer id (1 to 80 printable characters)")
    transactions = _codes(item.get("transactions", ["270"]), where, pid, "transactions")
    if any(code not in TRANSACTIONS for code in transactions):
        raise DirectoryError(f"{where} ({pid}): transactions may be {', '.join(TRANSACTIONS)}")
    types = tuple(code.upper() for code in _codes(item.get("service_types", []), where, pid,
                                                  "service_types"))
    if any(not SERVICE_TYPE_RE.match(code) for code in types):
        raise DirectoryError(f"{where} ({pid}): service_types are codes such as 30 or MH")
    if not isinstance(item.get("enrollment_required", False), bool):
        raise DirectoryError(f"{where} ({pid}): enrollment_required must be true or false")
    return Payer(id=pid, name=name, aliases={str(k): str(v).strip() for k, v in aliases.items()},
                 other_ids=_codes(item.get("other_ids", []), where, pid, "other_ids"),
                 other_names=_codes(item.get("other_names", []), where, pid, "other_names"),
                 transactions=transactions,
                 enrollment_required=bool(item.get("enrollment_required", False)),
                 service_types=types)


def merge_payers(known: Mapping[str, Payer], found: Iterable[Payer]) -> dict[str, Payer]:
    """`known` with `found` laid over it: a payer already listed keeps its other clearinghouses'
    aliases and takes the new record's facts; a new payer is added."""
    merged = dict(known)
    for payer in found:
        old = merged.get(payer.id)
        if old is None:
            merged[payer.id] = payer
            continue
        merged[payer.id] = replace(
            payer, aliases={**old.aliases, **payer.aliases},
            other_ids=_union(old.other_ids, payer.other_ids),
            other_names=_union(old.other_names, payer.other_names))
    return merged


def write_catalog(path: Path, payers: Mapping[str, Payer]) -> None:
    """Write the catalog whole (sorted by id, so that a re-import shows as a small diff)."""
    document = {"payers": [payers[pid].as_json() for pid in sorted(payers)]}
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    temporary.replace(path)


def _payer_id(value: Any) -> bool:
    text = str(value).strip() if isinstance(value, str | int) else ""
    return 0 < len(text) <= 80 and text.isprintable()


def _codes(value: Any, where: str, pid: str, name: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(_payer_id(v) for v in value):
        raise DirectoryError(f"{where} ({pid}): {name} must be a list of short texts")
    return tuple(str(v).strip() for v in value)


def _union(first: tuple[str, ...], second: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys((*first, *second)))
