"""A client generated from the served /openapi.json by openapi-python-client, and the app on a
real HTTP port for it to call."""

from __future__ import annotations

import hashlib
import importlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from flask import Flask

from tests.support.server import serving

PACKAGE = "coverwatch_client"
GENERATOR = Path(sys.executable).with_name("openapi-python-client")


def generate(document: bytes, root: Path) -> tuple[Path, str]:
    """Generate the client once per document (cached by its hash); the generator's output."""
    target = root / hashlib.sha256(document).hexdigest()[:16]
    log = target / "generator.log"
    if not log.exists():
        target.mkdir(parents=True, exist_ok=True)
        (target / "openapi.json").write_bytes(document)
        # No post hooks: formatting the generated code is not what this test is about.
        (target / "config.yaml").write_text("post_hooks: []\n")
        run = subprocess.run(
            [str(GENERATOR), "generate", "--path", str(target / "openapi.json"),
             "--output-path", str(target / PACKAGE), "--config", str(target / "config.yaml"),
             "--meta", "none", "--overwrite"],
            capture_output=True, text=True, timeout=300, check=False)
        assert run.returncode == 0, run.stdout + run.stderr
        log.write_text(run.stdout + run.stderr)
    return target, log.read_text()


@pytest.fixture
def generated(app: Flask, tmp_path_factory: pytest.TempPathFactory) -> tuple[ModuleType, str]:
    """The generated package, imported, and what the generator printed."""
    document = app.test_client().get("/openapi.json").get_data()
    target, output = generate(document, tmp_path_factory.getbasetemp() / "generated-clients")
    for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
        del sys.modules[name]
    sys.path.insert(0, str(target))
    try:
        return importlib.import_module(PACKAGE), output
    finally:
        sys.path.remove(str(target))


@pytest.fixture
def server(app: Flask) -> Iterator[str]:
    """The app on a free port of 127.0.0.1 against the test database."""
    with serving(app) as url:
        yield url
