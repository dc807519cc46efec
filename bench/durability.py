"""`durability`: the cost of commits that survive a power loss (docs/operations.md), as the ingest
and forward ratios of bench/ingest.py and bench/forward.py re-run in this same run under
each way of making them durable:

- `normal`: WAL with synchronous=NORMAL everywhere (before issue 10: a commit may roll back
  after a power loss, even one an ack or a forward already followed);
- `effects` (kept): NORMAL, and synchronous=FULL for the commit an outside effect follows
  (`store.write(db, durable=True)`); that sync of the WAL carries every commit before it;
- `full`: synchronous=FULL on every connection, every commit synced;
- `checkpoint`: NORMAL, and a PASSIVE checkpoint after the commit an outside effect follows
  (syncs the WAL, copies it into the database file and syncs that too).

`commit_ms_*`: the median time of one small write transaction (an attempt counter, as the
engine makes before each POST) on the same store, plain and durable: the cost itself, which
the ratios above show only through this machine's noise.

The figures of the `ingest` and `forward` sections are the `effects` figures: those runs
come first in the same process with the code as committed."""

from __future__ import annotations

import contextlib
import dataclasses
import statistics
import time
from unittest import mock

from ediops import store
from ediops.peers import acks, customs, ministry

from bench import forward, ingest, scale_store
from bench.context import Context

MODES = ("normal", "effects", "full", "checkpoint")


@contextlib.contextmanager
def _checkpointing_write(db, *, durable: bool = False):
    with store.write(db):
        yield db
    if durable:
        db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()


@contextlib.contextmanager
def mode(name: str):
    """The store's durability as `name` says, for connections opened inside."""
    with contextlib.ExitStack() as stack:
        if name in ("normal", "checkpoint"):
            stack.enter_context(mock.patch.object(store, "DURABLE", "NORMAL"))
        if name == "full":
            stack.enter_context(mock.patch.object(store, "SYNCHRONOUS", "FULL"))
        if name == "checkpoint":
            for module in (acks, customs, ministry):
                stack.enter_context(mock.patch.object(module, "write", _checkpointing_write))
        yield


COMMITS = 200


def _commit_ms(db_path, durable: bool) -> float:
    db = store.connect(db_path)
    try:
        db.execute("CREATE TABLE IF NOT EXISTS bench_commits (n INTEGER)")
        times = []
        for n in range(COMMITS):
            started = time.perf_counter()
            with store.write(db, durable=durable):
                db.execute("INSERT INTO bench_commits VALUES (?)", [n])
            times.append(time.perf_counter() - started)
        db.execute("DROP TABLE bench_commits")
        return round(statistics.median(times) * 1000, 3)
    finally:
        db.close()


def run(ctx: Context) -> dict:
    """Each mode on its own copy of the scale store, as the ingest and forward benchmarks found it."""
    figures: dict = {}
    for name in MODES:
        work = scale_store.working_copy(ctx.base_path, ctx.scratch / f"durability-{ctx.scale.name}.db")
        copy = dataclasses.replace(ctx, db_path=work)
        with mode(name):
            figures[f"ingest_ratio_{name}"] = ingest.run(copy)["ratio"]
            measured = forward.run(copy)
            figures[f"forward_ratio_{name}"] = measured["ratio"]
            figures[f"forward_per_s_{name}"] = measured["licences_per_s"]
    work = scale_store.working_copy(ctx.base_path, ctx.scratch / f"durability-{ctx.scale.name}.db")
    figures["commit_ms_normal"] = _commit_ms(work, durable=False)
    figures["commit_ms_durable"] = _commit_ms(work, durable=True)
    return figures
