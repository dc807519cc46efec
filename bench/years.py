"""`years` (docs/retention.md): the store in year one and in year five, same run. Year five is
the scale store's year copied four more times, a year later each (licence numbers, dates,
keys shifted; the four older years' findings and tickets closed, as they would be by then),
then archived as `ediops archive` does with the bundled retention (1095 days); a copy of it
is archived again with a short one (30 days). The three states are measured interleaved,
round by round, as the desk and the centre see them: the desk's first frame, the dashboard
refresh p95, a licence lookup (live, and archived), the backup time and the store's size.
The ratios are year five over year one (goal <= 1.2 each)."""

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


class _State:
    """One store measured: its path, its "now", the licences looked up live and archived."""

    def __init__(self, path: Path, now, live: list[str], archived: list[str]):
        self.path, self.now, self.live, self.archived = path, now, live, archived
        self.screen = SimpleNamespace(app=SimpleNamespace(config=config_mod.load(None), db_path=path))
        self.screen.fetch_panes = lambda db, at: HomeScreen.fetch_panes(self.screen, db, at)
        self.figures: dict[str, list[float]] = {"dashboard": [], "first_frame": [], "backup": [], "copies": []}

    def refresh_ms(self) -> float:
        """One home-screen refresh as the desk's worker does it (bench/dashboard.py)."""
        started = time.perf_counter()
        db = store.connect_reader(self.path)
        try:
            HomeScreen.fetch(self.screen, db, self.now)
        finally:
            db.close()
        return (time.perf_counter() - started) * 1000

    def argv(self) -> list[str]:
        return [sys.executable, str(ROOT / "main.py"), "desk", "--db", str(self.path), "--now", self.now.isoformat()]

    def backup(self, scratch: Path) -> int:
        """Times the daily backup (the store) and the archives' copies; returns the copy's bytes."""
        dest = scratch / "years-backup"
        shutil.rmtree(dest, ignore_errors=True)
        dest.mkdir()
        started = time.perf_counter()
        size = maintenance.backup(self.path, dest / "ediops.db").stat().st_size
        self.figures["backup"].append(time.perf_counter() - started)
        started = time.perf_counter()
        maintenance.backup_archives(self.path, dest, "", replace=True)
        self.figures["copies"].append(time.perf_counter() - started)
        shutil.rmtree(dest, ignore_errors=True)
        return size

    def lookup_p95(self, numbers: list[str]) -> float | None:
        """`find_licence` of each (what `ediops licence NO --json` and the desk's detail read)."""
        if not numbers:
            return None
        db = store.connect(self.path, migrate=False)
        timings = []
        try:
            for number in numbers:
                started = time.perf_counter()
                assert find_licence(db, number, now=self.now) is not None, number
                timings.append((time.perf_counter() - started) * 1000)
        finally:
            db.close()
        return round(percentile(timings, 0.95), 2)


def _measure(ctx: Context, states: list[_State]) -> list[dict]:
    """Every figure of every state, the states interleaved round by round (as bench/desk.py
    alternates its two apps), so the shared machine's load falls on all of them alike."""
    sizes = {}
    for _ in range(3):
        for state in states:
            sizes[state.path] = state.backup(ctx.scratch)
    for state in states:
        state.refresh_ms()  # the first refresh warms the page cache, as a desk's first frame does
    for _ in range(ctx.scale.dashboard_refreshes):
        for state in states:
            state.figures["dashboard"].append(state.refresh_ms())
    term = Terminal(ctx.scratch)
    try:
        for state in states:
            first_frame(term, state.argv(), desk=True, scratch=ctx.scratch)  # warms the caches
        for _ in range(ctx.scale.desk_runs):
            for state in states:
                state.figures["first_frame"].append(first_frame(term, state.argv(), desk=True, scratch=ctx.scratch)[0])
    finally:
        term.close()
    out = []
    for state in states:
        conn = sqlite3.connect(state.path)
        licences = conn.execute("SELECT count(*) FROM licences").fetchone()[0]
        conn.close()
        f = state.figures
        out.append(
            {
                "licences_in_store": licences,
                "store_mb": round(state.path.stat().st_size / 1e6, 1),
                "backup_mb": round(sizes[state.path] / 1e6, 1),
                "archives_mb": round(sum(p.stat().st_size for p in store.archive_files(state.path)) / 1e6, 1),
                "backup_s": round(statistics.median(f["backup"]), 3),
                "archive_copies_s": round(statistics.median(f["copies"]), 3),
                "dashboard_ms_p95": round(percentile(f["dashboard"], 0.95), 2),
                "first_frame_s": round(statistics.median(f["first_frame"]), 3),
                "lookup_ms_p95": state.lookup_p95(state.live),
                "archived_lookup_ms_p95": state.lookup_p95(state.archived),
            }
        )
    return out


def _sample(db_path: Path, rng: random.Random, where: str = "1") -> list[str]:
    conn = sqlite3.connect(db_path)
    try:
        numbers = [r[0] for r in conn.execute(f"SELECT licence_no FROM licences WHERE {where}")]
    finally:
        conn.close()
    return rng.sample(numbers, min(LOOKUPS, len(numbers)))


def _sample_archived(db_path: Path, rng: random.Random) -> list[str]:
    numbers: list[str] = []
    for path in store.archive_files(db_path):
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            numbers += [r[0] for r in conn.execute("SELECT licence_no FROM licences")]
        finally:
            conn.close()
    return rng.sample(numbers, min(LOOKUPS, len(numbers)))


def _archive(db_path: Path, now, days: int) -> dict:
    db = store.connect(db_path, migrate=False)
    try:
        started = time.perf_counter()
        done = archive.run(db, db_path, {"archive_after_days": days}, actor="bench", now=now)
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


def _copy_folder(source: Path, dest: Path) -> None:
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(source, dest)


def run(ctx: Context) -> dict:
    ctx.steps(5)
    rng = random.Random(2000)
    folder = ctx.scratch / "years"
    for name in ("year-one", "year-five", "year-five-short"):
        shutil.rmtree(folder / name, ignore_errors=True)
    (folder / "year-one").mkdir(parents=True)
    (folder / "year-five").mkdir()
    one_path = scale_store.working_copy(ctx.base_path or ctx.db_path, folder / "year-one" / "ediops.db")
    five_path = folder / "year-five" / "ediops.db"
    now = records.NOW.replace(year=records.NOW.year + YEARS - 1)
    build_year_five(ctx.base_path or ctx.db_path, five_path)
    ctx.tick()
    bundled = _archive(five_path, now, archive.AFTER_DAYS)
    ctx.tick()
    _copy_folder(folder / "year-five", folder / "year-five-short")
    short_path = folder / "year-five-short" / "ediops.db"
    short = _archive(short_path, now, SHORT_RETENTION_DAYS)
    again = _archive(short_path, now, SHORT_RETENTION_DAYS)
    ctx.tick()
    live = "licence_no LIKE '04-%'"
    states = [
        _State(one_path, records.NOW, _sample(one_path, rng), []),
        _State(five_path, now, _sample(five_path, rng, live), _sample_archived(five_path, rng)),
        _State(short_path, now, _sample(short_path, rng, live), _sample_archived(short_path, rng)),
    ]
    one, five, five_short = _measure(ctx, states)
    ctx.tick(2)
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
