"""Behavioral-health procedure codes: psychotherapy time rules and which codes are mental health."""

from __future__ import annotations

from service.domain.identifiers import ascii_digits

# Face-to-face psychotherapy minutes each time-based code needs (CPT midpoint rule; see
# X12-REFERENCE section 7.1). None as the maximum means "or more".
TIME_RULES: dict[str, tuple[int, int | None]] = {
    "90832": (16, 37),
    "90834": (38, 52),
    "90837": (53, None),
    # Add-ons reported with an E/M code follow the same bands as the stand-alone codes.
    "90833": (16, 37),
    "90836": (38, 52),
    "90838": (53, None),
    # Crisis: 90839 covers the first 60 minutes and needs at least 30 (below 30, CPT sends
    # the session to 90832/90833); at 75 minutes the first 90840 becomes reportable.
    "90839": (30, 74),
    # 90840 is an add-on, so a visit coded 90840 records the session's *total* crisis time:
    # CPT reports 90839 + 90840 from 75 minutes on (60 + the midpoint of the next 30), and
    # one more 90840 per further 30 minutes past the midpoint, so there is no maximum.
    "90840": (75, None),
    # Family psychotherapy (50 minutes) is reportable from 26 minutes.
    "90846": (26, None),
    "90847": (26, None),
}

INDIVIDUAL_PSYCHOTHERAPY = frozenset({"90832", "90834", "90837"})
PSYCHOTHERAPY_WITH_EM = frozenset({"90833", "90836", "90838"})

# Inclusive numeric ranges of CPT codes that are mental-health services.
_CPT_RANGES = (
    (90785, 90899),  # psychiatry: evaluation, psychotherapy, crisis, family, group, add-ons
    (96101, 96146),  # psychological and neuropsychological testing (96130-96139 included)
    (96156, 96171),  # health behavior assessment and intervention
    (97151, 97158),  # adaptive behavior (ABA) assessment and treatment
    (99484, 99484),  # behavioral health integration
    (99492, 99494),  # psychiatric collaborative care
)
# HCPCS H-codes are the Medicaid / state behavioral-health services; T1017 (targeted case
# management) and S9480/S9484/S9485 (intensive outpatient, crisis) are billed beside them.
_HCPCS_RANGE = (1, 2037)
_HCPCS_OTHERS = frozenset({"T1017", "S9480", "S9484", "S9485"})


def normalize(code: str) -> str:
    """Codes are compared upper-case and without surrounding spaces."""
    return code.strip().upper()


def time_mismatch(code: str, minutes: int | None) -> tuple[int, int | None] | None:
    """The expected (min, max) minutes when `minutes` does not fit `code`, else None."""
    rule = TIME_RULES.get(normalize(code))
    if rule is None or minutes is None:
        return None
    low, high = rule
    if minutes < low or (high is not None and minutes > high):
        return rule
    return None


def suggested_code(minutes: int, *, with_em: bool = False) -> str | None:
    """The individual psychotherapy code `minutes` fits (the E/M add-on family when
    `with_em`); None under 16 minutes, where psychotherapy is not reportable."""
    family = ("90833", "90836", "90838") if with_em else ("90832", "90834", "90837")
    if minutes < 16:
        return None
    if minutes <= 37:
        return family[0]
    if minutes <= 52:
        return family[1]
    return family[2]


def suggestion_for(code: str, minutes: int) -> str | None:
    """What to bill instead when `minutes` does not fit `code`, where one code answers it."""
    code = normalize(code)
    if code in INDIVIDUAL_PSYCHOTHERAPY:
        return suggested_code(minutes)
    if code in PSYCHOTHERAPY_WITH_EM:
        return suggested_code(minutes, with_em=True)
    if code == "90839" and minutes < 30:
        # CPT: crisis sessions under 30 minutes are reported as ordinary psychotherapy.
        return suggested_code(minutes)
    return None


def is_mental_health(code: str) -> bool:
    """True for CPT 90785-90899, psychological testing 96101-96146, health behavior
    96156-96171, ABA 97151-97158, collaborative care 99484/99492-99494, HCPCS H0001-H2037,
    T1017, S9480, S9484 and S9485."""
    code = normalize(code)
    if len(code) != 5:
        return False
    if ascii_digits(code):
        number = int(code)
        return any(low <= number <= high for low, high in _CPT_RANGES)
    if code[0] == "H" and ascii_digits(code[1:]):
        return _HCPCS_RANGE[0] <= int(code[1:]) <= _HCPCS_RANGE[1]
    return code in _HCPCS_OTHERS
