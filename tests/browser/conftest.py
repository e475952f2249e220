"""The real app served over HTTP in a thread, and Debian's Chromium driven by Playwright.

Skipped, with the reason, when Chromium or the playwright package is missing (.ci/run
installs Chromium). Screenshots go to tests/browser/artifacts/ (git-ignored).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.served import serving

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"
SKIP = ("Browser tests need Chromium at {path} (Debian: apt-get install chromium; .ci/run "
        "installs it) and the playwright package (requirements-dev.txt)")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.skip(SKIP.format(path=CHROMIUM))
    sync_api = pytest.importorskip("playwright.sync_api", reason=SKIP.format(path=CHROMIUM))
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM)
        yield chromium
        chromium.close()


@pytest.fixture
def server(app) -> Iterator[str]:
    """The app on a free port of 127.0.0.1 against the test database."""
    with serving(app) as base:
        yield base


@pytest.fixture
def page(browser, server, request: pytest.FixtureRequest) -> Iterator[object]:
    context = browser.new_context(base_url=server, viewport={"width": 1200, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / f"{request.node.name}-end.png"), full_page=True)
    context.close()


def shot(page, request: pytest.FixtureRequest, name: str) -> Path:
    """Save a full-page screenshot named after the test's backend."""
    ARTIFACTS.mkdir(exist_ok=True)
    backend = request.node.callspec.params.get("backend_url", "db")
    path = ARTIFACTS / f"{backend}-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
