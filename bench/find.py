"""`find`: the desk's find box looking a name up by some of its characters (docs/languages.md),
as the find screen's worker does it: open `store.connect_reader`, `ediops.views.find.find`
(every identifier lookup and the name index), close. Queries are two and four consecutive
characters cut at random from names the store holds (so each finds something; the scale
store's names all end 有限公司, the worst case for a common pair), plus pairs found nowhere.
The p95 of each length is the goal (<= 50 ms).

Then the name index's migration is timed on the same store: its tables, triggers and index
dropped and `m090_find_names` applied again, as an existing store migrates on upgrade."""

from __future__ import annotations

import random
import statistics
import time

from ediops import config as config_mod
from ediops import store
from ediops.store.migrations import m090_find_names
from ediops.views.find import find

from bench.context import Context
from bench.dashboard import percentile

QUERIES = 100  # of each length
MISSES = ("鸥海", "zq", "嘤嘤")  # pairs no name holds


def _names(path, count: int, rng: random.Random) -> list[str]:
    db = store.connect_reader(path)
    try:
        top = db.execute("SELECT max(id) FROM find_names").fetchone()[0] or 0
        ids = [rng.randint(1, top) for _ in range(count)] if top else []
        return [r[0] for r in store.rows_in(db, "SELECT name FROM find_names WHERE id IN ({})", ids)]
    finally:
        db.close()


def _cuts(names: list[str], length: int, rng: random.Random) -> list[str]:
    cuts = []
    for name in names:
        if len(name.strip()) >= length:
            start = rng.randrange(len(name) - length + 1)
            cut = name[start : start + length]
            if cut.strip() == cut:  # the find box strips what is typed
                cuts.append(cut)
    return cuts


def _lookup(path, text: str, issuers) -> tuple[float, int]:
    started = time.perf_counter()
    db = store.connect_reader(path)  # the find screen's connection, one per lookup
    try:
        hits = find(db, text, issuers=issuers)
    finally:
        db.close()
    return (time.perf_counter() - started) * 1000, len(hits)


def _migration_s(path) -> float:
    """Seconds to build the name index of the store at `path` from scratch."""
    db = store.connect(path)
    try:
        with store.write(db):
            db.execute("DROP TABLE find_names")  # its own triggers go with it
            db.execute("DROP TABLE find_names_fts")
            for trigger in ("licences_find_names", "tickets_find_names_ai", "tickets_find_names_au"):
                db.execute(f"DROP TRIGGER {trigger}")
            db.execute("DROP INDEX licences_party_code")
            db.execute("DELETE FROM _migrations WHERE name = 'm090_find_names'")
        started = time.perf_counter()
        with store.write(db):
            m090_find_names.apply(db)
            db.execute("INSERT INTO _migrations VALUES ('m090_find_names', datetime('now'))")
        return time.perf_counter() - started
    finally:
        db.close()


def run(ctx: Context) -> dict:
    rng = random.Random(19)
    issuers = [(i.code, i.display_name) for i in config_mod.load(None).issuers]
    names = _names(ctx.db_path, QUERIES * 2, rng)
    queries = {
        2: _cuts(names, 2, rng)[:QUERIES] + ["有限", *MISSES],
        4: _cuts(names, 4, rng)[:QUERIES] + ["有限公司", "海鸥食品"],
    }
    ctx.steps(sum(len(q) for q in queries.values()) + 2)
    _lookup(ctx.db_path, "有限", issuers)  # warms the page cache, as the desk's first lookup does
    figures: dict = {}
    timings: list[float] = []
    for length, texts in queries.items():
        ms = []
        for text in texts:
            took, _ = _lookup(ctx.db_path, text, issuers)
            ms.append(took)
            ctx.tick()
        timings += ms
        figures[f"chars{length}_ms_p95"] = round(percentile(ms, 0.95), 2)
        figures[f"chars{length}_ms_median"] = round(statistics.median(ms), 2)
        figures[f"chars{length}_queries"] = len(ms)
    db = store.connect_reader(ctx.db_path)
    try:
        figures["names"] = db.execute("SELECT count(*) FROM find_names").fetchone()[0]
    finally:
        db.close()
    figures = {"name_lookup_ms_p95": max(figures["chars2_ms_p95"], figures["chars4_ms_p95"]), **figures}
    figures["migration_s"] = round(_migration_s(ctx.db_path), 2)
    ctx.tick(2)
    return figures
