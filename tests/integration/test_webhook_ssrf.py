"""Where webhooks may not go: each refusal of the sender, against a real local receiver
(pytest-httpserver); the host's addresses come from an injected resolver where a test needs
a name that resolves to a chosen address."""

from __future__ import annotations

import time

import pytest
from werkzeug import Request, Response

from service.webhooks.sender import KEPT_BODY, Sender

BODY = b'{"type":"webhook.test"}'


def resolver(*answers: list[str]):
    """Answers each lookup with the next list of addresses (the last one repeats)."""
    given = list(answers)

    def resolve(host: str, port: int) -> list[str]:
        return given.pop(0) if len(given) > 1 else given[0]

    return resolve


@pytest.mark.parametrize("url", [
    "http://ehr.example.com/hook",
    "https://127.0.0.1/hook",
    "https://10.0.0.8/hook",
    "https://172.16.4.2/hook",
    "https://192.168.1.20/hook",
    "https://169.254.169.254/latest/meta-data",
    "https://[::1]/hook",
    "https://[fe80::1]/hook",
    "https://0.0.0.0/hook",
    "https://240.0.0.1/hook",
    "https://224.0.0.1/hook",
    "https://localhost/hook",
])
def test_plain_http_and_internal_addresses_are_refused_before_anything_is_sent(url):
    reply = Sender(allow_private=False, resolve=resolver(["93.184.215.14"])).post(url, BODY, {})
    assert reply.outcome == "refused" and reply.status_code is None


@pytest.mark.parametrize("addresses", [["10.1.2.3"], ["93.184.215.14", "127.0.0.1"],
                                       ["::ffff:127.0.0.1"], ["100.64.0.1"]])
def test_a_name_resolving_to_any_internal_address_is_refused(addresses):
    sender = Sender(allow_private=False, resolve=resolver(addresses))
    reply = sender.post("https://hooks.example.com/in", BODY, {})
    assert reply.outcome == "refused"
    assert reply.error == "the host resolves to a private, loopback or reserved address"


def test_the_address_is_checked_again_at_each_delivery_so_rebinding_is_refused():
    # A name that first resolves to a public address, then to the metadata service
    sender = Sender(allow_private=False,
                    resolve=resolver(["93.184.215.14"], ["169.254.169.254"]))
    sender._pool("https://rebind.example.com/hook")  # the first delivery's check passes
    assert sender.post("https://rebind.example.com/hook", BODY, {}).outcome == "refused"


def test_a_name_that_does_not_resolve_is_refused():
    def nowhere(host: str, port: int) -> list[str]:
        raise OSError("no such host")

    reply = Sender(allow_private=False, resolve=nowhere).post("https://nowhere.example/h",
                                                              BODY, {})
    assert reply.outcome == "refused" and reply.error == "the host name does not resolve"


def test_the_connection_goes_to_the_address_checked_under_the_host_name(httpserver):
    # "receiver.test" resolves nowhere but through our check: reaching the receiver proves
    # the connection went to the checked address, not to a second lookup.
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    sender = Sender(allow_private=True, resolve=resolver(["127.0.0.1"]))
    reply = sender.post(f"http://receiver.test:{httpserver.port}/hook", BODY,
                        {"webhook-id": "msg_1"})
    assert reply.outcome == "delivered" and reply.status_code == 200
    request, _ = httpserver.log[0]
    assert request.headers["Host"] == f"receiver.test:{httpserver.port}"
    assert request.get_data() == BODY and request.headers["webhook-id"] == "msg_1"


def test_a_redirect_is_not_followed(httpserver):
    httpserver.expect_request("/hook", method="POST").respond_with_response(
        Response(status=307, headers={"Location": "/internal"}))
    httpserver.expect_request("/internal").respond_with_data("should never be asked")
    reply = Sender(allow_private=True).post(httpserver.url_for("/hook"), BODY, {})
    assert reply.outcome == "failed" and reply.status_code == 307
    assert reply.error == "redirect not followed"
    assert [r.path for r, _ in httpserver.log] == ["/hook"]


def test_a_receiver_slower_than_the_timeout_fails_the_attempt(httpserver):
    def slow(request: Request) -> Response:
        time.sleep(1.0)
        return Response("late")

    httpserver.expect_request("/hook").respond_with_handler(slow)
    started = time.monotonic()
    reply = Sender(allow_private=True, timeout_s=0.3).post(httpserver.url_for("/hook"),
                                                           BODY, {})
    assert reply.outcome == "failed" and reply.error == "timed out"
    assert time.monotonic() - started < 0.9


def test_a_huge_reply_is_read_only_up_to_the_cap_and_kept_truncated(httpserver):
    httpserver.expect_request("/hook").respond_with_data("x" * 5_000_000)
    reply = Sender(allow_private=True, max_body=64 * 1024).post(
        httpserver.url_for("/hook"), BODY, {})
    assert reply.outcome == "delivered" and reply.body == "x" * KEPT_BODY


def test_plain_http_to_a_local_receiver_needs_the_deployment_to_allow_it(httpserver):
    httpserver.expect_request("/hook").respond_with_data("ok")
    url = httpserver.url_for("/hook")
    assert Sender(allow_private=False).post(url, BODY, {}).outcome == "refused"
    assert Sender(allow_private=True).post(url, BODY, {}).outcome == "delivered"
    assert len(httpserver.log) == 1

