"""The log pipeline: JSON lines with the request id, patient data scrubbed on the way out."""

import io
import json
import logging

from flask import Flask, g

from service import logs


def _pipeline() -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(logs.PhiFilter())
    handler.setFormatter(logs.JsonFormatter())
    logger = logging.getLogger("coverwatch.test-pipeline")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    return logger, stream


def test_values_seen_in_the_request_never_reach_a_log_line():
    logger, stream = _pipeline()
    app = Flask(__name__)
    with app.test_request_context("/"):
        g.request_id = "req-1"
        logs.remember_phi({"first_name": "Quillon", "subscriber": {"member_id": "ZQW8841207"}})
        logger.warning("lookup failed for %s with member %s", "QUILLON", "ZQW8841207")
    line = json.loads(stream.getvalue())
    assert "QUILLON" not in line["message"] and "ZQW8841207" not in line["message"]
    assert line["message"] == "lookup failed for [redacted] with member [redacted]"
    assert line["request_id"] == "req-1"


def test_dates_are_redacted_even_when_nobody_registered_them():
    logger, stream = _pipeline()
    logger.info("born 1984-03-17 or 19840317 or 03/17/1984")
    assert json.loads(stream.getvalue())["message"] == "born [redacted] or [redacted] or [redacted]"


def test_exception_text_is_scrubbed_too():
    logger, stream = _pipeline()
    app = Flask(__name__)
    with app.test_request_context("/"):
        logs.remember_phi({"last_name": "Zephyrwood"})
        try:
            raise ValueError("no match for Zephyrwood")
        except ValueError:
            logger.exception("failed")
    line = json.loads(stream.getvalue())
    assert "Zephyrwood" not in line["exc"]
    assert "ValueError: no match for [redacted]" in line["exc"]


def test_only_allowed_extra_fields_are_written():
    logger, stream = _pipeline()
    logger.info("done", extra={"route": "/v1/patients", "member_id": "ZQW8841207"})
    line = json.loads(stream.getvalue())
    assert line["route"] == "/v1/patients"
    assert "member_id" not in line
