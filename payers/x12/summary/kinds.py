"""Service types as the summary ranks them: precedence, and which EB03 lists matter."""

from __future__ import annotations

from payers.x12.codes import BEHAVIORAL_HEALTH_SERVICE_TYPES, ServiceType

# Precedence of service types, most specific first (see payers.x12.summary for the rules).
RANK = {"A6": 0, "CF": 1, "A8": 2, "MH": 3, "30": 5}
COPAY_RANK = {"A6": 0, "CF": 1, "A8": 2, "MH": 3, "98": 4, "30": 5}
NONE = 99

# (rank, rank << 40, copay rank << 40, behavioral, plan level) of a service type or list.
Info = tuple[int, int, int, bool, bool]
# Repetition separator -> repeated EB03 text -> its Info (None: unrelated). Payers repeat
# the same lists, so each distinct list is classified once.
LISTS: dict[str, dict[str, Info | None]] = {}


def classify_list(raw: str, repetition: str, lists: dict[str, Info | None]) -> Info | None:
    """Classify a repeated EB03 and remember it in ``lists`` (bounded)."""
    if len(lists) > 4096:
        lists.clear()
    info = lists[raw] = _classify([c for c in raw.split(repetition) if c])
    return info


def _classify(types: list[str]) -> Info | None:
    """The Info of a service type list; None if unrelated."""
    rank = min([RANK.get(c, NONE) for c in types], default=NONE)
    copay_rank = min([COPAY_RANK.get(c, NONE) for c in types], default=NONE)
    behavioral = not BEHAVIORAL_HEALTH_SERVICE_TYPES.isdisjoint(types)
    if copay_rank == NONE and not behavioral:
        return None
    return rank, rank << 40, copay_rank << 40, behavioral, "30" in types


# Single service types that matter to the summary; every other one is dismissed at once.
CLASSES: dict[str, Info | None] = {
    code: _classify([code]) for code in {*COPAY_RANK, *BEHAVIORAL_HEALTH_SERVICE_TYPES}
}
# Published service types that do not matter: the common EB costs one set lookup. Lists, an
# absent EB03, unpublished codes and 1 (medical care: another payer for it, EB*R, matters)
# are looked at further.
UNRELATED_TYPES = frozenset(c.value for c in ServiceType if c.value not in CLASSES) - {"1"}
