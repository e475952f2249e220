"""The X12 hot path compiled to C with mypyc: the build, and whether it is in use.

Decoding a 271 and summarising it is pure Python that runs on every eligibility check and
every line of a nightly run; compiled by mypyc (the compiler mypy ships, which also builds
mypy and black) the same source runs about twice as fast. The compiled modules are optional:

- ``python -m payers.x12.native_build`` compiles MODULES into ``payers/x12/_native/`` (needs
  mypy, setuptools and a C compiler; ``make`` runs it and carries on without it).
- ``payers.x12`` puts that folder first on its module path only when its stamp matches the
  sources it was built from and this interpreter: an edited source is never shadowed by a
  stale build, it simply runs as Python until the next build.
- ``COVERWATCH_PURE_PYTHON=1`` ignores the build (to compare, or to rule it out).
"""

from __future__ import annotations

import hashlib
import os
import sysconfig
from pathlib import Path

HERE = Path(__file__).resolve().parent
NATIVE_DIR = HERE / "_native"
STAMP = "STAMP"
# The modules of the decode-and-summarise path, compiled together (calls between them then
# stay in C). Everything else in payers/ stays Python.
MODULES = ("envelope", "x271", "summary", "summary_scan", "summary_pick")
GROUP = "payers.x12._native_runtime"  # the shared library the compiled modules load


def stamp() -> str:
    """What a build must match: the sources and the interpreter's extension ABI (the
    compiled modules carry mypyc's runtime, so mypy itself is not needed to run them)."""
    digest = hashlib.sha256(str(sysconfig.get_config_var("EXT_SUFFIX")).encode())
    for name in MODULES:
        digest.update((HERE / f"{name}.py").read_bytes())
    return digest.hexdigest()


def usable() -> bool:
    """True when a build for exactly these sources is present and not switched off."""
    if os.environ.get("COVERWATCH_PURE_PYTHON"):
        return False
    try:
        return (NATIVE_DIR / STAMP).read_text().strip() == stamp()
    except OSError:
        return False


def in_use() -> bool:
    """True when the decoder this process imported is the compiled one."""
    from payers.x12 import x271

    return not x271.__file__ or not x271.__file__.endswith(".py")
