"""One pass over a level's EB segments collecting the candidates the summary ranks."""

from __future__ import annotations

from typing import Any

from payers.x12.codes import ACTIVE_CODES, INACTIVE_CODES, TimePeriod
from payers.x12.summary.facts import PAYER_ID_QUALIFIERS, Figures, scope_of, settle_tiers
from payers.x12.summary.kinds import CLASSES, LISTS, NONE, UNRELATED_TYPES, classify_list
from payers.x12.summary.pick import (
    INDEX_MASK,
    PREFERENCES,
    Candidate,
    cost_shares,
    pick_both,
)
from payers.x12.summary.types import CarveOut, CostShare, Telehealth, Tier, VisitLimit
from payers.x12.x271 import DateRef, Level, Party, parse_amount

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
# BenefitScan.amounts slots: deductible (C) total, remaining, to date, then out of pocket (G),
# numbered after copays (0) and rates (1) as in the scan's list of candidate lists.
_SLOTS = {"Ctotal": 2, "Cremaining": 3, "Cto_date": 4, "Gtotal": 5, "Gremaining": 6,
          "Gto_date": 7}
# EB01 C or G -> EB06 -> the list of its candidates in the scan (2-7: BenefitScan.amounts).
_AMOUNT_SLOTS = {code: {period: _SLOTS[code + kind] for period, kind in _KINDS.items()}
                 for code in ("C", "G")}
_CARVE_OUT_ENTITIES = frozenset({"VN", "X3", "Y2", "PR", "PRP", "2B"})
_STATUS_CODES = ACTIVE_CODES | INACTIVE_CODES


class BenefitScan:
    """One pass over a level's EB segments, keeping only what the summary can use.

    Most EBs of a real 271 are about other services: they are split only up to EB03 and
    dismissed after one set lookup of their service type. The rest of an EB is split only
    when it can supply a figure; candidates keep raw element text, and amounts are converted
    only for the chosen ones.
    """

    __slots__ = ("level", "status", "mh_status", "copays", "rates", "amounts", "visits",
                 "auth", "carve_out", "messages", "mental_health", "tier_rows", "telehealth_rows",
                 "other_payers")

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
        # Rows labelled as a tier (by label) or scoped to telehealth places, kept apart.
        self.tier_rows: dict[str, Figures] = {}
        self.telehealth_rows: Figures | None = None
        mental_health = False  # any benefit on a behavioral-health service type
        # EB*R (other or additional payer) for the plan (no EB03, 30, 1) or mental health.
        self.other_payers: list[int] = []
        other_payers = self.other_payers
        delimiters = level.delimiters
        element, repetition = delimiters.element, delimiters.repetition
        attachments, positions = level.attachments, level.benefit_positions
        unrelated, classes = UNRELATED_TYPES, CLASSES
        statuses, coverages = _STATUS_CODES, _COVERAGE_KEYS
        padding = element * 10
        lists = LISTS.setdefault(repetition or "", {})
        status, mh_status, visits, auth = self.status, self.mh_status, self.visits, self.auth
        figures, kinds = [self.copays, self.rates, *self.amounts], _AMOUNT_SLOTS
        detailed: list[tuple[int, Candidate]] = []  # (list, candidate) of EBs with attachments
        for index, text in enumerate(level.benefit_texts):
            head = text.split(element, 4)  # EB, EB01, EB02, EB03 and the unsplit rest
            if len(head) > 3:
                raw = head[3]
                if raw in unrelated:
                    continue  # the common case: a benefit for some other service
                info = classes.get(raw)
                if info is None:
                    if repetition is None or repetition not in raw:
                        if raw and raw != "1":
                            continue
                        if head[1] in statuses:
                            if not raw:
                                status.append((index, head[1]))
                        elif head[1] == "R":
                            other_payers.append(index)
                        continue
                    if raw in lists:
                        info = lists[raw]
                    else:
                        info = classify_list(raw, repetition, lists)
                    if info is None:
                        continue
            else:
                if len(head) > 1:
                    if head[1] in statuses:
                        status.append((index, head[1]))
                    elif head[1] == "R":
                        other_payers.append(index)
                continue
            rank, rank_key, copay_key, behavioral, plan_level = info
            if behavioral:
                mental_health = True
            code = head[1]
            if code in statuses:
                if plan_level:
                    status.append((index, code))
                elif behavioral:
                    mh_status.append((index, code))
            elif code == "R":
                other_payers.append(index)
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
            # The candidate this EB gives (one at most) and its list: 0 copays, 1 rates,
            # 2-7 the amount slots.
            candidate: Candidate | None = None
            if code == "B":
                if amount:
                    candidate, slot = (
                        copay_key | coverages.get(head[2], _OTHER_COVERAGE)
                        | (0 if period == "" or period == "27" else _NOT_PER_VISIT) | index,
                        network, positions[index], amount, raw, head[2]), 0
            elif code == "A":
                if percent:
                    candidate, slot = (rank_key | coverages.get(head[2], _OTHER_COVERAGE)
                                       | index, network, positions[index], percent, raw,
                                       head[2]), 1
            elif code == "C" or code == "G":
                found = kinds[code].get(period) if amount else None
                if found is not None:
                    candidate, slot = (rank_key | coverages.get(head[2], _OTHER_COVERAGE)
                                       | index, network, positions[index], amount, raw,
                                       head[2]), found
            elif code == "F" and qualifier == "VS" and quantity:
                visits.append((rank, network, index, quantity, period, positions[index],
                               "EB10"))
            if candidate is not None:
                figures[slot].append(candidate)
                if attached is not None:
                    # Only a row with attached segments can be a tier or telehealth row.
                    detailed.append((slot, candidate))
            if rank == NONE:
                continue  # (98) a copay fallback only
            if attached is not None:
                for tag, item, at in attached:
                    if tag == "HSD" and len(item) > 2 and item[1] == "VS" and item[2]:
                        visits.append((rank, network, index, item[2],
                                       item[5] if len(item) > 5 else "", at, "HSD02"))
            if flag == "Y" or flag == "N":
                auth.append((rank, network, flag == "Y"))
        self.mental_health = mental_health
        if detailed:
            self._set_apart(detailed)

    def _set_apart(self, detailed: list[tuple[int, Candidate]]) -> None:
        """Move the candidates of rows scoped to telehealth or labelled as a tier out of the
        standard ones. Looked at after the pass, only for the candidates whose EB has
        attached segments: few have any, so the pass over every EB pays nothing for it."""
        attachments, figures = self.level.attachments, [self.copays, self.rates, *self.amounts]
        for slot, candidate in detailed:
            index = candidate[0] & INDEX_MASK
            scope = scope_of(attachments[index], slot < 2)
            if scope is None or (scope[0] == "telehealth" and slot > 1):
                continue
            figures[slot].remove(candidate)
            rows = self._rows(scope, index)
            [rows.copays, rows.rates, *rows.amounts][slot].append(candidate)

    def _rows(self, scope: tuple[str, Any], index: int) -> Figures:
        kind, value = scope
        if kind == "telehealth":
            rows = self.telehealth_rows
            if rows is None:
                rows = self.telehealth_rows = Figures()
            rows.places[index] = value
            return rows
        found = self.tier_rows.get(value)
        if found is None:
            found = self.tier_rows[value] = Figures()
        return found

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
        """Standard-tier copay, coinsurance, deductible and out-of-pocket in and out of
        network, each with the other tiers' figures under ``tiers`` (call once)."""
        tiers = self.tier_rows
        if tiers:
            settle_tiers(self.copays, [rows.copays for rows in tiers.values()])
            settle_tiers(self.rates, [rows.rates for rows in tiers.values()])
            for slot, candidates in enumerate(self.amounts):
                settle_tiers(candidates, [rows.amounts[slot] for rows in tiers.values()])
        shares = cost_shares(self.copays, self.rates, self.amounts)
        for label, rows in tiers.items():
            for share, tier in zip(shares, cost_shares(rows.copays, rows.rates, rows.amounts,
                                                       levels=False), strict=True):
                if (tier.copay, tier.coinsurance, tier.deductible.total,
                        tier.deductible.remaining, tier.out_of_pocket.total,
                        tier.out_of_pocket.remaining) != (None,) * 6:
                    share.tiers.append(Tier(label, tier.copay, tier.coinsurance,
                                            tier.deductible, tier.out_of_pocket))
        return shares

    def telehealth(self, wanted: str) -> Telehealth | None:
        """Copay and coinsurance of rows scoped to telehealth places only, in ``wanted``
        network; None when the payer does not tell telehealth apart."""
        rows = self.telehealth_rows
        if rows is None:
            return None
        side = 0 if wanted == "Y" else 1
        share = cost_shares(rows.copays, rows.rates, rows.amounts, levels=False)[side]
        if share.copay is None and share.coinsurance is None:
            return None
        chosen = [pick_both(c)[side] for c in (rows.copays, rows.rates) if c]
        places = sorted({place for c in chosen if c is not None
                         for place in rows.places[c[0] & INDEX_MASK]})
        return Telehealth(share.copay, share.coinsurance, places)

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


def _element(text: str, element: str, index: int) -> str:
    """Element ``index`` of a segment text ('' when the segment stops before it)."""
    parts = text.split(element, index + 1)
    return parts[index] if len(parts) > index else ""


def _carve_out(entity: Party) -> CarveOut:
    name = entity.name
    if name is None:
        return CarveOut(None, None, entity.phone)
    payer_id = name.identifier if name.id_qualifier in PAYER_ID_QUALIFIERS else None
    return CarveOut(name.last_or_organization or None, payer_id or None, entity.phone)
