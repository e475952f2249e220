"""Claim.MD's real-time eligibility upload, simulated for tests with pytest-httpserver.

Written from Claim.MD's API reference (https://docs.claim.md, "API Technical Documentation",
as published in https://raw.githubusercontent.com/api-evangelist/claim-md/main/collections/claim-md-eligibility-api.opencollection.json:
POST ``/services/elig/`` as multipart/form-data with ``AccountKey`` and ``File``, an X12 270
for one patient; the answer is the payer's X12 271 as text/plain). The
reference does not describe error bodies: a refused key is answered 401 and a refused
request 400, plain HTTP. Which answer comes back is the sandbox payer's choice by member
id; ``case`` forces one of the adapter contract's cases.
"""

from __future__ import annotations

import threading

from werkzeug.wrappers import Request, Response

from payers.adapters.sandbox.payer import reply_for, write_reply
from payers.adapters.sandbox.read import read_270
from tests.support.scripted_payer import GARBAGE, OTHER_TRACE

KEY = "cw-claimmd-account-key"


class ClaimMdSimulator:
    def __init__(self, *, release: threading.Event, key: str = KEY,
                 case: str | None = None) -> None:
        self.release = release
        self.key = key
        self.case = case
        self.uploads: list[str] = []

    def __call__(self, request: Request) -> Response:
        if request.form.get("AccountKey") != self.key or "AccountKey" in request.args:
            return Response("invalid account key", status=401, content_type="text/plain")
        upload = request.files.get("File")
        if upload is None:
            return Response("no file", status=400, content_type="text/plain")
        x270 = upload.read().decode("utf-8")
        self.uploads.append(x270)
        case = self.case
        if case == "timeout":
            self.release.wait(5)
        if case == "server_error":
            return Response("internal error", status=500, content_type="text/plain")
        if case == "malformed":
            return Response(GARBAGE, status=200, content_type="text/html")
        if case == "envelope_error":
            return Response("payer id not enrolled", status=400, content_type="text/plain")
        read = read_270(x270)
        answer = reply_for(read, trace=OTHER_TRACE if case == "wrong_trace" else None)
        return Response(write_reply(read, answer), content_type="text/plain")
