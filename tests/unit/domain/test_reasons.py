"""The catalogue of verdict reasons and their JSON shape."""

from service.domain.reasons import REASON_CODES, Reason, reason


def test_every_reason_code_has_a_valid_severity_and_a_description():
    for code, (severity, description) in REASON_CODES.items():
        assert code.isupper()
        assert severity in ("block", "warn", "info")
        assert description.endswith(".")


def test_a_reason_takes_its_severity_from_the_catalogue():
    made = reason("AUTH_LOW", "Few visits left.", remaining=1, code="90837")
    assert made == Reason("AUTH_LOW", "warn", "Few visits left.", {"remaining": 1,
                                                                    "code": "90837"})


def test_a_reason_becomes_a_json_ready_dict():
    made = reason("AUTH_EXPIRED", "Ended.", ended="2026-06-30")
    assert made.to_dict() == {"code": "AUTH_EXPIRED", "severity": "block",
                              "message": "Ended.", "data": {"ended": "2026-06-30"}}
