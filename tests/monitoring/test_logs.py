"""docs/monitoring.md: log lines are JSON objects with ts, level, event and the fields the
event concerns; secrets and terminal control never reach them."""

from __future__ import annotations

import io
import json
import logging

import pytest

from ediops.monitoring import logs
from ediops.secrets import remember


@pytest.fixture
def lines():
    stream = io.StringIO()
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    logs.setup(stream=stream)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.handlers[:], _ = saved
    root.setLevel(saved[1])


def test_a_line_has_ts_level_event_and_its_fields(lines):
    logging.getLogger("ediops.test").info("forwarded %s", "00-AA-000101", extra={"licence_no": "00-AA-000101"})
    [record] = lines()
    assert record["level"] == "info" and record["event"] == "forwarded 00-AA-000101"
    assert record["licence_no"] == "00-AA-000101" and record["logger"] == "ediops.test"
    assert record["ts"].endswith("+08:00")  # Asia/Shanghai, like every time ediops shows


def test_the_context_names_the_work_for_every_logger_inside_it(lines):
    with logs.context(window="poll-feeds"):
        with logs.context(issuer="AA", peer="issuer AA"):
            logging.getLogger("httpx").warning("HTTP Request: GET /batches")  # a library's own line
        logging.getLogger("ediops.leader").info("done")
    logging.getLogger("ediops.leader").info("outside")
    inner, done, outside = lines()
    assert inner["issuer"] == "AA" and inner["peer"] == "issuer AA" and inner["window"] == "poll-feeds"
    assert done["window"] == "poll-feeds" and "issuer" not in done
    assert "window" not in outside


def test_secrets_and_control_characters_never_reach_a_line(lines):
    remember("s3cret-token-value")
    log = logging.getLogger("ediops.test")
    log.warning("call failed: Bearer s3cret-token-value \x1b[31mred\x1b[0m \u202eevil", extra={"peer": "issuer \x07AA"})
    try:
        raise ValueError("token s3cret-token-value in a traceback")
    except ValueError:
        log.exception("boom")
    warned, failed = lines()
    text = json.dumps([warned, failed])
    assert "s3cret-token-value" not in text
    assert "\x1b" not in warned["event"] and "\u202e" not in warned["event"] and warned["peer"] == "issuer AA"
    assert "Traceback" in failed["exc"] and "[redacted]" in failed["exc"]


def test_quiet_libraries_say_only_warnings(lines):
    logging.getLogger("apscheduler.scheduler").info("Added job")
    logging.getLogger("apscheduler.scheduler").warning("Run time of job was missed")
    assert [r["event"] for r in lines()] == ["Run time of job was missed"]


def test_the_desk_logs_to_its_file_or_nowhere(tmp_path, lines):
    logs.setup(file=tmp_path / "logs" / "desk.log")
    logging.getLogger("ediops.desk").warning("refresh failed", extra={"actor": "alice"})
    [record] = [json.loads(line) for line in (tmp_path / "logs" / "desk.log").read_text("utf-8").splitlines()]
    assert record["event"] == "refresh failed" and record["actor"] == "alice"
    (tmp_path / "ro").write_text("a file where the folder would be", encoding="utf-8")
    logs.setup(file=tmp_path / "ro" / "desk.log")  # cannot be made: no exception, no line
    logging.getLogger("ediops.desk").warning("dropped")


@pytest.mark.integration
def test_a_commands_lines_say_who_ran_it_and_what_they_concern(world):
    world.configure(issuers=1, windows={}, settings={"peer_attempts": 1})  # nothing listens on the peers' ports
    done = world.cli("run", "poll-feeds", "--reason", "test", now="2000-10-09T10:00:00+08:00")
    records = [json.loads(line) for line in done.stderr.splitlines()]
    failed = [r for r in records if r["event"].startswith("peer call failed")]
    assert failed, done.stderr
    assert failed[0]["actor"] and failed[0]["peer"] == "issuer AA" and failed[0]["issuer"] == "AA"
    assert failed[0]["window"] == "poll-feeds" and failed[0]["level"] == "warning"
