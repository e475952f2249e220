"""Every log line the suite produces, through the service's own handler and PHI filter."""

from __future__ import annotations

import io

from service import logs

BUFFER = io.StringIO()


def install() -> None:
    logs.configure("DEBUG", stream=BUFFER)
