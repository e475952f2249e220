"""Eligibility outcomes in front-desk terms: the status of a check and what to do next."""

from __future__ import annotations

from typing import Any

# A check is answered when the payer said whether coverage is in force; a verdict reads its
# benefits from the newest answered check, and a later rejected or failed one does not erase it.
ANSWERED = ("active", "inactive")
# Every status a stored check can have: pending while the payer is asked.
CHECK_STATUSES = ("pending", *ANSWERED, "rejected", "error")

# What the front desk should do for each AAA reject reason (X12 element 901). Codes not
# listed fall back to DEFAULT_ACTION; the payer's own description is shown beside it.
ACTIONS = {
    "04": "Too many requests were sent at once; try again in a few minutes.",
    "15": "The payer says information is missing: check member ID, name and birth date "
          "against the card and try again.",
    "41": "The payer refused this practice's access: call the payer's provider services line.",
    "42": "The payer's system is not answering right now; try again in a few minutes.",
    "43": "The payer did not accept the practice's NPI: ask billing to confirm the NPI on file "
          "with this payer.",
    "44": "The payer did not accept the practice's name: ask billing to check how the practice "
          "is enrolled with this payer.",
    "50": "The payer says this provider may not make eligibility inquiries: call the payer's "
          "provider services line.",
    "51": "The payer has no record of this provider: ask billing to check enrollment with this "
          "payer.",
    "56": "The payer did not accept the date of service: check the visit date and try again.",
    "57": "The payer did not accept the date of service: check the visit date and try again.",
    "58": "The birth date was not accepted — check it against the card and try again.",
    "62": "The payer did not accept the date of service: check the visit date and try again.",
    "63": "The date of service is in the future beyond what the payer answers for; check "
          "closer to the visit.",
    "64": "The patient's name or birth date does not match the payer's records — check the card.",
    "65": "The patient's name does not match the payer's records — check the spelling on the "
          "card and try again.",
    "66": "The patient's gender does not match the payer's records — check it and try again.",
    "67": "The payer could not find this patient — check member ID, name and birth date.",
    "68": "The payer found more than one match: add the member ID from the card and try again.",
    "71": "The birth date does not match the payer's records — check it against the card.",
    "72": "The member ID was not recognized — check the card and try again.",
    "73": "The name does not match the payer's records — check the spelling on the card and "
          "try again.",
    "75": "The payer could not find this subscriber — check member ID, name and birth date "
          "against the card.",
    "76": "The payer found a duplicate member ID: call the payer to confirm the right ID.",
    "79": "The payer id in the payer directory is wrong: tell the practice's administrator.",
    "80": "The payer's system is not answering right now; try again in a few minutes.",
}
DEFAULT_ACTION = "The payer could not answer: call the payer with the card at hand."

ERROR_MESSAGES = {
    "PAYER_TIMEOUT": "The payer did not answer in time; try again in a few minutes.",
    "PAYER_UNAVAILABLE": "The payer's system could not be reached; try again in a few minutes.",
    "PAYER_RESPONSE_INVALID": "The payer's reply could not be used; try again, and call the "
                              "payer if it happens again.",
    "PAYER_ENVELOPE_ERROR": "The payer's gateway refused the inquiry; tell the practice's "
                            "administrator.",
    "PAYER_AUTH_FAILED": "The payer refused our credentials; tell the practice's administrator.",
    "PAYER_CIRCUIT_OPEN": "The payer has been failing; we are pausing inquiries to it for a "
                          "short while. Try again in a minute.",
    "PAYER_BUSY": "Too many inquiries to this payer are running; try again shortly.",
    "PAYER_NOT_CONFIGURED": "This payer's connection is not set up; tell the practice's "
                            "administrator.",
    "PAYER_REQUEST_INVALID": "The inquiry could not be built from this coverage's data; check "
                             "the names, ids and the provider's NPI.",
    "PAYER_RESEND_TOO_SOON": "The last inquiry may still reach the payer; payer rules allow a "
                             "new one 90 seconds after it.",
    "ELIGIBILITY_UNDETERMINED": "The payer answered without saying whether coverage is active; "
                                "call the payer.",
    "CHECK_FAILED": "The reply could not be processed; it was kept for review. Try again later.",
    "CHECK_ABANDONED": "The check stopped before the payer's answer was stored; the inquiry may "
                       "have reached the payer. Try again.",
}


def status_of(summary: dict[str, Any]) -> str:
    """active / inactive / rejected from a summary, or 'error' when the payer said nothing."""
    if summary.get("active") is True:
        return "active"
    if summary.get("active") is False:
        return "inactive"
    if summary.get("rejections"):
        return "rejected"
    return "error"


def with_actions(rejections: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each rejection as the summary gives it, plus the sentence the front desk can follow."""
    return [{**r, "action": ACTIONS.get(str(r.get("code")), DEFAULT_ACTION)} for r in rejections]


def normalize_service_types(codes: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Upper-case, de-duplicated, sorted: two requests for the same codes share a cache key."""
    return tuple(sorted({c.strip().upper() for c in codes if c.strip()}))
