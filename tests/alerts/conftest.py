"""Fixtures: the engine tests' world (config, daemon, simulator as real processes), the
notification sink as its own process, and a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import pytest

from tests.alerts.harness import SinkProc, SmtpServer
from tests.desk.conftest import crash_log_dir, make_app  # noqa: F401 - the desk's fixtures
from tests.engine.conftest import world  # noqa: F401 - the shared fixture of real processes


@pytest.fixture
def sink(tmp_path):
    receiver = SinkProc(tmp_path)
    yield receiver
    receiver.stop()


@pytest.fixture
def smtp():
    server = SmtpServer()
    yield server
    server.stop()
