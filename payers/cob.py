"""Coordination of benefits checks: the question, and the other plans found with their primacy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol

from payers.base import Exchange
from payers.x12.x270 import EligibilityInquiry, InformationReceiver


@dataclass(frozen=True, kw_only=True)
class CobQuery:
    """Whom to look for (the same people as an eligibility inquiry) on the service date."""

    inquiry: EligibilityInquiry
    receiver: InformationReceiver


class Primacy(StrEnum):
    """A plan's place in paying claims: the payer responsibility sequence."""

    PRIMARY = "primary"
    SECONDARY = "secondary"
    TERTIARY = "tertiary"
    UNKNOWN = "unknown"  # overlap found, but the order could not be determined


@dataclass(frozen=True, kw_only=True)
class OtherPlan:
    """Another plan the patient holds, as the clearinghouse's COB database has it."""

    payer_name: str | None
    payer_id: str | None
    member_id: str | None
    primacy: Primacy
    begin: date | None
    end: date | None


@dataclass(frozen=True, kw_only=True)
class CobAnswer:
    """What a COB check found. ``classification`` is the vendor's own status word;
    ``cob_required``: the plans overlap in a way that needs coordination."""

    classification: str
    cob_required: bool
    primacy_determined: bool
    coverage_overlap: bool
    benefit_overlap: bool
    others: tuple[OtherPlan, ...]
    exchange: Exchange


class CobAdapter(Protocol):
    """One route's COB endpoint. One call, a timeout, no retry after it may have arrived;
    raises PayerError when no usable answer came."""

    route: str

    def check(self, query: CobQuery) -> CobAnswer:
        ...
