"""Builders of authorizations, visits, coverage states and summaries for the domain tests."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from service.domain.allocation import AuthState, VisitSpec
from service.domain.verdict import CoverageState

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
NPI_A = "1234567893"
NPI_B = "1245319599"


def auth(**overrides: Any) -> AuthState:
    """An approved authorization of 3 visits for 90837, first half of 2026, none counted."""
    fields: dict[str, Any] = {
        "id": "auth-1", "number": "PA-1001", "status": "approved", "unit": "visit",
        "quantity": 3, "minutes_per_unit": None, "start_date": date(2026, 1, 1),
        "end_date": date(2026, 6, 30), "codes": frozenset({"90837"}), "provider_npi": None,
        "used": 0, "reserved": 0,
    }
    fields.update(overrides)
    return AuthState(**fields)


def visit(**overrides: Any) -> VisitSpec:
    fields: dict[str, Any] = {"date": date(2026, 3, 9), "code": "90837", "minutes": 55}
    fields.update(overrides)
    return VisitSpec(**fields)


def summary(**overrides: Any) -> dict[str, Any]:
    """An active plan through 2026 with a $25 copay and nothing else of note."""
    share = {"copay": None, "coinsurance": None,
             "deductible": {"total": None, "remaining": None},
             "out_of_pocket": {"total": None, "remaining": None}}
    result: dict[str, Any] = {
        "active": True,
        "plan": {"name": "Gold PPO", "group_number": "G1", "begin": "2026-01-01",
                 "end": "2026-12-31"},
        "in_network": {**share, "copay": "25.00"}, "out_of_network": dict(share),
        "visit_limit": {"total": None, "remaining": None, "period": None},
        "auth_required": None, "carve_out": None, "messages": [], "rejections": [],
    }
    result.update(overrides)
    return result


def coverage(**overrides: Any) -> CoverageState:
    """Verified active the day before NOW."""
    checked = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    fields: dict[str, Any] = {"network": "in", "last_check_status": "active",
                              "last_check_at": checked, "last_answer_at": checked,
                              "summary": summary()}
    fields.update(overrides)
    return CoverageState(**fields)
