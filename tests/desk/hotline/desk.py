"""The real desk for the hotline's Pilot tests: DeskApp on a fixed clock and a fresh store."""

from __future__ import annotations

from datetime import datetime

from ediops import config, store
from ediops.clock import SHANGHAI, Clock
from ediops.screens.shell.app import DeskApp

NOW = datetime(2000, 10, 9, 18, 0, tzinfo=SHANGHAI)


def desk(db_path, *, actor: str = "op1", role: str = "hotline", now: datetime = NOW) -> DeskApp:
    store.connect(db_path).close()  # the desk opens an existing, migrated store
    return DeskApp(db_path=db_path, config=config.load(), clock=Clock(now), actor=actor, role=role, poll_seconds=0.1)
