"""What an HTTP status says about a payer's reply, shared by every HTTP adapter."""

from __future__ import annotations

import json
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
    said = vendor_code(reply.body)
    raise transport.error(code, f"the payer {what} (HTTP {status}"
                          f"{f', error {said}' if said else ''})", record=record,
                          reached=reached, started=started, reply=reply)


def vendor_code(body: bytes) -> str | None:
    """The error code a clearinghouse's JSON error body names (``errors[0].code``, else
    ``error``), cut to a safe token; None for any other body."""
    if not body.lstrip().startswith(b"{") or len(body) > 64 * 1024:
        return None
    try:
        parsed = json.loads(body)
    except ValueError:
        return None
    if not isinstance(parsed, dict):
        return None
    errors = parsed.get("errors")
    first = errors[0] if isinstance(errors, list) and errors else None
    code = first.get("code") if isinstance(first, dict) else parsed.get("error")
    return safe_token(code) if isinstance(code, str) and code.strip() else None


def safe_token(value: str) -> str:
    """A code from the payer, cut down to characters that cannot carry free text."""
    token = _TOKEN.sub("", value)[:40]
    return token or "(empty)"
