"""What an HTTP status says about a payer's reply, shared by every HTTP adapter."""

from __future__ import annotations

import re

from payers.base import PayerErrorCode
from payers.transport import HttpReply, Transport

_TOKEN = re.compile(r"[^A-Za-z0-9_.-]")


def check_status(transport: Transport, reply: HttpReply, *, record: str,
                 started: float) -> None:
    """Raise for a reply that is not a 2xx (429/503 were already retried by the transport).

    401/403: the credentials were refused; nothing was processed. Other 4xx: the payer
    refused the request before processing it. 5xx: the payer failed, perhaps after
    processing the 270, so it may have arrived (reached_payer) and must not be resent.
    """
    status = reply.status
    if 200 <= status < 300:
        return
    if status in (401, 403):
        code, reached, what = PayerErrorCode.AUTH_FAILED, False, "refused the credentials"
    elif 400 <= status < 500:
        code, reached, what = PayerErrorCode.ENVELOPE_ERROR, False, "refused the request"
    else:
        code, reached, what = PayerErrorCode.UNAVAILABLE, status >= 500, "failed"
    raise transport.error(code, f"the payer {what} (HTTP {status})", record=record,
                          reached=reached, started=started, reply=reply)


def safe_token(value: str) -> str:
    """A code from the payer, cut down to characters that cannot carry free text."""
    token = _TOKEN.sub("", value)[:40]
    return token or "(empty)"
