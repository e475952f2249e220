"""Per-provider mix of 90832/90834/90837, flagging providers who bill 90837 for nearly all."""

import pytest

from service.domain.codemix import MIN_SESSIONS, code_mix
from tests.unit.domain.builders import NPI_A, NPI_B


def rows(npi, **counts):
    return [(npi, code) for code, n in counts.items() for _ in range(n)]


def test_each_provider_gets_counts_sessions_and_the_90837_share():
    mix = code_mix(rows(NPI_A, **{"90832": 1, "90834": 2, "90837": 3}))
    assert mix == [{"provider_npi": NPI_A,
                    "counts": {"90832": 1, "90834": 2, "90837": 3}, "sessions": 6,
                    "share_90837": 0.5, "flagged": False}]


def test_the_share_is_rounded_to_three_places():
    assert code_mix(rows(NPI_A, **{"90834": 1, "90837": 2}))[0]["share_90837"] == 0.667


def test_a_provider_above_the_threshold_with_enough_sessions_is_flagged():
    mix = code_mix(rows(NPI_A, **{"90834": 1, "90837": 9}))
    assert mix[0]["share_90837"] == 0.9 and mix[0]["flagged"]


def test_a_share_equal_to_the_threshold_is_not_flagged():
    mix = code_mix(rows(NPI_A, **{"90834": 2, "90837": 8}))
    assert mix[0]["share_90837"] == 0.8 and not mix[0]["flagged"]


def test_too_few_sessions_are_never_flagged():
    mix = code_mix(rows(NPI_A, **{"90837": MIN_SESSIONS - 1}))
    assert mix[0]["share_90837"] == 1.0 and not mix[0]["flagged"]
    assert MIN_SESSIONS == 10


def test_the_threshold_is_a_parameter():
    mix = code_mix(rows(NPI_A, **{"90834": 4, "90837": 6}), threshold=0.5)
    assert mix[0]["flagged"]


def test_codes_other_than_individual_psychotherapy_are_not_counted():
    mix = code_mix([(NPI_A, "90853"), (NPI_A, "90791"), (NPI_A, " 90837 ")])
    assert mix[0]["counts"] == {"90832": 0, "90834": 0, "90837": 1}
    assert mix[0]["sessions"] == 1


def test_a_provider_with_no_individual_sessions_is_listed_with_a_zero_share():
    assert code_mix([(NPI_B, "90853")]) == [{
        "provider_npi": NPI_B, "counts": {"90832": 0, "90834": 0, "90837": 0},
        "sessions": 0, "share_90837": 0.0, "flagged": False}]


def test_providers_are_sorted_by_share_then_sessions_with_unknown_providers_last():
    data = (rows(NPI_A, **{"90834": 1, "90837": 1}) + rows(NPI_B, **{"90837": 2})
            + rows(None, **{"90837": 2}) + rows("1111111112", **{"90837": 5}))
    order = [r["provider_npi"] for r in code_mix(data)]
    assert order == ["1111111112", NPI_B, None, NPI_A]


def test_no_visits_give_an_empty_report():
    assert code_mix([]) == []


@pytest.mark.parametrize("threshold", [-0.1, 1.5])
def test_the_threshold_must_be_a_share(threshold):
    with pytest.raises(ValueError, match="threshold"):
        code_mix([], threshold=threshold)
