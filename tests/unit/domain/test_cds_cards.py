"""Cards from verdicts: indicators, summaries within 140 characters, reasons in words."""

from __future__ import annotations

import pytest

from service.domain.cds_cards import SUMMARY_MAX, summary, verdict_card

SOURCE = {"label": "Coverwatch insurance verification"}
ESTIMATE = {"amount": "25.00", "basis": "copay", "allowed_amount": None, "assumptions": []}


def verdict(status, *reasons):
    return {"status": status, "authorization_id": None, "estimate": ESTIMATE,
            "reasons": [{"code": code, "severity": severity, "message": message, "data": {}}
                        for code, severity, message in reasons]}


@pytest.mark.parametrize(("status", "indicator"), [
    ("covered", "info"), ("at_risk", "warning"), ("not_covered", "critical")])
def test_the_indicator_follows_the_verdict(status, indicator):
    card = verdict_card(card_id="c1", verdict=verdict(status), what="90837 on 2026-11-16",
                        source=SOURCE, links=[])
    assert card["indicator"] == indicator


def test_a_long_reason_is_cut_to_140_characters_with_an_ellipsis():
    long = "An authorization is required " + "and more " * 30
    card = verdict_card(card_id="c1", verdict=verdict("not_covered", ("AUTH_REQUIRED", "block",
                                                                      long)),
                        what="90837 on 2026-11-16", source=SOURCE, links=[])
    assert len(card["summary"]) == SUMMARY_MAX and card["summary"].endswith("…")
    assert summary("short") == "short"


def test_the_headline_takes_the_first_clause_and_the_detail_every_reason():
    card = verdict_card(card_id="c1", verdict=verdict(
        "not_covered", ("AUTH_EXPIRED", "block", "Authorization PA-1 ended on 2026-12-31: "
                        "request a new one."),
        ("CPT_TIME_MISMATCH", "warn", "40 minutes do not fit 90837.")),
        what="90837 on 2027-01-05", source=SOURCE, links=[])
    assert card["summary"] == ("Not covered: 90837 on 2027-01-05 - Authorization PA-1 ended "
                               "on 2026-12-31")
    assert card["detail"] == ("- Authorization PA-1 ended on 2026-12-31: request a new one. "
                              "(AUTH_EXPIRED)\n- 40 minutes do not fit 90837. "
                              "(CPT_TIME_MISMATCH)")


def test_a_covered_visit_shows_the_clients_share_and_a_not_covered_one_does_not():
    covered = verdict_card(card_id="c1", verdict=verdict("covered"), what="x", source=SOURCE,
                           links=[])
    assert covered["detail"] == "- Estimated client share $25.00 (copay)."
    assert "$25.00" in covered["summary"]
    refused = verdict_card(card_id="c2", verdict=verdict(
        "not_covered", ("COVERAGE_INACTIVE", "block", "Coverage is inactive.")), what="x",
        source=SOURCE, links=[])
    assert "$" not in refused["detail"]
