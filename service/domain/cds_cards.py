"""CDS Hooks cards from verdicts: the indicator, a summary that fits, the reasons in words."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

# covered -> info, at risk -> warning, not covered -> critical (CDS Hooks 2.0 indicators).
INDICATORS = {"covered": "info", "at_risk": "warning", "not_covered": "critical"}
HEADLINES = {"covered": "Covered", "at_risk": "At risk", "not_covered": "Not covered"}
SUMMARY_MAX = 140  # characters, the specification's limit
SOURCE_LABEL = "Coverwatch insurance verification"
# Reasons that a new eligibility answer would settle: the card suggests asking the payer.
ASK_THE_PAYER = frozenset({"ELIGIBILITY_UNVERIFIED", "ELIGIBILITY_CHECK_FAILED",
                           "COVERAGE_INACTIVE", "PLAN_RENEWAL_UNVERIFIED",
                           "VISIT_LIMIT_UNVERIFIED"})


def summary(text: str) -> str:
    """The text cut to the specification's 140 characters, an ellipsis marking a cut."""
    return text if len(text) <= SUMMARY_MAX else text[:SUMMARY_MAX - 1].rstrip() + "…"


def verdict_card(*, card_id: str, verdict: Mapping[str, Any], what: str, source: dict[str, Any],
                 links: Sequence[dict[str, Any]],
                 suggestions: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
    """One appointment's card. `what` names the appointment ("90837 on 2026-11-16")."""
    status = verdict["status"]
    reasons = verdict["reasons"]
    lines = [f"- {r['message']} ({r['code']})" for r in reasons]
    # What the client would owe means little for a visit insurance will not pay.
    share = _share(verdict.get("estimate")) if status != "not_covered" else None
    if share:
        lines.append(f"- {share}")
    headline = f"{HEADLINES[status]}: {what}"
    blocking = [r for r in reasons if r["severity"] in ("block", "warn")]
    if blocking:
        # The sentence's first clause (before its advice) is the headline's reason.
        headline += f" - {blocking[0]['message'].split(':')[0].rstrip('.')}"
    elif share:
        headline += f" - {share}"
    card: dict[str, Any] = {
        "uuid": card_id, "summary": summary(headline), "indicator": INDICATORS[status],
        "source": source, "links": list(links),
    }
    if lines:
        card["detail"] = "\n".join(lines)
    if suggestions:
        card["suggestions"] = list(suggestions)
        card["selectionBehavior"] = "at-most-one"
    return card


def notice_card(*, card_id: str, indicator: str, text: str, detail: str,
                source: dict[str, Any], links: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
    """A card about what kept an appointment from being judged (no code, no coverage...)."""
    card: dict[str, Any] = {"uuid": card_id, "summary": summary(text), "indicator": indicator,
                            "detail": detail, "source": source}
    if links:
        card["links"] = list(links)
    return card


def asks_the_payer(verdict: Mapping[str, Any]) -> bool:
    return any(r["code"] in ASK_THE_PAYER for r in verdict["reasons"])


def _share(estimate: Mapping[str, Any] | None) -> str | None:
    if not estimate or estimate.get("amount") is None:
        return None
    return f"Estimated client share ${estimate['amount']} ({estimate['basis']})."
