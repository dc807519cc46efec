"""docs/operations.md: `ediops backup DEST` while others write, `ediops check`, the `backup` window,
upgrades of a store made by the previous release, and a store newer than the program."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from ediops import store

DATA = Path(__file__).parent / "data"
PREVIOUS = DATA / "store-m059.sqlite3"  # the previous release's schema (data/README.md)
ROOT = Path(__file__).resolve().parents[2]

WRITER = """
import sys, time
from pathlib import Path
from ediops import config, store
from ediops.clock import parse_instant
from ediops.licensing.ingest import ingest_batch
from tests.support.records import batch, licence

db, cfg, stop = store.connect(sys.argv[1]), config.load(), Path(sys.argv[2])
now = parse_instant("2000-10-09T17:00:00+08:00")
n = 0
while not stop.exists():
    records = [licence(f"00-AA-{n * 10 + i:06d}") for i in range(10)]
    ingest_batch(db, cfg, batch(*records, batch_id=f"AA-20001009-{n:04d}"), now=now, source="test")
    n += 1
    print(n, flush=True)
"""


def _licences(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM licences").fetchone()[0]
    finally:
        conn.close()


def test_a_backup_taken_while_another_process_ingests_is_sound_and_serves_reads(cli, db_path, tmp_path):
    store.connect(db_path).close()
    stop = tmp_path / "stop"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db_path), str(stop)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        for _ in range(5):  # a few batches in before the copy starts
            assert writer.stdout.readline(), "the writer stopped"
        before = _licences(db_path)
        dest = tmp_path / "copy.db"
        done = cli("backup", str(dest))
        assert done.returncode == 0, done.stderr
        during = _licences(db_path)
        assert writer.poll() is None, "the writer must still be writing after the backup"
    finally:
        stop.touch()
        writer.wait(timeout=30)
    copied = _licences(dest)
    assert before <= copied <= during and copied % 10 == 0  # one instant: whole batches only
    assert copied < _licences(db_path), "the writer went on after the copy"
    assert cli("--db", str(dest), "check").stdout == "ok\n"
    findings = cli("--db", str(dest), "findings", "--json")
    assert findings.returncode == 0 and isinstance(json.loads(findings.stdout), list)
    licence = cli("--db", str(dest), "licence", "00-AA-000001", "--json")
    assert licence.returncode == 0 and json.loads(licence.stdout)["licence_no"] == "00-AA-000001"
    assert not list(tmp_path.glob(".copy.db.partial*")), "the temporary file was left behind"


def test_a_backup_never_replaces_a_file(cli, db_path, tmp_path):
    store.connect(db_path).close()
    dest = tmp_path / "taken.db"
    dest.write_text("an earlier copy")
    done = cli("backup", str(dest))
    assert done.returncode == 1 and "already exists" in done.stderr and len(done.stderr.splitlines()) == 1
    assert dest.read_text() == "an earlier copy"


def test_check_says_ok_or_each_problem(cli, db_path, tmp_path):
    store.connect(db_path).close()
    assert (cli("check").returncode, cli("check").stdout) == (0, "ok\n")
    damaged = tmp_path / "damaged.db"
    shutil.copy(PREVIOUS, damaged)
    with open(damaged, "r+b") as f:  # a page of the file overwritten
        f.seek(8 * 4096)
        f.write(b"\xff" * 4096)
    done = cli("--db", str(damaged), "check")
    assert done.returncode == 1 and len(done.stdout.splitlines()) == 1, done.stdout
    assert "malformed" in done.stdout or "integrity_check" in done.stdout
    not_a_store = tmp_path / "notes.db"
    not_a_store.write_text("shift notes\n")
    done = cli("--db", str(not_a_store), "check")
    assert done.returncode == 1 and done.stdout == f"{not_a_store} is not an SQLite database\n"
    assert not_a_store.read_text() == "shift notes\n"


def test_check_reports_a_foreign_key_violation(cli, db_path):
    db = store.connect(db_path)
    db.conn.execute("PRAGMA foreign_keys = OFF")  # as a careless hand edit with sqlite3 would
    db.conn.execute("INSERT INTO forward_items (idempotency_key, licence_no) VALUES ('no-such-key', '00-AA-000001')")
    db.close()
    done = cli("check")
    assert done.returncode == 1
    assert done.stdout.startswith("foreign_key_check: 1 row(s) of forward_items refer to missing forwards rows")


def test_a_store_of_the_previous_release_is_migrated_and_keeps_its_data(cli, tmp_path):
    old = tmp_path / "old.db"
    shutil.copy(PREVIOUS, old)
    before = cli("--db", str(old), "check")
    pending = [m for m in store.migration_names() if m > "m059_batch_time_indexes"]
    assert before.stdout.splitlines() == ([f"schema: migration {m} not applied" for m in pending] or ["ok"])
    findings = cli.json("--db", str(old), "findings", "--json")  # any command migrates it
    assert len(findings) == 17 and {f["code"] for f in findings} >= {"OVER_QUANTITY", "UNKNOWN_LICENCE"}
    assert cli.json("--db", str(old), "licence", "00-AA-000002", "--json")["licence_no"] == "00-AA-000002"
    assert [t["id"] for t in cli.json("--db", str(old), "ticket", "list", "--json")] == ["T-20261201-0001"]
    assert cli("--db", str(old), "check").stdout == "ok\n"


def test_a_store_newer_than_the_program_is_refused_untouched(cli, tmp_path):
    newer = tmp_path / "newer.db"
    shutil.copy(PREVIOUS, newer)
    store.connect(newer).close()
    conn = sqlite3.connect(newer)
    conn.execute("INSERT INTO _migrations VALUES ('m999_from_the_future', '2031-01-01')")
    conn.commit()
    conn.close()
    size = newer.stat().st_size
    for command in (["findings"], ["desk"], ["ingest", str(ROOT / "tests/data/aa_urgent.json")]):
        done = cli("--db", str(newer), *command)
        assert done.returncode == 1, (command, done.stderr)
        assert "newer ediops" in done.stderr and "m999_from_the_future" in done.stderr
        assert len(done.stderr.splitlines()) == 1, done.stderr
    assert _licences(newer) == 6 and newer.stat().st_size == size
    done = cli("--db", str(newer), "check")
    assert done.returncode == 1 and "m999_from_the_future is unknown to this ediops" in done.stdout


@pytest.fixture
def keep_two(tmp_path):
    folder = tmp_path / "etc"
    folder.mkdir()
    (folder / "settings.toml").write_text('backup_dir = "copies"\nbackup_keep = 2\n')
    return folder


def test_the_backup_window_keeps_the_newest_copies(cli, db_path, keep_two):
    store.connect(db_path).close()
    for hour in ("01", "02", "03"):
        done = cli("--config", str(keep_two), "run", "backup", now=f"2000-10-09T{hour}:30:00+08:00")
        assert done.returncode == 0, done.stderr
    copies = sorted(p.name for p in (db_path.parent / "copies").iterdir())
    assert copies == ["ediops-20001009-023000.db", "ediops-20001009-033000.db"]
    assert cli("--db", str(db_path.parent / "copies" / copies[-1]), "check").stdout == "ok\n"
    windows = cli.json("--config", str(keep_two), "windows", "--json")
    [row] = [w for w in windows if w["window"] == "backup"]
    assert row["outcome"] == "ok" and "2 kept, 1 removed" in row["detail"]
