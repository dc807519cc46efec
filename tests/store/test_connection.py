"""The store: pragmas on every connection, migrations once, immediate transactions."""

import sqlite3
import subprocess
import sys

import pytest

from ediops import store


def test_connection_pragmas(db):
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] == store.BUSY_TIMEOUT_MS


def test_migrations_apply_once(db_path):
    first = store.connect(db_path)
    applied = [r[0] for r in first.execute("SELECT name FROM _migrations").fetchall()]
    assert "m010_core" in applied
    again = store.connect(db_path)
    assert store.apply_migrations(again) == []
    assert {"licences", "findings", "audit", "tickets", "window_runs"} <= set(again.table_names())


def test_write_rolls_back_on_error(db):
    with pytest.raises(RuntimeError):
        with store.write(db):
            db.execute("INSERT INTO cursors VALUES ('x', '1', 'now')")
            raise RuntimeError("boom")
    assert db.execute("SELECT count(*) FROM cursors").fetchone()[0] == 0


def test_write_is_immediate_so_a_second_writer_waits(db_path):
    """BEGIN IMMEDIATE takes the write lock at once: a second writer cannot start meanwhile."""
    a = store.connect(db_path)
    b = sqlite3.connect(db_path, timeout=0, isolation_level=None)
    with store.write(a):
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            b.execute("BEGIN IMMEDIATE")
    b.execute("BEGIN IMMEDIATE")
    b.execute("ROLLBACK")


def test_data_version_changes_on_another_connections_commit(db_path):
    reader = store.connect(db_path)
    writer = store.connect(db_path)
    before = store.data_version(reader)
    with store.write(writer):
        writer.execute("INSERT INTO cursors VALUES ('x', '1', 'now')")
    assert store.data_version(reader) != before


def test_processes_opening_a_new_file_at_once_all_get_it(tmp_path):
    """Two daemons starting together on a new file once died with "database is locked" from
    the switch to WAL (SQLite does not retry it through busy_timeout)."""

    code = "import sys; from ediops import store; store.connect(sys.argv[1]).close()"
    for round_ in range(3):
        path = tmp_path / f"new-{round_}.db"
        procs = [
            subprocess.Popen([sys.executable, "-c", code, str(path)], stderr=subprocess.PIPE, text=True)
            for _ in range(6)
        ]
        errors = [err for proc in procs if (err := proc.communicate(timeout=60)[1]) and proc.returncode]
        assert errors == []
        assert store.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
