"""Every answer the API tests get is held to /openapi.json (tests/support/openapi.py)."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.support.openapi import CheckedClient


@pytest.fixture
def app(app: Flask) -> Flask:
    app.test_client_class = CheckedClient
    return app
