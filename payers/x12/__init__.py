"""X12 codec: delimiters, tokenizer and envelope, and a module or package per guide."""

from payers.x12.delimiters import DEFAULT, Delimiters
from payers.x12.envelope import (
    FunctionalGroup,
    GroupHeader,
    Interchange,
    InterchangeHeader,
    Transaction,
    X12Warning,
    iter_transactions,
    read_interchange,
)
from payers.x12.errors import (
    X12ElementError,
    X12EnvelopeError,
    X12Error,
    X12StructureError,
    X12SyntaxError,
)

__all__ = [
    "DEFAULT",
    "Delimiters",
    "FunctionalGroup",
    "GroupHeader",
    "Interchange",
    "InterchangeHeader",
    "Transaction",
    "X12ElementError",
    "X12EnvelopeError",
    "X12Error",
    "X12StructureError",
    "X12SyntaxError",
    "X12Warning",
    "iter_transactions",
    "read_interchange",
]
