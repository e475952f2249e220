"""Checks for the identifiers a billing person types: NPI, tax id, member id, X12-safe names."""

from __future__ import annotations

import re

# X12 can carry letters, digits and a little punctuation in names; the delimiters a payer
# may use (* ~ : ^ | > and control characters) would corrupt the 270, so they are refused.
NAME_RE = re.compile(r"^[A-Za-z0-9 '.\-]+$")
MEMBER_ID_RE = re.compile(r"^[A-Za-z0-9-]+$")
GROUP_NUMBER_RE = re.compile(r"^[A-Za-z0-9-]+$")
X12_DELIMITERS = {
    "*": "asterisk", "~": "tilde", ":": "colon", "^": "caret", "|": "pipe", ">": "'>'",
}


def ascii_digits(value: str) -> bool:
    """Only the digits 0-9: str.isdigit also takes "¹" and "١٢٣", which int() or a payer
    cannot read."""
    return value.isascii() and value.isdigit()


def npi_is_valid(npi: str) -> bool:
    """Luhn check digit over the NPI with the 80840 card-issuer prefix (CMS NPI standard)."""
    if len(npi) != 10 or not ascii_digits(npi):
        return False
    digits = [int(c) for c in "80840" + npi[:9]]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return (10 - total % 10) % 10 == int(npi[9])


def tax_id_is_valid(tax_id: str) -> bool:
    """An employer identification number: nine digits, optionally written 12-3456789."""
    return re.fullmatch(r"[0-9]{9}|[0-9]{2}-[0-9]{7}", tax_id) is not None


def text_problem(value: str, *, allowed: re.Pattern[str], what: str) -> str | None:
    """Why `value` cannot be sent in X12, in words that never repeat the value itself."""
    for ch in value:
        if ch in X12_DELIMITERS:
            return f"{what} must not contain the {X12_DELIMITERS[ch]} character (an X12 delimiter)"
        if ord(ch) < 32 or ord(ch) == 127:
            return f"{what} must not contain control characters"
    if value != value.strip():
        return f"{what} must not start or end with a space"
    if not allowed.match(value):
        return f"{what} has characters X12 cannot carry"
    return None
