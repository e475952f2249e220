"""Whether a 278 is about a coverage's member: the people it names against the coverage's."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

from payers.x12.parties import Dependent, Subscriber, as_subscriber, has_dependent_level
from payers.x12.x278 import Member

# Each mismatch a 278 import can be refused for, with the message it gives. The messages
# name the part that differs and never the data (no names, ids or dates).
MISMATCHES: dict[str, str] = {
    "X278_NO_SUBSCRIBER": "The 278 names no subscriber (loop 2010C).",
    "X278_SUBSCRIBER_ID_MISMATCH": "The 278's subscriber member id does not match this "
                                   "coverage.",
    "X278_SUBSCRIBER_NAME_MISMATCH": "The 278's subscriber name does not match this coverage.",
    "X278_SUBSCRIBER_BIRTH_DATE_MISMATCH": "The 278's subscriber birth date does not match "
                                           "this coverage.",
    "X278_PATIENT_NOT_DEPENDENT": "The 278 is for a dependent of the subscriber, but this "
                                  "coverage's patient is the subscriber.",
    "X278_PATIENT_MISSING": "The 278 is for the subscriber, but this coverage's patient is a "
                            "dependent without an own member id.",
    "X278_PATIENT_NAME_MISMATCH": "The 278's patient (dependent) name does not match this "
                                  "coverage's patient.",
    "X278_PATIENT_BIRTH_DATE_MISMATCH": "The 278's patient (dependent) birth date does not "
                                        "match this coverage's patient.",
}


@dataclass(frozen=True)
class Mismatch:
    code: str
    message: str


def mismatches(*, subscriber: Member | None, dependent: Member | None,
               expected: Subscriber, expected_dependent: Dependent | None) -> list[Mismatch]:
    """How the people a 278 names differ from the coverage's, as the 270 and 278 builders
    place them (a patient with an own member id is the subscriber). Empty when they match.

    Compared sensibly: letters and digits only, whatever the case or accents; a first name
    matches when one is the start of the other (payers truncate and send initials); a birth
    date or first name the 278 leaves out is not held against it."""
    if expected_dependent is not None and not has_dependent_level(expected_dependent):
        expected, expected_dependent = as_subscriber(expected_dependent), None
    if subscriber is None:
        return [_found("X278_NO_SUBSCRIBER")]
    found: list[str] = []
    if _plain(subscriber.member_id) != _plain(expected.member_id):
        found.append("X278_SUBSCRIBER_ID_MISMATCH")
    found += _person(subscriber, expected.name.last, expected.name.first, expected.birth_date,
                     "SUBSCRIBER")
    if expected_dependent is None and dependent is not None:
        found.append("X278_PATIENT_NOT_DEPENDENT")
    elif expected_dependent is not None and dependent is None:
        found.append("X278_PATIENT_MISSING")
    elif expected_dependent is not None and dependent is not None:
        found += _person(dependent, expected_dependent.name.last, expected_dependent.name.first,
                         expected_dependent.birth_date, "PATIENT")
    return [_found(code) for code in found]


def _person(named: Member, last: str, first: str | None, birth: date | None,
            part: str) -> list[str]:
    found: list[str] = []
    given, wanted = _plain(named.first_name), _plain(first)
    if _plain(named.last_name) != _plain(last) or (
            given and wanted and not (given.startswith(wanted) or wanted.startswith(given))):
        found.append(f"X278_{part}_NAME_MISMATCH")
    if named.birth_date is not None and birth is not None and named.birth_date != birth:
        found.append(f"X278_{part}_BIRTH_DATE_MISMATCH")
    return found


def _plain(value: str | None) -> str:
    # X12's basic character set has no accents: JOSÉ on the card is JOSE in the 278.
    decomposed = unicodedata.normalize("NFKD", (value or "").upper())
    return "".join(c for c in decomposed if c.isascii() and c.isalnum())


def _found(code: str) -> Mismatch:
    return Mismatch(code, MISMATCHES[code])
