"""The reasons a verdict can give: stable codes, their severity and what they mean."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Severity = Literal["block", "warn", "info"]

# Every code a verdict can carry. "block" makes the visit not covered, "warn" at risk.
REASON_CODES: dict[str, tuple[Severity, str]] = {
    "COVERAGE_INACTIVE": ("block", "The latest eligibility answer says coverage is inactive."),
    "COVERAGE_ENDS_BEFORE_VISIT": (
        "block", "The member's eligibility end date reported by the payer is before the visit "
                 "date."),
    "PLAN_RENEWAL_UNVERIFIED": (
        "warn", "The plan year ends before the visit date and the payer has not yet confirmed "
                "its renewal: re-check on or after the renewal date."),
    "COVERAGE_ENDED": (
        "block", "The practice ended this coverage before the visit date."),
    "ELIGIBILITY_UNVERIFIED": (
        "warn", "No eligibility answer within the configured number of days, or never."),
    "ELIGIBILITY_CHECK_FAILED": (
        "warn", "The latest eligibility check was rejected by the payer or got no answer."),
    "CODE_NOT_COVERED": (
        "block", "The payer reports this service (or mental health as a whole) as not covered."),
    "CARVE_OUT": (
        "warn", "Behavioral-health benefits are administered by another company."),
    "PROVIDER_OUT_OF_NETWORK": (
        "warn", "The coverage is booked in network but the payer says the provider asked about "
                "is out of network; the estimate uses the out-of-network figures."),
    "OTHER_COVERAGE_REPORTED": (
        "warn", "The payer names another payer for the client, which may be primary."),
    "MH_BENEFITS_NOT_REPORTED": (
        "warn", "The payer answered but said nothing about mental-health benefits beyond the "
                "plan: call the payer."),
    "VISIT_LIMIT_REACHED": ("block", "The plan's visit limit is used up before this visit."),
    "VISIT_LIMIT_LOW": (
        "warn", "Few visits of the plan's limit remain after this visit."),
    "VISIT_LIMIT_UNVERIFIED": (
        "warn", "The visit falls in a new period of the plan's visit limit: counted against "
                "the full limit until a new answer confirms it."),
    "AUTH_REQUIRED": (
        "block", "An authorization is required for this visit and none on file fits it."),
    "AUTH_NOT_APPROVED": (
        "block", "The closest authorization on file is pending or denied."),
    "AUTH_NOT_STARTED": (
        "block", "The closest authorization on file starts after the visit date."),
    "AUTH_EXPIRED": ("block", "The closest authorization on file ended before the visit date."),
    "AUTH_EXHAUSTED": (
        "block", "The closest authorization on file has too few visits or units left, "
                 "counting visits already scheduled."),
    "AUTH_CODE_NOT_COVERED": (
        "block", "The closest authorization on file does not cover this procedure code."),
    "AUTH_PROVIDER_MISMATCH": (
        "block", "The closest authorization on file is for a different provider."),
    "AUTH_LOW": (
        "warn", "Few visits or units remain on the authorization after this visit."),
    "AUTH_EXPIRING": (
        "warn", "The authorization ends soon after the visit date."),
    "CPT_TIME_MISMATCH": (
        "warn", "The visit's minutes do not fit its procedure code's time rule."),
}


@dataclass(frozen=True)
class Reason:
    """One finding; `data` holds JSON-ready values (dates as ISO strings)."""

    code: str
    severity: Severity
    message: str
    data: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "severity": self.severity, "message": self.message,
                "data": dict(self.data)}


def reason(code: str, message: str, /, **data: Any) -> Reason:
    """A reason whose severity comes from REASON_CODES, so a code's severity never varies."""
    return Reason(code, REASON_CODES[code][0], message, data)
