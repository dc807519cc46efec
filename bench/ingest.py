"""`ingest`: licences through the real ingest path (validation, store, rules, ack) against the
same rows inserted into the same table by plain sqlite3 executemany in one transaction."""

from __future__ import annotations

import random
import sqlite3
import statistics
import time

from ediops import config as config_mod
from ediops import store
from ediops.licensing.ingest import ingest_batch

from bench import records
from bench.context import Context

FIRST_SERIAL = 700_000  # above any serial the scale store holds (25,000 an issuer)


def _batches(ctx: Context, issuers: list[str], round_no: int) -> list[dict]:
    rng = random.Random(round_no)
    serials = {i: FIRST_SERIAL + round_no * 20_000 for i in issuers}
    out, left, seq = [], ctx.scale.ingest_licences, 10 + round_no * 30
    while left > 0:
        issuer = issuers[len(out) % len(issuers)]
        size = min(ctx.scale.batch_size, left)
        recs = [records.licence(issuer, serials[issuer] + n, records.YEAR_END, rng) for n in range(size)]
        serials[issuer] += size
        out.append(records.batch(issuer, records.YEAR_END, seq + len(out) // len(issuers), recs))
        left -= size
    return out


def _real(ctx: Context, db, cfg, batches: list[dict]) -> float:
    started = time.perf_counter()
    for bat in batches:
        ack = ingest_batch(db, cfg, bat, now=records.NOW, source="bench")
        if len(ack["accepted"]) != len(bat["records"]):
            raise RuntimeError(f"bench batch {bat['batch_id']} not fully accepted: {ack['rejected'][:3]}")
        ctx.tick()
    return time.perf_counter() - started


def _raw(ctx: Context, batch_ids: list[str]) -> tuple[int, float]:
    """Takes the rows the real path stored out again, then times putting them back with
    executemany in one transaction on a plain sqlite3 connection."""
    conn = sqlite3.connect(ctx.db_path, isolation_level=None)
    try:
        marks = ", ".join("?" * len(batch_ids))
        cursor = conn.execute(f"SELECT * FROM licences WHERE batch_id IN ({marks})", batch_ids)
        cols = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(f"DELETE FROM licences WHERE batch_id IN ({marks})", batch_ids)
        conn.execute("COMMIT")
        sql = f"INSERT INTO licences ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
        started = time.perf_counter()
        conn.execute("BEGIN")
        conn.executemany(sql, rows)
        conn.execute("COMMIT")
        return len(rows), time.perf_counter() - started
    finally:
        conn.close()


def run(ctx: Context) -> dict:
    cfg = config_mod.load(None)
    issuers = [i.code for i in cfg.issuers]
    db = store.connect(ctx.db_path)
    real_rates, raw_rates, ratios = [], [], []
    ctx.steps(ctx.scale.rounds * (-(-ctx.scale.ingest_licences // ctx.scale.batch_size)))
    try:
        for round_no in range(ctx.scale.rounds):
            batches = _batches(ctx, issuers, round_no)
            count = sum(len(b["records"]) for b in batches)
            real = count / _real(ctx, db, cfg, batches)
            raw_count, raw_s = _raw(ctx, [b["batch_id"] for b in batches])
            if raw_count != count:
                raise RuntimeError(f"ingest stored {raw_count} licence rows for {count} licences")
            raw = count / raw_s
            real_rates.append(real)
            raw_rates.append(raw)
            ratios.append(real / raw)
    finally:
        db.close()
    return {
        "licences_per_s": round(statistics.median(real_rates)),
        "raw_executemany_per_s": round(statistics.median(raw_rates)),
        "ratio": round(statistics.median(ratios), 3),
        "licences_per_round": ctx.scale.ingest_licences,
        "batch_size": ctx.scale.batch_size,
        "rounds": ctx.scale.rounds,
    }
