"""axe-core, run inside the page in Chromium: a page passes with no serious or critical
violation. The script comes with the axe-playwright-python package (requirements-dev.txt)."""

from __future__ import annotations

from typing import Any

import pytest

SERIOUS = ("serious", "critical")


def violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations of the page as it is now."""
    axe = pytest.importorskip("axe_playwright_python.sync_playwright").Axe()
    found = axe.run(page).response["violations"]
    return [v for v in found if v.get("impact") in SERIOUS]


def assert_no_serious_axe_violations(page: Any) -> None:
    found = violations(page)
    assert not found, f"{page.url}: " + "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(" ".join(n["target"]) for n in v["nodes"][:5]) for v in found)
