"""Builders of small synthetic 271 interchanges for reader and summary tests (no PHI)."""

from __future__ import annotations

from payers.x12.summary import Summary, summarize
from payers.x12.x271 import Eligibility271, read_271s

HEAD = [
    "BHT*0022*11*CW-TEST-0001*20260301*0930",
    "HL*1**20*1", "NM1*PR*2*ACME HEALTH TEST*****PI*99999",
    "HL*2*1*21*1", "NM1*1P*2*CALM MINDS COUNSELING TEST*****XX*1234567893",
    "HL*3*2*22*0", "NM1*IL*1*DOE-TEST*JANE****MI*TEST000001",
]


def interchange(*bodies: list[str], element: str = "*", repetition: str = "^",
                component: str = ":", terminator: str = "~") -> str:
    """An ISA..IEA around one ST..SE per body; bodies are written with * ^ : delimiters."""
    isa = element.join(["ISA", "00", " " * 10, "00", " " * 10, "ZZ", "ACMEHEALTHTEST ", "ZZ",
                        "COVERWATCHTEST ", "260301", "0930", repetition, "00501", "000000101",
                        "0", "T", component])
    segments = [isa, element.join(["GS", "HB", "ACME", "CW", "20260301", "0930", "7", "X",
                                   "005010X279A1"])]
    for number, body in enumerate(bodies, start=1):
        control = f"{number:04d}"
        rows = [f"ST*271*{control}*005010X279A1", *body]
        rows.append(f"SE*{len(rows) + 1}*{control}")
        segments += [r.replace("*", element).replace("^", repetition).replace(":", component)
                     for r in rows]
    segments += [element.join(["GE", str(len(bodies)), "7"]),
                 element.join(["IEA", "1", "000000101"])]
    return terminator.join(segments) + terminator


def response(*benefits: str, head: list[str] | None = None) -> Eligibility271:
    """A decoded 271 for one subscriber with the given 2100C/2110C segments."""
    (decoded,) = read_271s(interchange([*(head or HEAD), *benefits]))
    return decoded


def summary_of(*benefits: str, network: str = "in") -> Summary:
    return summarize(response(*benefits), network="out" if network == "out" else "in")
