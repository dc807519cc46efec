"""`years` (docs/retention.md): the store in year one and in year five, same run. Year five is
the scale store's year copied four more times, a year later each (licence numbers, dates,
keys shifted; the four older years' findings and tickets closed, as they would be by then),
then archived as `ediops archive` does with the bundled retention (1095 days), and once more
with a short one. Each state is measured as the desk and the centre see it: the desk's first
frame, the dashboard refresh p95, a licence lookup (live, and archived), the backup time and
the store's size. The ratios are year five over year one (goal <= 1.2 each)."""

from __future__ import annotations

import random
import shutil
import sqlite3
import statistics
import sys
import time
from pathlib import Path
from types import SimpleNamespace

from ediops import config as config_mod
from ediops import store
from ediops.licensing.licence import find_licence
from ediops.operations import archive
from ediops.screens.shell.home import HomeScreen
from ediops.store import maintenance

from bench import records, scale_store
from bench.context import Context
from bench.dashboard import percentile
from bench.desk import ROOT, first_frame
from bench.terminal import Terminal

YEARS = 5
SHORT_RETENTION_DAYS = 30  # the live store's alternative: archived a month after valid_to and the last write-off
LOOKUPS = 60
_DATE = "{c} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*'"


def _shifted(table: str, column: str, k: int) -> str | None:
    """The SQL making year `k`'s value of a column from the base's (None: left out, a new rowid)."""
    c = f'"{column}"'
    ticket = f"replace({c}, 'T-2000', 'T-{2000 + k}')"
    if column == "id":
        return ticket if table == "tickets" else None
    if column == "licence_no":
        return f"printf('%02d', {k}) || substr({c}, 3)"
    if column in (
        "batch_id",
        "idempotency_key",
        "forward_key",
        "relay_key",
        "content_hash",
        "declaration_no",
        "subject",
    ):
        return f"{c} || '/{k}'"
    if column == "ticket_id":
        return ticket
    if column.endswith(("_at", "_on", "_date", "_from", "_to")) or column in ("at", "period", "since"):
        year = f"printf('%04d', substr({c}, 1, 4) + {k}) || substr({c}, 5)"
        return f"CASE WHEN {_DATE.format(c=c)} THEN {year} ELSE {c} END"
    return c


def _copy_year(conn: sqlite3.Connection, k: int) -> None:
    """Year `k` of every loaded table from the attached base store."""
    for table in scale_store.LOADED:
        columns = [r[1] for r in conn.execute(f"PRAGMA base.table_info({table})")]
        kept = [(c, sql) for c in columns if (sql := _shifted(table, c, k))]
        conn.execute(
            f"INSERT INTO main.{table} ({', '.join(c for c, _ in kept)}) "
            f"SELECT {', '.join(sql for _, sql in kept)} FROM base.{table}"
        )


def _settle(conn: sqlite3.Connection, prefix: str) -> None:
    """An older year as it stands years later: its findings resolved, tickets closed, forwards answered."""
    conn.execute(
        "UPDATE findings SET status = 'resolved', closed_at = updated_at WHERE status = 'open' AND licence_no LIKE ?",
        [prefix + "%"],
    )
    conn.execute("UPDATE tickets SET status = 'closed' WHERE status != 'closed' AND licence_no LIKE ?", [prefix + "%"])
    conn.execute(
        "UPDATE licences SET state = 'accepted' WHERE state != 'accepted' AND licence_no LIKE ?", [prefix + "%"]
    )
    conn.execute("UPDATE forwards SET status = 'answered' WHERE status = 'pending'")


def build_year_five(base: Path, dest: Path) -> None:
    """The base store's year as years 1-4 (settled) plus year 5 as it is, a year later each."""
    for p in dest.parent.glob(dest.name + "*"):
        p.unlink()
    for p in dest.parent.glob("archive-*.db"):
        p.unlink()
    store.connect(dest).close()
    conn = sqlite3.connect(dest, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("ATTACH ? AS base", [str(base)])
    conn.execute("INSERT OR IGNORE INTO issuers SELECT * FROM base.issuers")
    for k in range(YEARS):
        conn.execute("BEGIN")
        _copy_year(conn, k)
        if k < YEARS - 1:
            _settle(conn, f"{k:02d}-")
        conn.execute("COMMIT")
    conn.execute(
        "UPDATE findings SET status = 'resolved' WHERE status = 'open' AND licence_no IS NULL AND opened_at < ?",
        [str(2000 + YEARS - 1)],
    )
    conn.execute("DETACH base")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def _dashboard_p95(db_path: Path, now, refreshes: int) -> float:
    screen = SimpleNamespace(app=SimpleNamespace(config=config_mod.load(None), db_path=db_path))
    screen.fetch_panes = lambda db, at: HomeScreen.fetch_panes(screen, db, at)
    timings = []
    for i in range(refreshes + 1):
        started = time.perf_counter()
        db = store.connect_reader(db_path)
        try:
            HomeScreen.fetch(screen, db, now)
        finally:
            db.close()
        if i:
            timings.append((time.perf_counter() - started) * 1000)
    return round(percentile(timings, 0.95), 2)


def _first_frame(ctx: Context, db_path: Path, now) -> float:
    argv = [sys.executable, str(ROOT / "main.py"), "desk", "--db", str(db_path), "--now", now.isoformat()]
    term = Terminal(ctx.scratch)
    try:
        first_frame(term, argv, desk=True, scratch=ctx.scratch)  # warms the caches
        return round(
            statistics.median(
                first_frame(term, argv, desk=True, scratch=ctx.scratch)[0] for _ in range(ctx.scale.desk_runs)
            ),
            3,
        )
    finally:
        term.close()


def _lookup_p95(db_path: Path, numbers: list[str], now) -> float | None:
    """`licence_view` of each (what `ediops licence NO --json` and the desk's detail read)."""
    if not numbers:
        return None
    db = store.connect(db_path, migrate=False)
    timings = []
    try:
        for number in numbers:
            started = time.perf_counter()
            view = find_licence(db, number, now=now)
            timings.append((time.perf_counter() - started) * 1000)
            assert view is not None, number
    finally:
        db.close()
    return round(percentile(timings, 0.95), 2)


def _backup_s(db_path: Path, scratch: Path) -> tuple[float, float, int]:
    """(seconds for the store's backup, seconds for the archives' copies, backup bytes)."""
    dest = scratch / "years-backup"
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir()
    started = time.perf_counter()
    copy = maintenance.backup(db_path, dest / "ediops.db")
    store_s = time.perf_counter() - started
    started = time.perf_counter()
    maintenance.backup_archives(db_path, dest, "", replace=True)
    archives_s = time.perf_counter() - started
    size = copy.stat().st_size
    shutil.rmtree(dest, ignore_errors=True)
    return round(store_s, 3), round(archives_s, 3), size


def _sample(db_path: Path, rng: random.Random, where: str = "1") -> list[str]:
    conn = sqlite3.connect(db_path)
    try:
        numbers = [r[0] for r in conn.execute(f"SELECT licence_no FROM licences WHERE {where}")]
    finally:
        conn.close()
    return rng.sample(numbers, min(LOOKUPS, len(numbers)))


def _measure(ctx: Context, db_path: Path, now, live: list[str], archived: list[str]) -> dict:
    store_s, archives_s, backup_bytes = _backup_s(db_path, ctx.scratch)
    conn = sqlite3.connect(db_path)
    licences = conn.execute("SELECT count(*) FROM licences").fetchone()[0]
    conn.close()
    return {
        "licences_in_store": licences,
        "store_mb": round(db_path.stat().st_size / 1e6, 1),
        "backup_mb": round(backup_bytes / 1e6, 1),
        "archives_mb": round(sum(p.stat().st_size for p in store.archive_files(db_path)) / 1e6, 1),
        "backup_s": store_s,
        "archive_copies_s": archives_s,
        "dashboard_ms_p95": _dashboard_p95(db_path, now, ctx.scale.dashboard_refreshes),
        "first_frame_s": _first_frame(ctx, db_path, now),
        "lookup_ms_p95": _lookup_p95(db_path, live, now),
        "archived_lookup_ms_p95": _lookup_p95(db_path, archived, now),
    }


def _archive(db_path: Path, now, days: int) -> dict:
    db = store.connect(db_path, migrate=False)
    try:
        settings = {"archive_after_days": days}
        started = time.perf_counter()
        done = archive.run(db, db_path, settings, actor="bench", now=now)
        seconds = time.perf_counter() - started
    finally:
        db.close()
    return {
        "archive_after_days": days,
        "licences_moved": sum(y["licences"] for y in done["years"].values()),
        "seconds": round(seconds, 1),
        "chunks": done["chunks"],
        "longest_write_lock_ms": done["longest_lock_ms"],
    }


def _ratios(one: dict, five: dict) -> dict:
    return {
        "dashboard_p95_ratio": round(five["dashboard_ms_p95"] / one["dashboard_ms_p95"], 2),
        "first_frame_ratio": round(five["first_frame_s"] / one["first_frame_s"], 2),
        "backup_s_ratio": round(five["backup_s"] / one["backup_s"], 2),
    }


def run(ctx: Context) -> dict:
    ctx.steps(5)
    rng = random.Random(2000)
    folder = ctx.scratch / "years"
    for name in ("year-one", "year-five"):
        shutil.rmtree(folder / name, ignore_errors=True)
        (folder / name).mkdir(parents=True)
    one_path = scale_store.working_copy(ctx.base_path or ctx.db_path, folder / "year-one" / "ediops.db")
    one = _measure(ctx, one_path, records.NOW, _sample(one_path, rng), [])
    ctx.tick()
    five_path = folder / "year-five" / "ediops.db"
    now = records.NOW.replace(year=records.NOW.year + YEARS - 1)
    build_year_five(ctx.base_path or ctx.db_path, five_path)
    ctx.tick()
    bundled = _archive(five_path, now, archive.AFTER_DAYS)
    five = _measure(
        ctx, five_path, now, _sample(five_path, rng, "licence_no LIKE '04-%'"), _sample_archived(five_path, rng)
    )
    ctx.tick()
    short = _archive(five_path, now, SHORT_RETENTION_DAYS)
    five_short = _measure(
        ctx, five_path, now, _sample(five_path, rng, "licence_no LIKE '04-%'"), _sample_archived(five_path, rng)
    )
    ctx.tick()
    again = _archive(five_path, now, SHORT_RETENTION_DAYS)
    ctx.tick()
    return {
        **_ratios(one, five),
        "archived_lookup_ms_p95": five["archived_lookup_ms_p95"],
        "year_one": one,
        "year_five": {**five, "archive_run": bundled},
        f"year_five_archived_after_{SHORT_RETENTION_DAYS}_days": {
            **five_short,
            **_ratios(one, five_short),
            "archive_run": short,
        },
        "second_run_moved": again["licences_moved"],
        "now_year_five": now.isoformat(),
    }


def _sample_archived(db_path: Path, rng: random.Random) -> list[str]:
    numbers: list[str] = []
    for path in store.archive_files(db_path):
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            numbers += [r[0] for r in conn.execute("SELECT licence_no FROM licences")]
        finally:
            conn.close()
    return rng.sample(numbers, min(LOOKUPS, len(numbers)))
