"""`writeoffs`: write-off records applied per second through the real path, every rule on:
mostly clean releases, with amends, cancels and the mismatches customs really sends."""

from __future__ import annotations

import json
import random
import sqlite3
import statistics
import time
from datetime import date

from ediops import config as config_mod
from ediops import store
from ediops.licensing.writeoffs import apply_writeoffs

from bench import records
from bench.context import Context

PAGE = 500  # records per pull from customs


def _sample(ctx: Context, count: int, round_no: int) -> list[tuple[dict, str | None]]:
    """Licences already accepted and released, spread over the whole store, with one of their
    declarations (for amends and cancels)."""
    conn = sqlite3.connect(ctx.db_path)
    try:
        total = conn.execute("SELECT max(rowid) FROM licences").fetchone()[0]
        step = max(1, total // (2 * count))  # half the licences qualify: oversample
        rows = conn.execute(
            "SELECT l.record, (SELECT declaration_no FROM releases r WHERE r.licence_no = l.licence_no "
            "AND r.status = 'active' LIMIT 1) FROM licences l "
            "WHERE l.rowid % ? = ? AND l.state = 'accepted' AND l.one_batch = 0 LIMIT ?",
            [step, round_no % step, count],
        ).fetchall()
    finally:
        conn.close()
    return [(json.loads(rec), dec) for rec, dec in rows]


def _records(sample, round_no: int) -> list[dict]:
    rng = random.Random(round_no)
    out = []
    for n, (lic, declaration) in enumerate(sample):
        new_dec = f"{lic['port']}2001{round_no:02d}{n:08d}"
        pick = rng.random()
        released = date(2000, 12, 29)
        if pick < 0.05 and declaration:
            out.append(records.writeoff(lic, declaration, 1500, released, action="amend"))
        elif pick < 0.07 and declaration:
            rec = records.writeoff(lic, declaration, 0, released, action="cancel")
            del rec["quantity"]
            out.append(rec)
        elif pick < 0.10:
            out.append(records.writeoff(lic, new_dec, 1000, released, unit="GRM"))
        elif pick < 0.13:
            out.append(records.writeoff(lic, new_dec, 1000, released, customs_code="9999"))
        elif pick < 0.15:
            out.append(
                records.writeoff(
                    lic, new_dec, 1000, released, operating_unit={"code": "9900000001", "name": "Unknown [unit]"}
                )
            )
        elif pick < 0.16:
            out.append(records.writeoff(dict(lic, licence_no=f"00-ZZ-{n:06d}"), new_dec, 1000, released))
        else:
            out.append(records.writeoff(lic, new_dec, 1000, released))
    return out


def run(ctx: Context) -> dict:
    cfg = config_mod.load(None)
    db = store.connect(ctx.db_path)
    rates = []
    pages = -(-ctx.scale.writeoff_records // PAGE)
    ctx.steps(ctx.scale.rounds * pages)
    try:
        for round_no in range(ctx.scale.rounds):
            recs = _records(_sample(ctx, ctx.scale.writeoff_records, round_no), round_no)
            started = time.perf_counter()
            for i in range(0, len(recs), PAGE):
                apply_writeoffs(db, cfg, recs[i : i + PAGE], now=records.NOW, source="bench")
                ctx.tick()
            rates.append(len(recs) / (time.perf_counter() - started))
    finally:
        db.close()
    return {
        "releases_per_s": round(statistics.median(rates)),
        "records_per_round": len(recs),
        "page": PAGE,
        "rounds": ctx.scale.rounds,
    }
