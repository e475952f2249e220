"""One pass over a level's EB segments collecting the candidates the summary ranks."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from payers.x12.codes import (
    ACTIVE_CODES,
    BEHAVIORAL_HEALTH_SERVICE_TYPES,
    INACTIVE_CODES,
    ServiceType,
    TimePeriod,
)
from payers.x12.summary.pick import (
    NEITHER,
    PREFERENCES,
    Both,
    Candidate,
    Lines,
    amounts_of,
    pick_both,
)
from payers.x12.summary.types import CarveOut, CostShare, VisitLimit
from payers.x12.x271 import DateRef, Level, Party, parse_amount

# Precedence of service types, most specific first (see payers.x12.summary for the rules).
RANK = {"A6": 0, "CF": 1, "A8": 2, "MH": 3, "30": 5}
COPAY_RANK = {"A6": 0, "CF": 1, "A8": 2, "MH": 3, "98": 4, "30": 5}
NONE = 99
# EB02 -> its place in the ranking key (see Candidate): individual, then employee, then others.
_COVERAGE_KEYS = {"IND": 0, "": 0, "EMP": 1 << 33}
_OTHER_COVERAGE = 2 << 33
_NOT_PER_VISIT = 1 << 32  # a copay for another period than a visit ranks after per-visit ones
_NONE_KEY = NONE << 40
_PERIOD_NAMES = {period.value: period.description for period in TimePeriod}
_TOTAL_PERIODS = frozenset({"", "21", "22", "23", "25", "32"})
_REMAINING_PERIODS = frozenset({"29", "33"})
# EB06 of a deductible or out-of-pocket amount -> what the amount is.
_KINDS = {**dict.fromkeys(_TOTAL_PERIODS, "total"),
          **dict.fromkeys(_REMAINING_PERIODS, "remaining"), "24": "to_date"}
# BenefitScan.amounts slots: deductible (C) total, remaining, to date, then out of pocket (G).
_SLOTS = {"Ctotal": 0, "Cremaining": 1, "Cto_date": 2, "Gtotal": 3, "Gremaining": 4,
          "Gto_date": 5}
# EB01 C or G -> EB06 -> the slot of its candidates in BenefitScan.amounts.
_AMOUNT_SLOTS = {code: {period: _SLOTS[code + kind] for period, kind in _KINDS.items()}
                 for code in ("C", "G")}
_CARVE_OUT_ENTITIES = frozenset({"VN", "X3", "Y2", "PR", "PRP", "2B"})
_PAYER_ID_QUALIFIERS = frozenset({"PI", "XV", "NI"})
_STATUS_CODES = ACTIVE_CODES | INACTIVE_CODES
_HUNDRED = Decimal(100)


class BenefitScan:
    """One pass over a level's EB segments, keeping only what the summary can use.

    Most EBs of a real 271 are about other services: they are split only up to EB03 and
    dismissed after one set lookup of their service type. The rest of an EB is split only
    when it can supply a figure; candidates keep raw element text, and amounts are converted
    only for the chosen ones.
    """

    __slots__ = ("level", "status", "mh_status", "copays", "rates", "amounts", "visits",
                 "auth", "carve_out", "messages")

    def __init__(self, level: Level) -> None:
        self.level = level
        self.status: list[tuple[int, str]] = []  # plan-level EB01 1-8: (index, EB01)
        self.mh_status: list[tuple[int, str]] = []  # EB01 1-8 on a behavioral-health type
        self.copays: list[Candidate] = []  # EB*B with EB07
        self.rates: list[Candidate] = []  # EB*A with EB08
        # EB07 candidates of deductible and out-of-pocket lines, per _SLOTS
        self.amounts: list[list[Candidate]] = [[], [], [], [], [], []]
        # visit counts: (rank, EB12, index, quantity text, period, position, element name)
        self.visits: list[tuple[int, str, int, str, str, int, str]] = []
        self.auth: list[tuple[int, str, bool]] = []  # (rank, EB12, EB11 == Y)
        self.carve_out: CarveOut | None = None
        self.messages: list[str] = []
        delimiters = level.delimiters
        element, repetition = delimiters.element, delimiters.repetition
        attachments, positions = level.attachments, level.benefit_positions
        unrelated, classes = _UNRELATED_TYPES, _CLASSES
        statuses, coverages = _STATUS_CODES, _COVERAGE_KEYS
        padding = element * 10
        lists = _LISTS.setdefault(repetition or "", {})
        status, mh_status, visits, auth = self.status, self.mh_status, self.visits, self.auth
        copays, rates, amounts, kinds = self.copays, self.rates, self.amounts, _AMOUNT_SLOTS
        for index, text in enumerate(level.benefit_texts):
            head = text.split(element, 4)  # EB, EB01, EB02, EB03 and the unsplit rest
            if len(head) > 3:
                raw = head[3]
                if raw in unrelated:
                    continue  # the common case: a benefit for some other service
                info = classes.get(raw)
                if info is None:
                    if repetition is None or repetition not in raw:
                        if not raw and head[1] in statuses:
                            status.append((index, head[1]))
                        continue
                    if raw in lists:
                        info = lists[raw]
                    else:
                        info = _classify_list(raw, repetition, lists)
                    if info is None:
                        continue
            else:
                if len(head) > 1 and head[1] in statuses:
                    status.append((index, head[1]))
                continue
            rank, rank_key, copay_key, behavioral, plan_level = info
            code = head[1]
            if code in statuses:
                if plan_level:
                    status.append((index, code))
                elif behavioral:
                    mh_status.append((index, code))
            elif rank == NONE and code != "B" and code != "U" and index not in attachments:
                # A behavioral-health type outside the precedence (A4, AI...) or 98: only
                # status, copay, contact entities and attached notes matter.
                continue
            attached = attachments.get(index)
            if behavioral and (attached is not None or code == "U"):
                self._behavioral_details(attached or [], code)
            if copay_key == _NONE_KEY or (rank == NONE and code != "B"):
                continue  # not about therapy, or (98) a copay fallback only
            # EB04 ... EB13 (padded: payers drop trailing empty elements), then the rest.
            (_, _, period, amount, percent, qualifier, quantity, flag, network, procedure,
             _) = ((head[4] if len(head) > 4 else "") + padding).split(element, 10)
            if procedure:
                continue  # EB13: limited to one procedure code
            if code == "B":
                if amount:
                    copays.append((
                        copay_key | coverages.get(head[2], _OTHER_COVERAGE)
                        | (0 if period == "" or period == "27" else _NOT_PER_VISIT) | index,
                        network, positions[index], amount, raw, head[2]))
                if rank == NONE:
                    continue
            elif code == "A":
                if percent:
                    rates.append((rank_key | coverages.get(head[2], _OTHER_COVERAGE) | index,
                                  network, positions[index], percent, raw, head[2]))
            elif code == "C" or code == "G":
                slot = kinds[code].get(period) if amount else None
                if slot is not None:
                    amounts[slot].append((
                        rank_key | coverages.get(head[2], _OTHER_COVERAGE) | index,
                        network, positions[index], amount, raw, head[2]))
            elif code == "F" and qualifier == "VS" and quantity:
                visits.append((rank, network, index, quantity, period, positions[index],
                               "EB10"))
            if attached is not None:
                for tag, item, at in attached:
                    if tag == "HSD" and len(item) > 2 and item[1] == "VS" and item[2]:
                        visits.append((rank, network, index, item[2],
                                       item[5] if len(item) > 5 else "", at, "HSD02"))
            if flag == "Y" or flag == "N":
                auth.append((rank, network, flag == "Y"))

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
            for _, code in group:
                if code in ACTIVE_CODES:
                    return True
            if group:
                return False
        return None

    def status_benefit(self) -> tuple[str, int] | None:
        """EB05 and index of the EB that decided ``active`` (the first with a plan name).

        Read from the raw segments, without making Benefit objects for the whole level.
        """
        level = self.level
        for group in (self.status, self.mh_status):
            if not group:
                continue
            chosen = [i for i, code in group if code in ACTIVE_CODES] or [i for i, _ in group]
            texts, element = level.benefit_texts, level.delimiters.element
            for i in chosen:
                name = _element(texts[i], element, 5)
                if name:
                    return name, i
            return "", chosen[0]
        return None

    def dates(self, index: int) -> list[DateRef]:
        """The DTP segments of the EB at ``index``."""
        attached = self.level.attachments.get(index) or ()
        return [DateRef(e, at) for tag, e, at in attached if tag == "DTP"]

    def cost_shares(self) -> tuple[CostShare, CostShare]:
        """Best copay, coinsurance, deductible and out-of-pocket in and out of network.

        Both networks are picked in one pass over each candidate list; amounts are then
        converted network by network (in first), copay, coinsurance, deductible, out of pocket.
        """
        copays = pick_both(self.copays) if self.copays else NEITHER
        rates = pick_both(self.rates) if self.rates else NEITHER
        amounts = self.amounts
        deductible = _lines(amounts[0], amounts[1], amounts[2])
        out_of_pocket = _lines(amounts[3], amounts[4], amounts[5])
        shares = []
        for side in (0, 1):
            copay, rate = copays[side], rates[side]
            amount = parse_amount(copay[3], copay[2], "EB07") if copay is not None else None
            coinsurance = None
            if rate is not None:
                percent = parse_amount(rate[3], rate[2], "EB08")
                if percent is not None:
                    coinsurance = percent / _HUNDRED if percent > 1 else percent
            shares.append(CostShare(amount, coinsurance, amounts_of(deductible, side),
                                    amounts_of(out_of_pocket, side)))
        return shares[0], shares[1]

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
            limit.period = _PERIOD_NAMES.get(visit[4]) if visit[4] else None
        if remaining is not None:
            visit = remaining[1]
            limit.remaining = parse_amount(visit[3], visit[5], visit[6])
        return limit

    def auth_required(self, wanted: str) -> bool | None:
        preferences = PREFERENCES[wanted]
        best, required = NONE + 1, False
        for rank, network, flag in self.auth:
            if network in preferences and rank <= best:
                # Any Y among the most specific benefits.
                required = (required or flag) if rank == best else flag
                best = rank
        return required if best <= NONE else None


# (rank, rank << 40, copay rank << 40, behavioral, plan level) of a service type or list.
_Info = tuple[int, int, int, bool, bool]
# Repetition separator -> repeated EB03 text -> its _Info (None: unrelated). Payers repeat
# the same lists, so each distinct list is classified once.
_LISTS: dict[str, dict[str, _Info | None]] = {}


def _classify_list(raw: str, repetition: str, lists: dict[str, _Info | None]) -> _Info | None:
    """Classify a repeated EB03 and remember it in ``lists`` (bounded)."""
    if len(lists) > 4096:
        lists.clear()
    info = lists[raw] = _classify([c for c in raw.split(repetition) if c])
    return info


def _classify(types: list[str]) -> _Info | None:
    """The _Info of a service type list; None if unrelated."""
    rank = min([RANK.get(c, NONE) for c in types], default=NONE)
    copay_rank = min([COPAY_RANK.get(c, NONE) for c in types], default=NONE)
    behavioral = not BEHAVIORAL_HEALTH_SERVICE_TYPES.isdisjoint(types)
    if copay_rank == NONE and not behavioral:
        return None
    return rank, rank << 40, copay_rank << 40, behavioral, "30" in types


# Single service types that matter to the summary; every other one is dismissed at once.
_CLASSES: dict[str, _Info | None] = {
    code: _classify([code]) for code in {*COPAY_RANK, *BEHAVIORAL_HEALTH_SERVICE_TYPES}
}
# Published service types that do not matter: the common EB costs one set lookup. Lists, an
# absent EB03 and unpublished codes are looked at further.
_UNRELATED_TYPES = frozenset(c.value for c in ServiceType if c.value not in _CLASSES)


def _lines(totals: list[Candidate], remainders: list[Candidate],
           to_dates: list[Candidate]) -> Lines:
    """Total, remaining and to-date candidates, in and out of network; remaining and to date
    come from the same benefit line as the total (same EB03 and EB02)."""
    if not totals:
        # No total: any line's remaining (to date is used only with a total).
        return NEITHER, pick_both(remainders) if remainders else NEITHER, NEITHER
    total = pick_both(totals)
    same = (total[0][4:] if total[0] is not None else None,
            total[1][4:] if total[1] is not None else None)
    remaining = pick_both(remainders, same) if remainders else NEITHER
    to_date: Both = NEITHER
    if to_dates and ((remaining[0] is None and total[0] is not None) or (
            remaining[1] is None and total[1] is not None)):
        to_date = pick_both(to_dates, same)
    return total, remaining, to_date


def _element(text: str, element: str, index: int) -> str:
    """Element ``index`` of a segment text ('' when the segment stops before it)."""
    parts = text.split(element, index + 1)
    return parts[index] if len(parts) > index else ""


def _carve_out(entity: Party) -> CarveOut:
    name = entity.name
    if name is None:
        return CarveOut(None, None, entity.phone)
    payer_id = name.identifier if name.id_qualifier in _PAYER_ID_QUALIFIERS else None
    return CarveOut(name.last_or_organization or None, payer_id or None, entity.phone)
