"""Change detection between two answered summaries of a coverage."""

from __future__ import annotations

import copy

from service.domain.benefit_changes import compare, sentence

BEFORE = {
    "active": True, "plan": {"name": "PPO", "begin": "2026-01-01", "end": "2026-12-31"},
    "in_network": {"copay": "25.00", "coinsurance": "0.1",
                   "deductible": {"total": "500.00", "remaining": "125.50"},
                   "out_of_pocket": {"total": "3000.00", "remaining": "2200.00"}},
    "out_of_network": {"copay": "50.00", "coinsurance": "0.4",
                       "deductible": {"total": "1500.00", "remaining": "1500.00"},
                       "out_of_pocket": {"total": "6000.00", "remaining": "6000.00"}},
    "visit_limit": {"total": 20, "remaining": 8, "period": "calendar year"},
    "auth_required": False, "carve_out": None,
}


def changed(**edits):
    after = copy.deepcopy(BEFORE)
    for path, value in edits.items():
        node = after
        *parents, leaf = path.split("__")
        for name in parents:
            node = node[name]
        node[leaf] = value
    return after


def fields(after, network="in", before_status="active", after_status="active"):
    return {c["field"]: (c["before"], c["after"])
            for c in compare(BEFORE, before_status, after, after_status, network=network)}


def test_the_same_summary_has_no_changes():
    assert compare(BEFORE, "active", copy.deepcopy(BEFORE), "active", network="in") == []


def test_each_benefit_of_the_coverages_network_is_compared():
    after = changed(in_network__copay="40.00", in_network__coinsurance="0.2",
                    in_network__deductible__total="750.00",
                    in_network__out_of_pocket__remaining="1000.00",
                    visit_limit__total=30, visit_limit__remaining=12, auth_required=True,
                    plan__end="2026-06-30")
    assert fields(after) == {
        "copay": ("25.00", "40.00"), "coinsurance": ("0.1", "0.2"),
        "deductible": ("500.00", "750.00"), "out_of_pocket_remaining": ("2200.00", "1000.00"),
        "visit_limit": (20, 30), "visit_limit_remaining": (8, 12),
        "auth_required": (False, True), "plan_end": ("2026-12-31", "2026-06-30")}


def test_out_of_network_coverages_compare_out_of_network_benefits():
    after = changed(in_network__copay="40.00", out_of_network__copay="60.00")
    assert fields(after, network="out") == {"copay": ("50.00", "60.00")}


def test_termination_and_carve_out_are_changes():
    after = changed(carve_out={"name": "Sandbox BHO", "payer_id": "SBHO", "phone": None})
    assert fields(after, after_status="inactive") == {
        "status": ("active", "inactive"), "carve_out": (None, "Sandbox BHO")}


def test_sentences_read_plainly():
    assert sentence({"field": "copay", "label": "Copay", "before": "25.00",
                     "after": "40.00"}) == "Copay changed from 25.00 to 40.00."
    assert sentence({"field": "auth_required", "label": "Prior authorization required",
                     "before": False, "after": True}) == \
        "Prior authorization required changed from no to yes."
    assert sentence({"field": "visit_limit", "label": "Visit limit", "before": None,
                     "after": 20}) == "Visit limit changed from not stated to 20."
    assert "now inactive" in sentence({"field": "status", "label": "Coverage",
                                       "before": "active", "after": "inactive"})
