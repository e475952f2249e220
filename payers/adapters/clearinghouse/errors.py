"""The error objects of a clearinghouse's JSON reply: AAA rejections kept whole, refusals.

Clearinghouses in the Change Healthcare v3 shape (Optum, Stedi's legacy JSON) list errors in
``errors`` and, per person, in ``aaaErrors``: ``{"field": "AAA", "code": "72",
"description": ..., "followupAction": ..., "location": "Loop 2100C",
"possibleResolutions": ...}``. An error whose code is a two-character AAA reason is the
payer's rejection, i.e. data: it keeps its code, its follow-up action (spelled out in the
JSON, coded here), the loop it names (2100A payer, 2100B provider, 2100C subscriber, 2100D
dependent) and the vendor's own words. Any other code means the clearinghouse refused the
request itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

AAA_CODE = re.compile(r"^[0-9A-Z]{2}$")
FOLLOW_UP_CODE = re.compile(r"^[A-Z]$")
LOOP = re.compile(r"2[01]00([A-D])")
FOLLOW_UPS = {  # AAA04 descriptions as the APIs spell them out
    "please correct and resubmit": "C", "resubmission not allowed": "N",
    "please resubmit original transaction": "P", "resubmission allowed": "R",
    "do not resubmit; inquiry initiated to a third party": "S",
    "please wait 30 days and resubmit": "W", "please wait 10 days and resubmit": "X",
    "do not resubmit; we will hand over to the correct party": "Y",
}
TEXT_FIELDS = ("description", "possibleResolutions")


@dataclass(frozen=True)
class VendorRejection:
    """One AAA as the JSON gives it; ``level`` is the 2000 level letter it belongs to
    ("" when the JSON names no loop: the patient's level)."""

    level: str
    reason: str
    follow_up: str
    text: str


def error_objects(body: dict[str, Any]) -> list[dict[str, Any]]:
    """Every error object of the reply once (a clearinghouse may list one twice)."""
    errors = body.get("errors")
    found = [e for e in errors if isinstance(e, dict)] if isinstance(errors, list) else []
    for holder in (body.get("subscriber"), *(body.get("dependents") or [])):
        if isinstance(holder, dict):
            found += [e for e in holder.get("aaaErrors") or [] if isinstance(e, dict)]
    unique: dict[tuple[str, str], dict[str, Any]] = {}
    for e in found:
        unique.setdefault((str(e.get("code")), str(e.get("location", ""))), e)
    return list(unique.values())


def refusals(body: dict[str, Any]) -> list[str]:
    """Codes of errors that are not AAA rejections (the request itself was refused)."""
    return [str(e.get("code", "")) for e in error_objects(body)
            if not AAA_CODE.match(str(e.get("code", "")))]


def rejections(body: dict[str, Any]) -> list[VendorRejection]:
    """The payer's AAA rejections in the reply, in its order."""
    found: list[VendorRejection] = []
    for e in error_objects(body):
        code = str(e.get("code", ""))
        if not AAA_CODE.match(code):
            continue
        action = str(e.get("followupAction", "")).strip()
        follow = action if FOLLOW_UP_CODE.match(action) else FOLLOW_UPS.get(
            action.lower(), "C")
        loop = LOOP.search(str(e.get("location", "")).upper())
        text = " — ".join(str(e[k]).strip() for k in TEXT_FIELDS
                          if isinstance(e.get(k), str) and e[k].strip())
        found.append(VendorRejection(loop.group(1) if loop else "", code, follow, text))
    return found
