"""Command line: ``python -m payers.x12 parse FILE`` and ``summary FILE [--network in|out]``."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import enum
import importlib
import json
import sys
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from payers.x12.envelope import Interchange, Transaction, read_interchange
from payers.x12.errors import X12Error
from payers.x12.summary import Network, summarize
from payers.x12.x271 import read_271

# Readers for other transaction sets live in modules owned elsewhere; they are optional here.
_READERS = {
    "278": ("payers.x12.x278", "read_278"),
    "999": ("payers.x12.ack", "read_999"),
}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        data = Path(args.file).read_bytes()
    except OSError as error:
        print(f"error: cannot read {args.file}: {error.strerror}", file=sys.stderr)
        return 2
    try:
        interchange = read_interchange(data)
        if args.command == "parse":
            result = _parse(interchange)
        else:
            result = _summaries(interchange, args.network)
    except X12Error as error:
        print(f"error: {args.file}: {error}", file=sys.stderr)
        return 2
    json.dump(result, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m payers.x12", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    parse = commands.add_parser("parse", help="print the decoded interchange as JSON")
    parse.add_argument("file")
    summary = commands.add_parser("summary", help="print the mental-health summary of 271s")
    summary.add_argument("file")
    summary.add_argument("--network", choices=("in", "out"), default="in")
    return parser


def _parse(interchange: Interchange) -> dict[str, Any]:
    header = interchange.header
    d = interchange.delimiters
    ta1_reader = _optional_reader("payers.x12.ack", "read_ta1")
    return {
        "interchange": _plain(header),
        "delimiters": {"element": d.element, "repetition": d.repetition,
                       "component": d.component, "segment": d.segment},
        "ta1": [_plain(ta1_reader(s)) if ta1_reader else s for s in interchange.ta1],
        "groups": [{"header": _plain(g.header),
                    "transactions": [_decode(t) for t in g.transactions]}
                   for g in interchange.groups],
        "warnings": [_plain(w) for w in interchange.warnings],
    }


def _decode(transaction: Transaction) -> dict[str, Any]:
    if transaction.set_id == "271":
        return read_271(transaction).to_dict()
    module_reader = _READERS.get(transaction.set_id)
    reader = _optional_reader(*module_reader) if module_reader else None
    if reader is not None:
        decoded = _plain(reader(transaction))
        if isinstance(decoded, dict):
            return {"set_id": transaction.set_id, **decoded}
        return {"set_id": transaction.set_id, "decoded": decoded}
    return {"set_id": transaction.set_id, "control_number": transaction.control_number,
            "implementation": transaction.implementation, "segments": transaction.segments}


def _optional_reader(module: str, name: str) -> Callable[[Any], Any] | None:
    try:
        reader = getattr(importlib.import_module(module), name, None)
    except ImportError:
        return None
    return reader if callable(reader) else None


def _summaries(interchange: Interchange, network: str) -> dict[str, Any]:
    network_value: Network = "out" if network == "out" else "in"
    transactions = []
    for transaction in interchange.transactions:
        if transaction.set_id != "271":
            continue
        summary = summarize(read_271(transaction), network=network_value)
        transactions.append(summary.to_json_dict())
    return {"network": network_value, "transactions": transactions}


def _plain(value: Any) -> Any:
    """A reader result as JSON: to_dict() when offered, dataclasses field by field."""
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


if __name__ == "__main__":
    sys.exit(main())
