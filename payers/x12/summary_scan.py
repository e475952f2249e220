"""One pass over a level's EB segments collecting the candidates the summary ranks."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from payers.x12.codes import (
    ACTIVE_CODES,
    BEHAVIORAL_HEALTH_SERVICE_TYPES,
    INACTIVE_CODES,
    TimePeriod,
)
from payers.x12.summary_types import Amounts, CarveOut, CostShare, VisitLimit
from payers.x12.x271 import Benefit, Level, Party, parse_amount

# Precedence of service types, most specific first (see payers.x12.summary for the rules).
RANK = {"A6": 0, "CF": 1, "A8": 2, "MH": 3, "30": 5}
COPAY_RANK = {"A6": 0, "CF": 1, "A8": 2, "MH": 3, "98": 4, "30": 5}
NONE = 99
# EB12 -> preference for the wanted network (lower is better); absent = other network.
PREFERENCES = {
    "Y": {"Y": 0, "W": 1, "": 2, "U": 2},
    "N": {"N": 0, "W": 1, "": 2, "U": 2},
}
_COVERAGE_ORDER = {"IND": 0, "": 0, "EMP": 1}
_TOTAL_PERIODS = frozenset({"", "21", "22", "23", "25", "32"})
_REMAINING_PERIODS = frozenset({"29", "33"})
_CARVE_OUT_ENTITIES = frozenset({"VN", "X3", "Y2", "PR", "PRP", "2B"})
_PAYER_ID_QUALIFIERS = frozenset({"PI", "XV", "NI"})
_STATUS_CODES = ACTIVE_CODES | INACTIVE_CODES
_HUNDRED = Decimal(100)


class BenefitScan:
    """One pass over a level's EB segments, keeping only what the summary can use.

    Most EBs of a real 271 are about other services; they are dismissed after a dictionary
    lookup of their service type. Candidates keep raw element text; amounts are converted
    only for the chosen ones.
    """

    def __init__(self, level: Level) -> None:
        self.level = level
        self.status: list[tuple[int, str]] = []  # plan-level EB01 1-8: (index, EB01)
        self.mh_status: list[tuple[int, str]] = []  # EB01 1-8 on a behavioral-health type
        # (EB01, kind) -> [(ranking key without network, EB12, index, amount text, EB03, EB02)]
        self.candidates: dict[tuple[str, str], list[_Candidate]] = {}
        # visit counts: (rank, EB12, index, quantity text, period, position, element name)
        self.visits: list[tuple[int, str, int, str, str, int, str]] = []
        self.auth: list[tuple[int, str, bool]] = []  # (rank, EB12, EB11 == Y)
        self.carve_out: CarveOut | None = None
        self.messages: list[str] = []
        self._amounts: dict[tuple[int, int], Decimal | None] = {}
        repetition = level.delimiters.repetition
        element = level.delimiters.element
        classes, statuses = _CLASSES, _STATUS_CODES
        attachments = level.attachments
        for index, text in enumerate(level.benefit_texts):
            e = text.split(element)
            n = len(e)
            raw = e[3] if n > 3 else ""
            info = classes.get(raw)
            if info is None:
                if repetition is None or repetition not in raw:
                    if not raw and n > 1 and e[1] in statuses:
                        self.status.append((index, e[1]))
                    continue  # the common case: a benefit for some other service
                info = _classify_list(raw, repetition)
                if info is None:
                    continue
            elif info[0] == NONE and e[1] not in statuses and e[1] != "B" and (
                    e[1] != "U" and index not in attachments):
                # A behavioral-health type outside the precedence (A4, AI...) or 98: only
                # status, copay, contact entities and attached notes matter.
                continue
            self._relevant(index, e, n, raw, info)

    def _relevant(self, index: int, e: list[str], n: int, raw: str,
                  info: tuple[int, int, bool, bool]) -> None:
        rank, copay_rank, behavioral, plan_level = info
        code = e[1]
        attached = self.level.attachments.get(index)
        if code in _STATUS_CODES:
            if plan_level:
                self.status.append((index, code))
            elif behavioral:
                self.mh_status.append((index, code))
        if behavioral and (attached is not None or code == "U"):
            self._behavioral_details(attached or [], code)
        if copay_rank == NONE or (n > 13 and e[13]):
            return  # not about therapy, or limited to one procedure code
        network = e[12] if n > 12 else ""
        period = e[6] if n > 6 else ""
        coverage = _COVERAGE_ORDER.get(e[2], 2)
        if code == "B":
            if n > 7 and e[7]:
                per_visit = 0 if period in ("", "27") else 1
                self._add("B", "copay", (copay_rank, coverage, per_visit, index), network,
                          index, e[7], raw, e[2])
        elif rank != NONE and code == "A":
            if n > 8 and e[8]:
                self._add("A", "rate", (rank, coverage, index), network, index, e[8], raw,
                          e[2])
        elif rank != NONE and (code == "C" or code == "G") and n > 7 and e[7]:
            kind = ("total" if period in _TOTAL_PERIODS else "remaining"
                    if period in _REMAINING_PERIODS else "to_date" if period == "24" else "")
            if kind:
                self._add(code, kind, (rank, coverage, index), network, index, e[7], raw, e[2])
        if rank == NONE:
            return
        position = self.level.benefit_positions[index]
        if code == "F" and n > 10 and e[9] == "VS" and e[10]:
            self.visits.append((rank, network, index, e[10], period, position, "EB10"))
        for tag, item, at in attached or ():
            if tag == "HSD" and len(item) > 2 and item[1] == "VS" and item[2]:
                self.visits.append((rank, network, index, item[2],
                                    item[5] if len(item) > 5 else "", at, "HSD02"))
        flag = e[11] if n > 11 else ""
        if flag == "Y" or flag == "N":
            self.auth.append((rank, network, flag == "Y"))

    def _add(self, code: str, kind: str, key: tuple[int, ...], network: str, index: int,
             value: str, types: str, level: str) -> None:
        self.candidates.setdefault((code, kind), []).append(
            (key, network, index, value, types, level))

    def _behavioral_details(self, attached: list[tuple[str, Any, int]], code: str) -> None:
        for tag, item, _ in attached:
            if tag == "MSG" and len(item) > 1 and item[1] and item[1] not in self.messages:
                self.messages.append(item[1])
        if self.carve_out is not None:
            return
        for tag, entity, _ in attached:
            if tag != "2120":
                continue
            name = entity.name
            if code == "U" or (name is not None and name.entity_id in _CARVE_OUT_ENTITIES):
                self.carve_out = _carve_out(entity)
                return
        if code == "U":
            self.carve_out = CarveOut(None, None, None)

    def active(self) -> bool | None:
        for group in (self.status, self.mh_status):
            codes = {code for _, code in group}
            if not codes.isdisjoint(ACTIVE_CODES):
                return True
            if codes:
                return False
        return None

    def status_benefit(self) -> Benefit | None:
        """The EB that decided ``active`` (the first one with a plan name, if any)."""
        level = self.level
        for group in (self.status, self.mh_status):
            chosen = [i for i, code in group if code in ACTIVE_CODES] or [i for i, _ in group]
            if chosen:
                benefits = [level.benefit(i) for i in chosen]
                return next((b for b in benefits if b.plan_description), benefits[0])
        return None

    def _pick(self, code: str, kind: str, preferences: dict[str, int],
              same: tuple[str, str] | None = None) -> _Candidate | None:
        best: _Candidate | None = None
        best_key: tuple[int, ...] = ()
        for candidate in self.candidates.get((code, kind), ()):
            preference = preferences.get(candidate[1])
            if preference is None or (same is not None and candidate[4:] != same):
                continue
            static = candidate[0]
            key = (static[0], preference, *static[1:])
            if best is None or key < best_key:
                best, best_key = candidate, key
        return best

    def _amount(self, candidate: _Candidate, element: str) -> Decimal | None:
        """The candidate's amount as Decimal (converted once per summary)."""
        index = candidate[2]
        slot = (index, 8 if element == "EB08" else 7)
        if slot not in self._amounts:
            position = self.level.benefit_positions[index]
            self._amounts[slot] = parse_amount(candidate[3], position, element)
        return self._amounts[slot]

    def cost_share(self, wanted: str) -> CostShare:
        """Best copay, coinsurance, deductible and out-of-pocket for network ``wanted``."""
        preferences = PREFERENCES[wanted]
        share = CostShare()
        copay = self._pick("B", "copay", preferences)
        if copay is not None:
            share.copay = self._amount(copay, "EB07")
        rate = self._pick("A", "rate", preferences)
        if rate is not None:
            percent = self._amount(rate, "EB08")
            if percent is not None:
                share.coinsurance = percent / _HUNDRED if percent > 1 else percent
        share.deductible = self._totals("C", preferences)
        share.out_of_pocket = self._totals("G", preferences)
        return share

    def _totals(self, code: str, preferences: dict[str, int]) -> Amounts:
        """Total, and remaining from the same benefit line (same EB03 and EB02)."""
        result = Amounts()
        total = self._pick(code, "total", preferences)
        same = None
        if total is not None:
            result.total = self._amount(total, "EB07")
            same = (total[4], total[5])
        remaining = self._pick(code, "remaining", preferences, same)
        if remaining is not None:
            result.remaining = self._amount(remaining, "EB07")
        elif result.total is not None:
            to_date = self._pick(code, "to_date", preferences, same)
            met = self._amount(to_date, "EB07") if to_date is not None else None
            if met is not None:
                result.remaining = max(result.total - met, Decimal(0))
        return result

    def visit_limit(self, wanted: str) -> VisitLimit:
        preferences = PREFERENCES[wanted]
        total: tuple[tuple[int, int, int], tuple[int, str, int, str, str, int, str]] | None
        total = remaining = None
        for visit in self.visits:
            preference = preferences.get(visit[1])
            if preference is None:
                continue
            key = (visit[0], preference, visit[2])
            if visit[4] in _REMAINING_PERIODS:
                if remaining is None or key < remaining[0]:
                    remaining = (key, visit)
            elif total is None or key < total[0]:
                total = (key, visit)
        limit = VisitLimit()
        if total is not None:
            visit = total[1]
            limit.total = parse_amount(visit[3], visit[5], visit[6])
            limit.period = TimePeriod.describe(visit[4]) if visit[4] else None
        if remaining is not None:
            visit = remaining[1]
            limit.remaining = parse_amount(visit[3], visit[5], visit[6])
        return limit

    def auth_required(self, wanted: str) -> bool | None:
        preferences = PREFERENCES[wanted]
        flags = [(rank, required) for rank, network, required in self.auth
                 if network in preferences]
        if not flags:
            return None
        best = min(rank for rank, _ in flags)
        return any(required for rank, required in flags if rank == best)


# (ranking key without network, EB12, index, amount text, EB03, EB02)
_Candidate = tuple[tuple[int, ...], str, int, str, str, str]
_LISTS: dict[tuple[str, str], tuple[int, int, bool, bool] | None] = {}


def _classify_list(raw: str, repetition: str) -> tuple[int, int, bool, bool] | None:
    """Classify a repeated EB03 once per distinct text (payers repeat the same lists)."""
    key = (raw, repetition)
    if key not in _LISTS:
        if len(_LISTS) > 4096:
            _LISTS.clear()
        _LISTS[key] = _classify([c for c in raw.split(repetition) if c])
    return _LISTS[key]


def _classify(types: list[str]) -> tuple[int, int, bool, bool] | None:
    """(rank, copay rank, behavioral, plan level) of a service type list; None if unrelated."""
    rank = min([RANK.get(c, NONE) for c in types], default=NONE)
    copay_rank = min([COPAY_RANK.get(c, NONE) for c in types], default=NONE)
    behavioral = not BEHAVIORAL_HEALTH_SERVICE_TYPES.isdisjoint(types)
    if copay_rank == NONE and not behavioral:
        return None
    return rank, copay_rank, behavioral, "30" in types


# Single service types that matter to the summary; every other one is dismissed at once.
_CLASSES: dict[str, tuple[int, int, bool, bool] | None] = {
    code: _classify([code]) for code in {*COPAY_RANK, *BEHAVIORAL_HEALTH_SERVICE_TYPES}
}


def _carve_out(entity: Party) -> CarveOut:
    name = entity.name
    if name is None:
        return CarveOut(None, None, entity.phone)
    payer_id = name.identifier if name.id_qualifier in _PAYER_ID_QUALIFIERS else None
    return CarveOut(name.last_or_organization or None, payer_id or None, entity.phone)
