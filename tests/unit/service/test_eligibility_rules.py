"""Eligibility outcomes in front-desk terms: statuses, next steps, cache keys."""

import pytest

from payers.base import PayerErrorCode
from service.domain.eligibility import (
    ACTIONS,
    DEFAULT_ACTION,
    ERROR_MESSAGES,
    normalize_service_types,
    status_of,
    with_actions,
)


@pytest.mark.parametrize(
    ("summary", "status"),
    [({"active": True, "rejections": []}, "active"),
     ({"active": False, "rejections": []}, "inactive"),
     ({"active": None, "rejections": [{"code": "72"}]}, "rejected"),
     ({"active": None, "rejections": []}, "error")],
)
def test_the_status_follows_the_summary(summary, status):
    assert status_of(summary) == status


def test_every_payer_error_code_has_a_message_for_the_front_desk():
    assert {code.value for code in PayerErrorCode} <= set(ERROR_MESSAGES)


def test_the_rejections_the_front_desk_meets_most_have_their_own_next_step():
    for code in ("42", "72", "73", "75", "15"):
        assert ACTIONS[code] != DEFAULT_ACTION
    enriched = with_actions([{"code": "72", "loop": "2100C"}, {"code": "ZZ", "loop": "2000A"}])
    assert enriched[0]["action"].startswith("The member ID was not recognized")
    assert enriched[1]["action"] == DEFAULT_ACTION
    assert enriched[0]["loop"] == "2100C"


def test_service_types_are_normalized_into_one_cache_key():
    assert normalize_service_types(["mh", "A6", " MH ", ""]) == ("A6", "MH")
