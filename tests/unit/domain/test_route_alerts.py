"""When a route's recent checks open or resolve its route_degraded alert."""

from __future__ import annotations

import pytest

from service.domain.route_alerts import RouteAlertRule, assess
from service.domain.route_health import Outcome, route_health

RULE = RouteAlertRule(min_checks=20, min_success=0.8, min_within_20s=0.8)


def _checks(answered: int, failed: int, *, ms: float = 900.0) -> list[Outcome]:
    return ([Outcome("active", None, ms)] * answered
            + [Outcome("error", "PAYER_TIMEOUT", 20_500.0)] * failed)


@pytest.mark.parametrize(("answered", "failed", "ms", "said"), [
    (0, 0, 900.0, None),               # no checks: nothing to say
    (16, 4, 900.0, "recovered"),       # 80 %: at the threshold
    (15, 5, 900.0, "degraded"),
    (10, 9, 900.0, None),              # under the threshold but only 19 checks
    (20, 0, 25_000.0, "degraded"),     # all answered, none within 20 seconds
    (3, 0, 900.0, "recovered"),        # a few good checks after the failures aged out
])
def test_a_route_is_judged_on_both_shares_once_it_has_enough_checks(
    answered: int, failed: int, ms: float, said: str | None,
) -> None:
    assert assess(route_health(_checks(answered, failed, ms=ms)), RULE) == said
