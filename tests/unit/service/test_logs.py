"""The log pipeline: JSON lines with the request id, patient data scrubbed on the way out."""

import io
import json
import logging
import re
import threading
import time

from flask import Flask, g
from hypothesis import given
from hypothesis import strategies as st

from service import logs


def _pipeline() -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logs.JsonLinesHandler(stream)
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


def test_a_line_is_scrubbed_in_one_pass_so_the_redaction_is_never_matched_again():
    logger, stream = _pipeline()
    app = Flask(__name__)
    with app.test_request_context("/"):
        logs.remember_phi({"items": [{"q": v} for v in ("re", "ed", "act", "d]", "[r", "te")]})
        logger.info("red acted")
    assert json.loads(stream.getvalue())["message"] == "[redacted]d [redacted][redacted]"


def test_a_request_remembers_a_bounded_number_of_values():
    app = Flask(__name__)
    with app.test_request_context("/"):
        logs.remember_phi({"items": [{"name": f"value{n}"} for n in range(5000)]})
        logs.remember_phi({"q": "x" * (logs.MAX_PHI_VALUE_LENGTH + 1)})
        assert len(g.phi_values) == logs.MAX_PHI_VALUES
        assert all(len(v) <= logs.MAX_PHI_VALUE_LENGTH for v in g.phi_values)


def test_no_log_line_is_longer_than_the_bound_even_when_escaping_multiplies_it():
    logger, stream = _pipeline()
    logger.info("\u00e9" * 50_000)
    try:
        raise ValueError("\x01" * 50_000)
    except ValueError:
        logger.exception("x" * 50_000)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    assert all(len(line) <= logs.MAX_LINE_CHARS for line in lines)
    assert json.loads(lines[0])["message"].endswith(logs.TRUNCATED)
    assert json.loads(lines[1])["exc"].endswith(logs.TRUNCATED)


def test_a_value_that_straddles_the_cut_is_redacted_not_left_half_visible():
    app = Flask(__name__)
    with app.test_request_context("/"):
        logs.remember_phi({"last_name": "Zephyrwood"})
        text = logs.scrub("a" * 95 + "Zephyrwood and more", limit=100)
    assert text == "a" * 95 + logs.REDACTED + logs.TRUNCATED
    assert "Zeph" not in text


def test_scrubbing_a_huge_message_with_many_values_costs_only_the_kept_part():
    app = Flask(__name__)
    with app.test_request_context("/"):
        logs.remember_phi({"items": [{"name": f"v{n}x"} for n in range(100)]})
        value = min(g.phi_values)
        started = time.perf_counter()
        text = logs.scrub(f"{value} " * 2_000_000)
        elapsed = time.perf_counter() - started
    assert len(text) <= logs.MAX_LINE_CHARS + len(logs.REDACTED) + len(logs.TRUNCATED)
    assert value not in text and text.startswith(f"{logs.REDACTED} {logs.REDACTED}")
    assert elapsed < 1.0


def test_a_line_is_formatted_before_the_handler_lock_is_taken():
    # A worker's threads each write an access line: formatting under the lock would queue
    # them all behind the slowest formatter. Only the write itself holds the lock.
    logger, stream = _pipeline()
    handler = logger.handlers[0]
    seen: list[bool] = []

    class Probe(logs.JsonFormatter):
        def format(self, record: logging.LogRecord) -> str:
            other = threading.Thread(
                target=lambda: seen.append(handler.lock.acquire(timeout=1) and
                                           (handler.lock.release() or True)))
            other.start()
            other.join()
            return super().format(record)

    handler.setFormatter(Probe())
    logger.info("visit checked")
    assert seen == [True]
    assert json.loads(stream.getvalue())["message"] == "visit checked"


def test_a_line_that_cannot_be_formatted_is_reported_not_raised(capsys):
    logger, stream = _pipeline()

    class Broken(logs.JsonFormatter):
        def format(self, record: logging.LogRecord) -> str:
            raise RuntimeError("formatter broke")

    logger.handlers[0].setFormatter(Broken())
    logger.info("visit checked")
    assert stream.getvalue() == ""
    assert "formatter broke" in capsys.readouterr().err


@given(st.lists(st.sampled_from(["Zq", "Quillon", " 1984-03-17 ", "a", " ", "x" * 7]),
                max_size=80), st.integers(min_value=20, max_value=400))
def test_short_text_is_redacted_whole_and_long_text_cut_to_the_limit(parts, limit):
    # Text short enough that redaction cannot outgrow the limit takes one substitution;
    # longer text the windowed cut. Either way: nothing remembered left, nothing over the bound.
    app = Flask(__name__)
    text = "".join(parts)
    with app.test_request_context("/"):
        logs.remember_phi({"first_name": "Quillon", "last_name": "Zq"})
        scrubbed = logs.scrub(text, limit=limit)
    visible = scrubbed.removesuffix(logs.TRUNCATED).replace(logs.REDACTED, "\0")
    assert "Quillon" not in visible and "Zq" not in visible and "1984-03-17" not in visible
    assert len(scrubbed) <= limit + len(logs.REDACTED) + len(logs.TRUNCATED)
    if not scrubbed.endswith(logs.TRUNCATED):
        assert scrubbed == re.sub(r"Quillon|Zq|\b1984-03-17\b", logs.REDACTED, text,
                                  flags=re.IGNORECASE)
