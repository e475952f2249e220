"""Summary facts beside the cost shares: tiers, telehealth places, the provider's network
status and other payers (coordination of benefits)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from payers.x12.codes import InsuranceType
from payers.x12.summary.pick import INDEX_MASK, Candidate
from payers.x12.summary.types import OtherCoverage, ProviderNetwork, ProviderStatus
from payers.x12.x271 import Level, Party, reference_from_ref

# III*ZZ place-of-service codes of telehealth (02 other than home, 10 in the home).
TELEHEALTH_PLACES = frozenset({"02", "10"})
# A message that labels a row as one tier among several rows of the same benefit: tier
# names, "HIGHEST BENEFIT" style levels and funding notes (HRA/HSA, self-funded, fund).
# Matched on the upper-cased text, after a look for its words (a regular expression costs
# more than the summary's whole pass over a typical 271's messages).
_TIER_MARK = re.compile(
    r"\bTIER\b|\b(?:HIGHEST|HIGHER|LOWER|LOWEST|ENHANCED|PREMIUM|PREFERRED) BENEFITS?\b"
    r"|\bFUND(?:ED|ING|S)?\b|\bHRA\b|\bHSA\b")

PAYER_ID_QUALIFIERS = frozenset({"PI", "XV", "NI"})


class Figures:
    """Candidate rows of one tier or of telehealth, kept apart from the standard ones."""

    __slots__ = ("copays", "rates", "amounts", "places")

    def __init__(self) -> None:
        self.copays: list[Candidate] = []
        self.rates: list[Candidate] = []
        self.amounts: list[list[Candidate]] = [[], [], [], [], [], []]
        self.places: dict[int, list[str]] = {}  # EB index -> its telehealth places


def scope_of(attached: list[tuple[str, Any, int]],
             copay_or_rate: bool) -> tuple[str, Any] | None:
    """("telehealth", places) for a copay or coinsurance row whose III places of service are
    all telehealth; ("tier", label) for a row carrying a tier message; None otherwise."""
    places: list[str] = []
    others = False
    label = None
    for tag, item, _ in attached:
        if tag == "III":
            if len(item) > 2 and item[1] == "ZZ" and item[2] in TELEHEALTH_PLACES:
                places.append(item[2])
            else:
                others = True
        elif tag == "MSG" and label is None and len(item) > 1 and _tier_mark(item[1]):
            label = item[1]
    if places and not others and copay_or_rate:
        return "telehealth", sorted(set(places))
    if label is not None:
        return "tier", label
    return None


def _tier_mark(text: str) -> bool:
    u = text.upper()
    # Written out: a generator over the words costs as much as the look itself.
    return ("TIER" in u or "FUND" in u or "HRA" in u or "HSA" in u or "HIGHE" in u
            or "LOWE" in u or "ENHANCED" in u or "PREMIUM" in u or "PREFERRED" in u) and (
        _TIER_MARK.search(u) is not None)


def settle_tiers(main: list[Candidate], tiers: list[list[Candidate]]) -> None:
    """Keep as tiers only rows that share their benefit (network, service types, coverage
    level) with another row. A labelled row alone is the figure itself; when every row of a
    benefit is labelled, the largest amount is the standard one, so a $0 tier never hides a
    deductible (an estimate may be high, never a surprise bill)."""
    if not any(tiers):
        return
    counts: dict[tuple[str, str, str], int] = {}  # a Counter costs more than its few rows
    for rows in tiers:
        for c in rows:
            key = _benefit(c)
            counts[key] = counts.get(key, 0) + 1
    standard = {key for c in main if (key := (c[1], c[4], c[5])) in counts}
    largest: dict[tuple[str, str, str], Candidate] = {}
    for rows in tiers:
        for c in rows:
            key = _benefit(c)
            if key in standard or counts[key] == 1:
                continue
            best = largest.get(key)
            if best is None or _value(c) > _value(best):
                largest[key] = c
    chosen = set(map(id, largest.values()))
    for rows in tiers:
        kept = []
        for c in rows:
            key = _benefit(c)
            if key not in standard and (counts[key] == 1 or id(c) in chosen):
                main.append(c)
            else:
                kept.append(c)
        rows[:] = kept


def _benefit(candidate: Candidate) -> tuple[str, str, str]:
    return candidate[1], candidate[4], candidate[5]


def _value(candidate: Candidate) -> tuple[Decimal, int]:
    # Unreadable amounts rank lowest here; the chosen one is converted (and refused) later.
    try:
        amount = Decimal(candidate[3])
    except InvalidOperation:
        amount = Decimal("-Infinity")
    return amount, -(candidate[0] & INDEX_MASK)


# What a message says about the provider asked about. Out-of-network wording is looked for
# first: "NON-PARTICIPATING PROVIDER" also holds "PARTICIPATING PROVIDER".
_NETWORK_WORDS = (r"(?:OUT[- ]OF[- ]NETWORK|NON[- ]?PARTICIPATING|NON[- ]?PAR"
                  r"|NOT (?:IN[- ]NETWORK|PARTICIPATING|CONTRACTED))")
_OUT_TEXT = re.compile(
    rf"\bPROVIDER (?:IS|WAS) (?:AN? |CONSIDERED )?{_NETWORK_WORDS}"
    rf"|\b{_NETWORK_WORDS} (?:PROVIDER|PRACTITIONER|PHYSICIAN)\b(?!S)")
# Network wording in a message naming the NPI: apart, searched only when the text holds
# "NPI" (its ".*" makes it the dearest search of the three).
_OUT_NPI = re.compile(rf"\bNPI\b.*\b{_NETWORK_WORDS}|\b{_NETWORK_WORDS}\b.*\bNPI\b")
_IN_TEXT = re.compile(
    r"\bPROVIDER (?:IS|WAS) (?:AN? |CONSIDERED )?(?:IN[- ]NETWORK|PARTICIPATING|CONTRACTED)"
    r"|\b(?:IN[- ]NETWORK|PARTICIPATING|CONTRACTED) (?:PROVIDER|PRACTITIONER|PHYSICIAN)\b(?!S)")
_FLAG_STATUS: dict[str, ProviderStatus] = {"Y": "in", "N": "out"}


def provider_network(level: Level, npi: str | None) -> ProviderNetwork:
    """The payer's word on the provider asked about: a message saying the provider is out of
    (or in) network, else the EB12 of a benefit whose 2120 loop names that provider (NM1*1P
    with the NPI of the request's 2100B); "unknown" when it says neither."""
    said: ProviderNetwork | None = None
    flagged: ProviderNetwork | None = None
    element = level.delimiters.element
    # The walker adds attachments in EB order.
    for index, attached in level.attachments.items():
        for tag, item, _ in attached:
            if tag == "MSG" and len(item) > 1:
                upper = item[1].upper()
                # A cheap first look: most messages say nothing of a provider's network
                # (both patterns name the provider, a practitioner, a physician or the NPI).
                if not ("NETWORK" in upper or "PARTICIPAT" in upper or "CONTRACTED" in upper
                        or "NON-PAR" in upper or "NONPAR" in upper or "NON PAR" in upper) or not (
                        "PROVIDER" in upper or "NPI" in upper or "PRACTITIONER" in upper
                        or "PHYSICIAN" in upper):
                    continue
                if _OUT_TEXT.search(upper) or ("NPI" in upper and _OUT_NPI.search(upper)):
                    return ProviderNetwork("out", item[1])
                if said is None and _IN_TEXT.search(upper):
                    said = ProviderNetwork("in", item[1])
            elif tag == "2120" and flagged is None and npi and _names_provider(item, npi):
                parts = level.benefit_texts[index].split(element)
                status = _FLAG_STATUS.get(parts[12] if len(parts) > 12 else "")
                if status is not None:
                    where = "in" if status == "in" else "out of"
                    flagged = ProviderNetwork(status, f"The payer marks a benefit naming the "
                                                      f"provider (NPI {npi}) {where} network.")
    return said or flagged or ProviderNetwork()


def _names_provider(entity: Party, npi: str) -> bool:
    name = entity.name
    return (name is not None and name.entity_id == "1P" and name.id_qualifier == "XX"
            and name.identifier == npi)


_PAYER_ROLES = {"PRP": "Primary payer", "SEP": "Secondary payer", "TTP": "Tertiary payer",
                "PR": "Payer"}
# 2110 REF qualifiers that carry the member's id at the other payer, best first.
_MEMBER_REFS = ("1W", "IG", "F6", "NQ")


def other_coverage(level: Level, indexes: list[int]) -> list[OtherCoverage]:
    """One entry per EB*R (other or additional payer) at ``indexes``, from its 2120 loops,
    REF and MSG, without duplicates."""
    element = level.delimiters.element
    found: list[OtherCoverage] = []
    for index in indexes:
        entry = _other_payer(level.benefit_texts[index].split(element),
                             level.attachments.get(index) or [])
        if entry not in found:
            found.append(entry)
    return found


def _other_payer(eb: list[str], attached: list[tuple[str, Any, int]]) -> OtherCoverage:
    payer: Party | None = None
    member_id = None
    notes: list[str] = []
    references: dict[str, str] = {}
    for tag, item, _ in attached:
        if tag == "2120" and item.name is not None:
            name = item.name
            if name.entity_id == "IL":
                if name.identifier and member_id is None:
                    member_id = name.identifier
            elif payer is None and (name.entity_id in _PAYER_ROLES or name.entity_type == "2"):
                payer = item
        elif tag == "REF":
            reference = reference_from_ref(item)
            if reference.value:
                references.setdefault(reference.qualifier, reference.value)
        elif tag == "MSG" and len(item) > 1 and item[1]:
            notes.append(item[1])
    if member_id is None:
        member_id = next((references[q] for q in _MEMBER_REFS if q in references), None)
    name = payer.name if payer is not None else None
    role = _PAYER_ROLES.get(name.entity_id) if name is not None else None
    insurance = InsuranceType.describe(eb[4]) if len(eb) > 4 and eb[4] else None
    plan = eb[5] if len(eb) > 5 and eb[5] else None
    hint = "; ".join(dict.fromkeys(x for x in (role, insurance, plan, *notes) if x)) or None
    return OtherCoverage(
        (name.last_or_organization or None) if name is not None else None,
        (name.identifier or None) if name is not None
        and name.id_qualifier in PAYER_ID_QUALIFIERS else None,
        member_id, hint)
