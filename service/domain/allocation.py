"""Which authorization a visit counts against, and how much of it the visit draws."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from service.domain.cpt import is_mental_health, normalize
from service.domain.units import units_for

# Misfit reason codes, in the order they are reported.
AUTH_NOT_APPROVED = "AUTH_NOT_APPROVED"
AUTH_NOT_STARTED = "AUTH_NOT_STARTED"
AUTH_EXPIRED = "AUTH_EXPIRED"
AUTH_CODE_NOT_COVERED = "AUTH_CODE_NOT_COVERED"
AUTH_PROVIDER_MISMATCH = "AUTH_PROVIDER_MISMATCH"
AUTH_EXHAUSTED = "AUTH_EXHAUSTED"


@dataclass(frozen=True, kw_only=True)
class AuthState:
    """An authorization with its counts; `codes` empty means any mental-health service."""

    id: str
    number: str
    status: str  # approved | pending | denied
    unit: str  # visit | unit
    quantity: int
    minutes_per_unit: int | None
    start_date: date
    end_date: date
    codes: frozenset[str]
    provider_npi: str | None
    used: int
    reserved: int

    @property
    def remaining(self) -> int:
        return remaining(self.quantity, self.used, self.reserved)

    @property
    def overcommitted(self) -> int:
        return overcommitted(self.quantity, self.used, self.reserved)

    def covers(self, code: str) -> bool:
        code = normalize(code)
        if not self.codes:
            return is_mental_health(code)
        return code in {normalize(c) for c in self.codes}


def remaining(quantity: int, used: int, reserved: int) -> int:
    """What is left to book; never negative, even when an amendment cut below what is held."""
    return max(0, quantity - used - reserved)


def overcommitted(quantity: int, used: int, reserved: int) -> int:
    """How many visits or units are held beyond the quantity: an amendment cut the
    authorization below what completed (and already past) visits hold."""
    return max(0, used + reserved - quantity)


@dataclass(frozen=True, kw_only=True)
class VisitSpec:
    date: date
    code: str
    minutes: int | None = None
    provider_npi: str | None = None


def draw(auth: AuthState, visit: VisitSpec) -> int:
    """1 for a visit-based authorization; for a unit-based one, the units of the visit's
    minutes. A unit-based authorization without `minutes_per_unit` counts per-assessment or
    per-diem units (H0001, H0015...), so each visit draws one."""
    if auth.unit == "visit" or auth.minutes_per_unit is None:
        return 1
    return units_for(visit.minutes, auth.minutes_per_unit)


def misfits(auth: AuthState, visit: VisitSpec) -> list[str]:
    """Why `auth` cannot carry `visit`, as reason codes; empty when it fits."""
    found: list[str] = []
    if auth.status != "approved":
        found.append(AUTH_NOT_APPROVED)
    if visit.date < auth.start_date:
        found.append(AUTH_NOT_STARTED)
    if visit.date > auth.end_date:
        found.append(AUTH_EXPIRED)
    if not auth.covers(visit.code):
        found.append(AUTH_CODE_NOT_COVERED)
    # A visit without a provider cannot contradict a provider-specific authorization.
    if auth.provider_npi and visit.provider_npi and auth.provider_npi != visit.provider_npi:
        found.append(AUTH_PROVIDER_MISMATCH)
    if auth.remaining < draw(auth, visit):
        found.append(AUTH_EXHAUSTED)
    return found


def choose(auths: Sequence[AuthState], visit: VisitSpec) -> AuthState | None:
    """The fitting authorization ending soonest (then started earliest, then by id), so
    the units that would lapse first are used first."""
    fitting = [a for a in auths if not misfits(a, visit)]
    if not fitting:
        return None
    return min(fitting, key=lambda a: (a.end_date, a.start_date, a.id))


def closest(auths: Sequence[AuthState], visit: VisitSpec) -> AuthState | None:
    """The authorization nearest to fitting: fewest misfits, then the one whose dates are
    nearest the visit, then ending soonest, then by id. None when there are none."""
    if not auths:
        return None

    def distance(a: AuthState) -> int:
        if visit.date < a.start_date:
            return (a.start_date - visit.date).days
        return max(0, (visit.date - a.end_date).days)

    return min(auths, key=lambda a: (len(misfits(a, visit)), distance(a), a.end_date, a.id))


def simulate(auths: Sequence[AuthState], visits: Sequence[VisitSpec]) -> list[AuthState | None]:
    """Allocate `visits` in order, each reserving from a copy of its chosen authorization;
    per visit, that authorization with its counts after the draw, or None when none fits.
    `auths` carry the counts of visits other than `visits`."""
    current = list(auths)
    result: list[AuthState | None] = []
    for visit in visits:
        chosen = choose(current, visit)
        if chosen is None:
            result.append(None)
            continue
        after = replace(chosen, reserved=chosen.reserved + draw(chosen, visit))
        current = [after if a is chosen else a for a in current]
        result.append(after)
    return result
