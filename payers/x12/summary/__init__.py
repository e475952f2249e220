"""Mental-health benefits summary of a decoded 271: what the front desk needs for a therapy visit.

Rules (every choice below is deliberate; change them here and in the golden files together):

Patient and benefits
- The summary is for one patient: the dependent when the 271 reports one, else the
  subscriber (``Eligibility271.patients()``; the first patient by default). Benefits are
  the patient's 2110 loops; a dependent without 2110 loops falls back to the subscriber's
  (some payers report family benefits only at the subscriber level).

Service type precedence (most specific first)
- A6 psychotherapy, CF mental health provider outpatient, A8 psychiatric outpatient,
  MH mental health, then 30 health benefit plan coverage. An EB listing several service
  types (``1^33^...^MH^UC``) ranks by the most specific code it lists.
- Copay only: 98 (office visit) ranks after MH and before 30 — an office-visit copay is
  what a therapy visit pays when nothing mental-health specific is given.
- Benefits limited to one procedure (EB13, e.g. HC:90837) are left out of the general
  figures: they answer a narrower question than "a therapy visit".

Network
- ``network`` is "in" (EB12 Y) or "out" (EB12 N). A benefit with EB12 W (applies to both)
  or without EB12/U matches either network, ranked after an exact match.
- Copay, coinsurance, deductible and out-of-pocket are reported for both networks;
  ``visit_limit`` and ``auth_required`` use the requested network.
- Among equally specific benefits: exact network, then W, then unspecified; individual
  coverage (IND, or none) before employee-only, before family and other levels.

Figures
- copay: EB*B EB07, per visit (EB06 27 or none preferred over other periods).
- coinsurance: EB*A EB08, the patient's share as a fraction; payers sending a whole
  percentage (EB08 > 1, e.g. 20) are read as percent (0.2).
- deductible (EB*C) and out_of_pocket (EB*G): ``total`` from an EB06 that names the
  benefit period (23 calendar year, 22 service year, 21 years, 25 contract, 32 lifetime,
  or none); ``remaining`` from EB06 29 (or 33 lifetime remaining). When no remaining is
  sent but the year-to-date amount (EB06 24) is, remaining = total - year-to-date, not
  below zero.
- visit_limit: EB*F with EB09 VS (EB10 visits; EB06 29/33 is the remaining count, any
  other EB06 the total and its period) or HSD with HSD01 VS attached to a relevant
  benefit (HSD05 29/33 remaining, else HSD02 is the total per HSD05 period). The period is
  the time period's description (e.g. "Calendar Year").
- auth_required: EB11 of the most specific relevant benefits in the requested network
  that carry EB11 Y or N: True if any of them says Y, False if they say N; None when no
  relevant benefit carries EB11 (MSG text such as "PRECERT REQUIRED" is shown in
  ``messages``, never interpreted).

Status and plan
- active: True when a plan-level EB (service type 30 or none) has EB01 1-5, else False
  when one has EB01 6-8; without plan-level status, a status on a mental-health service
  type decides; None when the 271 says nothing (e.g. a rejection).
- plan name: EB05 of that status EB (first with EB05). group_number: REF 6P, then 1L, then
  IG, from the patient's 2100 loop, then the subscriber's. begin/end: the first of DTP
  346/347 (plan), 356/357 (eligibility), a 291 (plan) or 307 (eligibility) range found in
  those loops; then the status EB's DTP (346/347 or a 291/292/307 range). An open-ended
  range (no end, or 99991231) leaves ``end`` null. A plan's end (346/347, 291) is a renewal;
  eligibility_end is the member's own end (DTP 357, or the end of a 356 or 307 range), from
  those loops, then the status EB's DTP; null when the payer sent none.

Carve-out and messages
- carve_out: an EB*U on a behavioral-health service type (MH, A4-A8, AI-AK, CF, CG...),
  or any EB on one with a 2120 entity that administers benefits (VN vendor, X3
  utilization management organization, Y2 managed care organization, PR/PRP payer, 2B
  TPA). Reported as the entity's name, payer id (NM109 when NM108 is PI/XV/NI) and phone
  (PER TE). An EB*U without 2120 still reports a carve-out, with null fields.
- messages: MSG texts on benefits for behavioral-health service types, any network, in
  order, without duplicates.

Tiers and coverage levels (facts.py, pick.py)
- Tiers: a copay, coinsurance, deductible or out-of-pocket row carrying a tier message (a
  MSG naming a TIER, a HIGHEST/PREFERRED/PREMIUM... BENEFIT level, or a funding note: FUND,
  FUNDED, FUNDING, HRA, HSA) is a tier row when another row gives the same benefit (same
  network EB12, service types EB03, coverage level EB02). The main figures come from the
  unlabelled rows (the standard tier); each label's figures go under ``tiers`` of its
  network, in order of appearance. A labelled row alone is the figure itself. When every
  row of a benefit is labelled, the largest amount is taken as the standard one, so a $0
  tier never hides a deductible.
- Deductible and out-of-pocket carry ``level``: "family" when the chosen row's EB02 is FAM,
  ECH, ESP, SPC, CHD or DEP, else "individual" (IND, EMP, SPO, or none — ranked first as
  before). With an individual figure, the family's (picked by the same rules among the
  family rows) is under ``family``; null when the payer sent none or the figure is the
  family's.

Telehealth (facts.py)
- A copay or coinsurance row whose III*ZZ places of service are all telehealth (02, 10) is
  kept out of the main figures; ``telehealth`` {copay, coinsurance, places} is picked from
  those rows for the requested network (places: the chosen rows' codes). A row for the
  office and telehealth alike (III 11 and 02) is an ordinary row. Null when the payer does
  not tell telehealth apart.

Provider network (facts.py)
- ``provider_network.status`` is "out" when any MSG of the patient's benefits says the
  provider is out of network ("PROVIDER IS OUT OF NETWORK...", "NON-PARTICIPATING
  PROVIDER", or network wording in a message naming the NPI), "in" when one says the
  provider is in network; else the EB12 (Y in, N out) of a benefit whose 2120 loop names
  the provider asked about (NM1*1P, XX, the NPI of the 2100B receiver); else "unknown".
  ``evidence`` is the payer's message verbatim, or a sentence naming the flagged benefit.
  General wording ("IN AND OUT OF NETWORK", "OUT OF NETWORK PROVIDERS...") is not about
  the provider asked about.

Other coverage (facts.py)
- One entry per EB*R (other or additional payer) of the patient's benefits for the plan
  (no EB03, 30, 1 medical care) or a behavioral-health service type, in order, without
  duplicates (another payer for pharmacy, dental... does not bear on a therapy visit):
  payer_name and payer_id (PI/XV/NI) from its 2120 payer entity (PRP, SEP, TTP, PR, or
  another organisation), member_id from the 2120 NM1*IL id, else REF 1W, IG, F6 or NQ; hint
  joins the entity's role, the EB04 insurance type, EB05 and the MSGs.

Mental health reported
- ``mh_benefits_reported`` is True when an active reply (``active`` True) has any benefit
  on a behavioral-health service type (a list naming one counts), False when it has none,
  None when the reply is not an active answer.

Rejections
- Every AAA on the patient's path (2000A/2100A, 2000B/2100B, 2000C/2100C, 2000D/2100D and
  the patient's 2110 loops), or every AAA when the 271 has no patient.
- retryable: sending the same request again later may succeed. True for follow-up P
  (resubmit original), and for the transient reasons 42 (unable to respond now), 80 (no
  response received) and 04 (too many requests) unless the follow-up forbids it (N, S, Y)
  or asks for a correction (C). Everything else (wrong member id 72, name 73, not found
  75, missing data 15...) needs corrected data, so it is not retryable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from payers.x12.codes import AaaReason
from payers.x12.summary.facts import other_coverage, provider_network
from payers.x12.summary.scan import BenefitScan
from payers.x12.summary.types import (
    Amounts,
    CarveOut,
    CostShare,
    Network,
    OtherCoverage,
    PlanInfo,
    ProviderNetwork,
    RejectionSummary,
    Summary,
    Telehealth,
    Tier,
    VisitLimit,
)
from payers.x12.x271 import (
    DateRef,
    Eligibility271,
    Level,
    Patient,
    Rejection,
    rejection_from_aaa,
)

__all__ = [
    "Amounts", "CarveOut", "CostShare", "Network", "OtherCoverage", "PlanInfo",
    "ProviderNetwork", "RejectionSummary", "Summary", "Telehealth", "Tier", "VisitLimit",
    "summarize",
]

_NETWORK_FLAG = {"in": "Y", "out": "N"}
_TRANSIENT_REASONS = frozenset({"42", "80", "04"})
_NO_RETRY_FOLLOW_UPS = frozenset({"N", "S", "Y", "C"})


def summarize(
    response: Eligibility271, *, patient: Patient | None = None, network: Network = "in"
) -> Summary:
    """Summarise ``response`` for ``patient`` (default: its first) and ``network``."""
    if network not in _NETWORK_FLAG:
        raise ValueError("network must be 'in' or 'out'")
    if patient is None:
        patients = response.patients()
        patient = patients[0] if patients else None
    if patient is None:
        return Summary(network, None, PlanInfo(), CostShare(), CostShare(), VisitLimit(), None,
                       None, [], [_rejection(r) for r in response.rejections()])
    level = patient.level
    if not level.benefit_texts and patient.dependent is not None:
        level = patient.subscriber
    scan = BenefitScan(level)
    active = scan.active()
    plan = _plan(patient, scan)
    in_network, out_of_network = scan.cost_shares()
    flag = _NETWORK_FLAG[network]
    path = _path(response, patient)
    receiver = path[1].party.name if len(path) > 1 else None
    npi = receiver.identifier if receiver is not None and receiver.id_qualifier == "XX" else None
    return Summary(network, active, plan, in_network, out_of_network, scan.visit_limit(flag),
                   scan.auth_required(flag), scan.carve_out, scan.messages,
                   [_rejection(r) for r in _patient_rejections(path, patient, level)],
                   scan.telehealth(flag), provider_network(level, npi),
                   other_coverage(level, scan.other_payers),
                   scan.mental_health if active is True else None)


def _plan(patient: Patient, scan: BenefitScan) -> PlanInfo:
    parties = [patient.level.party]
    if patient.dependent is not None:
        parties.append(patient.subscriber.party)
    plan = PlanInfo()
    status = scan.status_benefit()
    if status is not None:
        plan.name = status[0] or None
    references: dict[str, str] = {}
    for party in parties:
        for reference in party.references:
            if reference.value:
                references.setdefault(reference.qualifier, reference.value)
    plan.group_number = references.get("6P") or references.get("1L") or references.get("IG")
    # First occurrence of each qualifier wins, per party.
    dated = [{d.qualifier: d for d in reversed(party.dates)} for party in parties]
    for begin_q, end_q in (("346", "347"), ("356", "357"), ("291", ""), ("307", "")):
        for dates in dated:
            begin, end = dates.get(begin_q), dates.get(end_q) if end_q else None
            if begin is not None and (end_q or begin.is_range):
                plan.begin = plan.begin or begin.start
                if begin.is_range:
                    plan.end = plan.end or begin.end
            plan.end = plan.end or (end.end if end else None)
        if plan.begin is not None:
            break
    if status is not None and (plan.begin is None or plan.end is None):
        for date in scan.dates(status[1]):
            if date.qualifier in ("346", "291", "292", "307"):
                plan.begin = plan.begin or date.start
                if date.is_range:
                    plan.end = plan.end or date.end
            elif date.qualifier == "347":
                plan.end = plan.end or date.end
    plan.eligibility_end = _eligibility_end(
        [d for party in parties for d in party.dates],
        scan.dates(status[1]) if status is not None else [])
    return plan


def _eligibility_end(*sources: Sequence[DateRef]) -> dt.date | None:
    """The member's eligibility end: the first DTP 357, or 356/307 range, of the first source
    that has one (an open end, or 99991231, is none)."""
    for dates in sources:
        for ref in dates:
            if ref.qualifier == "357" or (ref.qualifier in ("356", "307") and ref.is_range):
                return ref.end
    return None


def _path(response: Eligibility271, patient: Patient) -> list[Level]:
    """The information source and receiver levels above ``patient`` ([] if not found)."""
    levels: list[Level] = []
    for source in response.sources:
        for receiver in source.children:
            if patient.subscriber in receiver.children:
                levels = [source, receiver]
    return levels


def _patient_rejections(path: list[Level], patient: Patient,
                        benefits_level: Level) -> list[Rejection]:
    levels = list(path)
    levels.append(patient.subscriber)
    if patient.dependent is not None:
        levels.append(patient.dependent)
    found: list[Rejection] = []
    for level in levels:
        found.extend(level.rejections)
        found.extend(level.party.rejections)
    loop = "2110" + benefits_level.loop[-1]
    attachments = benefits_level.attachments
    found.extend([rejection_from_aaa(e, loop, position) for index in sorted(attachments)
                  for tag, e, position in attachments[index] if tag == "AAA"])
    return found


def _rejection(r: Rejection) -> RejectionSummary:
    retryable = r.follow_up == "P" or (
        r.reason in _TRANSIENT_REASONS and r.follow_up not in _NO_RETRY_FOLLOW_UPS)
    return RejectionSummary(r.reason, AaaReason.describe(r.reason), r.follow_up, r.loop,
                            retryable, r.text)
