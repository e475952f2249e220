"""The payer directory: which payers a deployment can reach, read from a YAML file."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ADAPTERS = ("sandbox", "core-soap", "core-mime", "clearinghouse-json")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


class DirectoryError(ValueError):
    """The payer directory file is missing or wrong; the message says where."""


@dataclass(frozen=True, kw_only=True)
class PayerEntry:
    id: str
    name: str
    payer_id: str
    adapter: str


def load_directory(path: Path) -> dict[str, PayerEntry]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise DirectoryError(f"payer directory {path} does not exist") from exc
    except yaml.YAMLError as exc:
        raise DirectoryError(f"payer directory {path} is not valid YAML: {exc}") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("payers"), list):
        raise DirectoryError(f"payer directory {path} must have a top-level 'payers' list")
    entries: dict[str, PayerEntry] = {}
    for index, item in enumerate(raw["payers"]):
        entry = _entry(item, where=f"{path}: payers[{index}]")
        if entry.id in entries:
            raise DirectoryError(f"{path}: payers[{index}]: id '{entry.id}' is listed twice")
        entries[entry.id] = entry
    return entries


def _entry(item: Any, *, where: str) -> PayerEntry:
    if not isinstance(item, dict):
        raise DirectoryError(f"{where}: each payer is a mapping")
    missing = [k for k in ("id", "name", "payer_id", "adapter") if not item.get(k)]
    if missing:
        raise DirectoryError(f"{where}: missing {', '.join(missing)}")
    if not ID_RE.match(str(item["id"])):
        raise DirectoryError(f"{where}: id must be lower-case letters, digits, - or _")
    if item["adapter"] not in ADAPTERS:
        raise DirectoryError(f"{where}: adapter must be one of {', '.join(ADAPTERS)}")
    return PayerEntry(
        id=str(item["id"]), name=str(item["name"]), payer_id=str(item["payer_id"]),
        adapter=str(item["adapter"]),
    )
