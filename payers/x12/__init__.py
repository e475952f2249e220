"""X12 codec: delimiters, tokenizer and envelope, and one module per implementation guide."""

import sys

from payers.x12 import native as _native

# The compiled hot path (payers/x12/native.py), when built for exactly these sources, is
# found before the Python modules of the same names.
if _native.usable():
    __path__.insert(0, str(_native.NATIVE_DIR))
    try:
        import payers.x12.envelope  # noqa: F401 - loads the compiled modules' runtime
    except ImportError:  # a build this machine cannot load: stay with Python
        __path__.remove(str(_native.NATIVE_DIR))
        for _name in [n for n in sys.modules if n.startswith("payers.x12.")]:
            if _name != "payers.x12.native":
                del sys.modules[_name]

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
