"""Reading clearinghouse payer lists into catalog records: Stedi's JSON list and our CSV.

Stedi's List Payers answer (``{"items": [...]}``, each with ``stediId``, ``displayName``,
``primaryPayerId``, ``aliases``, ``names`` and ``transactionSupport``, whose
``eligibilityCheck`` is SUPPORTED, ENROLLMENT_REQUIRED or NOT_SUPPORTED): a payer that
answers no eligibility check through Stedi is skipped; ``primaryPayerId`` becomes the
``stedi`` alias and the other aliases are kept as ``other_ids`` for search.

The CSV (docs/payers.md) has a header row and one row per payer and clearinghouse:
``id,name,clearinghouse,payer_id,transactions,enrollment_required,service_types,other_ids``
where lists are separated by ``;`` and ``enrollment_required`` is yes/no (true/false).
Rows of one ``id`` merge (their aliases together).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from payers.catalog import Payer, load_catalog, merge_payers, payer_from, write_catalog
from payers.directory_fields import DirectoryError

CSV_COLUMNS = ("id", "name", "clearinghouse", "payer_id", "transactions",
               "enrollment_required", "service_types", "other_ids")
YES = {"yes": True, "true": True, "y": True, "1": True, "no": False, "false": False, "n": False,
       "0": False, "": False}
SLUG_RE = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Imported:
    """What an import found: the payers read and how many list rows were skipped (why)."""

    payers: list[Payer]
    skipped: int


@dataclass(frozen=True)
class ImportReport:
    """What an import changed in the catalog file."""

    added: int
    updated: int
    skipped: int
    total: int


FORMATS = ("stedi", "csv")


def import_file(source: Path, *, fmt: str, catalog_file: Path) -> ImportReport:
    """Merge the payer list in `source` (``stedi`` JSON or our ``csv``) into the catalog
    file, which is written only when the whole list was read without a fault."""
    known = load_catalog(catalog_file)
    text = source.read_text(encoding="utf-8-sig")
    if fmt == "stedi":
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as exc:
            raise DirectoryError(f"{source} is not valid JSON: {exc.msg}") from exc
        found = from_stedi(raw, known=known)
    elif fmt == "csv":
        found = from_csv(text)
    else:
        raise DirectoryError(f"format must be one of {', '.join(FORMATS)}")
    merged = merge_payers(known, found.payers)
    write_catalog(catalog_file, merged)
    added = sum(1 for p in found.payers if p.id not in known)
    return ImportReport(added=added, updated=len(found.payers) - added, skipped=found.skipped,
                        total=len(merged))


def from_stedi(raw: Any, *, known: Mapping[str, Payer]) -> Imported:
    """The payers of a Stedi payer list; a payer already in `known` under the same Stedi
    payer id keeps its id, so that a re-import updates it instead of adding another."""
    items = raw.get("items") if isinstance(raw, dict) else None
    if not isinstance(items, list):
        raise DirectoryError("a Stedi payer list has an 'items' list")
    by_alias = {p.aliases["stedi"]: p.id for p in known.values() if "stedi" in p.aliases}
    taken = set(known)
    payers: list[Payer] = []
    skipped = 0
    for index, item in enumerate(items):
        where = f"items[{index}]"
        if not isinstance(item, dict) or not item.get("primaryPayerId"):
            raise DirectoryError(f"{where}: each payer has a primaryPayerId")
        support = (item.get("transactionSupport") or {}).get("eligibilityCheck")
        if support not in ("SUPPORTED", "ENROLLMENT_REQUIRED"):
            skipped += 1
            continue
        primary = str(item["primaryPayerId"]).strip()
        name = str(item.get("displayName") or "").strip()
        pid = by_alias.get(primary) or _fresh_id(name, str(item.get("stediId") or primary),
                                                 taken)
        taken.add(pid)
        others = [str(a) for a in item.get("aliases") or [] if str(a).strip() != primary]
        payers.append(payer_from({
            "id": pid, "name": name, "aliases": {"stedi": primary}, "other_ids": others,
            "other_names": [str(n) for n in item.get("names") or [] if n != name],
            "transactions": ["270"], "enrollment_required": support == "ENROLLMENT_REQUIRED",
        }, where=where))
    return Imported(payers, skipped)


def from_csv(text: str) -> Imported:
    """The payers of our CSV; DirectoryError names the line and the field at fault."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("id", "name", "clearinghouse", "payer_id")
               if c not in (reader.fieldnames or ())]
    if missing:
        raise DirectoryError(f"the CSV header lacks {', '.join(missing)} "
                             f"(columns: {','.join(CSV_COLUMNS)})")
    merged: dict[str, Payer] = {}
    for row in reader:
        where = f"line {reader.line_num}"
        flag = (row.get("enrollment_required") or "").strip().lower()
        if flag not in YES:
            raise DirectoryError(f"{where}: enrollment_required must be yes or no")
        payer = payer_from({
            "id": (row.get("id") or "").strip(), "name": row.get("name") or "",
            "aliases": {(row.get("clearinghouse") or "").strip(): row.get("payer_id") or ""},
            "transactions": _listed(row.get("transactions")) or ["270"],
            "enrollment_required": YES[flag],
            "service_types": _listed(row.get("service_types")),
            "other_ids": _listed(row.get("other_ids")),
        }, where=where)
        merged = merge_payers(merged, [payer])
    return Imported(list(merged.values()), 0)


def _listed(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(";") if part.strip()]


def _fresh_id(name: str, stedi_id: str, taken: set[str]) -> str:
    """The payer's name as an id (``blue-cross-of-idaho``), or with Stedi's own stable id
    appended when another payer has that name."""
    slug = SLUG_RE.sub("-", name.lower()).strip("-")[:50] or "payer"
    if slug not in taken:
        return slug
    return f"{slug}-{SLUG_RE.sub('', stedi_id.lower())[:12]}"
