"""The desk's one way to the data file. The desk imports no `ediops.store` module (an
import-linter contract in pyproject.toml): it reads through the read models of ediops.views,
acts through the domain's actions, and holds a connection only through this module."""

from __future__ import annotations

import os
from pathlib import Path

from ediops import store
from ediops.store import health

# A plain sqlite3 reader per fetch (no migration check), closed by the caller.
reader = store.connect_reader
# PRAGMA data_version: moves when another connection commits; the desk refreshes on it.
data_version = store.data_version
# One transaction around several actions that must land together (a call and its paper check).
transaction = store.write
# What is wrong with the room the data file has (full, read-only), or None.
room = health.room
default_path = store.default_path
is_migrated = store.is_migrated


def writer(path: str | os.PathLike) -> store.Database:
    """A connection for the domain's actions, which run their own transactions; the desk never
    migrates (`ediops desk` did before its first screen)."""
    return store.connect(path, migrate=False)


def migrate(path: Path, *, mode: int | None) -> None:
    """Brings a data file to the current schema (creating it with `mode`), then closes it."""
    store.connect(path, mode=mode).close()
