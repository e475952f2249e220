"""What a client's benefits sheet says beyond the card: progress toward the plan's limits,
the practice's usual code, and where an answer came from, in words."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from service.domain.cpt import normalize
from service.domain.estimate import decimal_of

# Individual psychotherapy, 53+ minutes: the code most therapy practices bill most, used
# when the practice has booked no visit to learn its own from.
FALLBACK_CODE = "90837"

# Where an eligibility answer came from: a live check is the payer's 271; an answer the
# front desk recorded from a call says so.
SOURCES = {"payer": "payer (271)", "phone": "payer (by phone)"}

# What the estimate's basis means to the client reading the sheet.
BASIS = {"copay": "your copay", "deductible": "paid toward your deductible",
         "coinsurance": "your coinsurance share",
         "deductible_then_coinsurance": "the rest of your deductible, then your coinsurance share",
         "unknown": "not known yet"}

# The usual session codes in a client's words; other codes are shown as they are.
CODES = {"90791": "an intake assessment", "90832": "a 30-minute therapy session",
         "90834": "a 45-minute therapy session", "90837": "a 60-minute therapy session",
         "90846": "a family therapy session without the client",
         "90847": "a family therapy session", "90853": "a group therapy session"}


def session_words(code: str) -> str:
    return CODES.get(code, f"a session billed as {code}")


def usual_code(codes: Iterable[str]) -> str:
    """The code the practice books most (ties: the lowest code), else FALLBACK_CODE."""
    counts = Counter(normalize(code) for code in codes)
    if not counts:
        return FALLBACK_CODE
    return min(counts, key=lambda code: (-counts[code], code))


def source_label(source: str | None) -> str:
    """An answer's source in words; None (an answer stored before sources were) is a 271."""
    return SOURCES.get(source or "payer", f"payer ({source})")


def progress(amounts: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A deductible's or out-of-pocket maximum's total, remaining, amount met and share met
    (0-100, whole percent); None when the payer gave no total."""
    total = decimal_of((amounts or {}).get("total"))
    if total is None:
        return None
    remaining = decimal_of((amounts or {}).get("remaining"))
    if remaining is None:
        return {"total": total, "remaining": None, "met": None, "percent": None}
    met = max(Decimal(0), total - remaining)
    share = int(min(Decimal(100), met * 100 / total)) if total > 0 else 100
    return {"total": total, "remaining": remaining, "met": met, "percent": share}

