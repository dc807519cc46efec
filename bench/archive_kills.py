"""`ediops archive` killed at random points (docs/retention.md): after every kill nothing of
the licences is lost (each row is in the store or an archive file), and once a run completes
each row is held exactly once. `make test` kills it a handful of times
(tests/operations/test_archive_kills.py); `python -m bench.archive_kills --kills 40` many more.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench import scale_store

ROOT = Path(__file__).resolve().parent.parent
NOW = "2004-12-31T10:00:00+08:00"  # the toy store's licences (issued in 2000) are all past retention
# Every table whose rows move with a licence, and how a row names its licence.
OWNED = {
    "licences": "licence_no",
    "licence_events": "licence_no",
    "releases": "licence_no",
    "writeoffs": "licence_no",
    "forward_items": "licence_no",
    "resend_items": "licence_no",
    "findings": "licence_no",
    "tickets": "licence_no",
    "ticket_notes": "(SELECT t.licence_no FROM tickets t WHERE t.id = ticket_id)",
}


def rows(paths: list[Path], columns: dict[str, list[str]]) -> Counter:
    """Every owned row of the store and archive files at `paths`, counted."""
    found: Counter = Counter()
    for path in paths:
        conn = sqlite3.connect(path)  # read-write: a killed run's hot journal is rolled back first
        try:
            for table, cols in columns.items():
                if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", [table]).fetchone():
                    continue
                listed = ", ".join(f'"{c}"' for c in cols)
                found.update((table, *r) for r in conn.execute(f"SELECT {listed} FROM {table}"))
        finally:
            conn.close()
    return found


def files(db_path: Path) -> list[Path]:
    return [db_path, *sorted(db_path.parent.glob("archive-*.db"))]


def setup(folder: Path, licences: int = 600, releases: int = 1500, chunk: int = 15) -> tuple[Path, Path]:
    """A toy store and a configuration whose archive chunks are small (many kill points)."""
    db_path = folder / "ediops.db"
    scale_store.build(db_path, licences, releases)
    config = folder / "config"
    config.mkdir()
    (config / "settings.toml").write_text(f"archive_chunk = {chunk}\n")
    return db_path, config


def run(db_path: Path, config: Path, *, kill_after: float | None = None) -> int | None:
    """`ediops archive`, killed with SIGKILL after `kill_after` seconds (None: to the end).
    Returns its exit status, or None when it was killed."""
    argv = [sys.executable, str(ROOT / "main.py"), "--db", str(db_path), "--config", str(config), "--now", NOW]
    proc = subprocess.Popen([*argv, "archive"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    if kill_after is None:
        _, err = proc.communicate(timeout=600)
        if proc.returncode:
            raise RuntimeError(f"ediops archive exited {proc.returncode}: {err.decode()}")
        return proc.returncode
    try:
        proc.wait(timeout=kill_after)
        return proc.returncode
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        return None


def _copy_store(source: Path, dest: Path) -> None:
    """The store's files (no archive) from `source` to `dest`, replacing what is there."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{dest}{suffix}").unlink(missing_ok=True)
        if Path(f"{source}{suffix}").exists():
            Path(f"{dest}{suffix}").write_bytes(Path(f"{source}{suffix}").read_bytes())


def kill_at_random(db_path: Path, config: Path, kills: int, seed: int) -> dict:
    """Runs killed at random instants over a full run's length until `kills` of them died
    mid-run (a run that finished first is checked, then the store is reset to its start), then
    one run to the end. Raises AssertionError on any row lost or doubled."""
    conn = sqlite3.connect(db_path)
    columns = {t: [r[1] for r in conn.execute(f"PRAGMA table_info({t})")] for t in OWNED}
    conn.close()
    before = rows([db_path], columns)
    rng = random.Random(seed)
    pristine = db_path.with_name("pristine")
    pristine.mkdir()
    _copy_store(db_path, pristine / "ediops.db")
    started = time.perf_counter()
    run(pristine / "ediops.db", config)  # how long a whole run takes, on a copy
    full = time.perf_counter() - started
    _copy_store(db_path, pristine / "ediops.db")
    killed = finished = 0
    while killed < kills:
        if run(db_path, config, kill_after=rng.uniform(0.3, full)) is None:
            killed += 1
            lost = before - rows(files(db_path), columns)
            assert not lost, f"rows lost after a kill: {sorted(lost)[:3]}"
            continue
        finished += 1
        after = rows(files(db_path), columns)
        assert after == before, f"lost {sorted(before - after)[:3]}, doubled {sorted(after - before)[:3]}"
        for archive in db_path.parent.glob("archive-*.db"):
            archive.unlink()
        _copy_store(pristine / "ediops.db", db_path)
    run(db_path, config)
    after = rows(files(db_path), columns)
    assert after == before, f"lost {sorted(before - after)[:3]}, doubled {sorted(after - before)[:3]}"
    return {
        "full_run_s": round(full, 2),
        "killed_mid_run": killed,
        "finished_before_the_kill": finished,
        "rows": sum(before.values()),
        "rows_left_in_store": sum(rows([db_path], columns).values()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kills", type=int, default=40)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--licences", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ediops-archive-kills-") as tmp:
        db_path, config = setup(Path(tmp), licences=args.licences, releases=args.licences * 5 // 2)
        print(kill_at_random(db_path, config, args.kills, args.seed), f"seed {args.seed}")


if __name__ == "__main__":
    main()
