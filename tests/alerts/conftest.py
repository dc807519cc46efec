"""Fixtures: the notification sink as its own process, and a real SMTP server on 127.0.0.1
(the world of real processes is tests/conftest.py's)."""

from __future__ import annotations

import pytest

from tests.alerts.harness import SinkProc, SmtpServer


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
