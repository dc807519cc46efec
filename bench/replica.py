"""`replica` (docs/two-sites.md): Litestream replicating a copy of the measured store to a
file:// replica with replica_sync_seconds = 1, while a busy day's batches go through the
real ingest path.

- `lag_p95_s`: for each ingest commit, the time until the replica holds it. Litestream
  numbers what it ships (one LTX file per sync, covering every commit before it); a watcher
  notes when each number was written beside the store (Litestream has read the WAL) and in
  the replica; a commit is held by the first number written locally after it.
- `ingest_ratio`: licences a second ingested into the replicated copy over a second copy
  that nothing replicates, rounds alternating (the same machine load for both).
- `wal_max_mb`: the largest the store's WAL grew with replication running (Litestream
  checkpoints every CHECKPOINT_SECONDS; the application's PASSIVE autocheckpoints cannot
  restart the WAL past its read lock), and `wal_max_mb_not_replicated` beside it.
- `restore_s`: `ediops restore` of the replica (Litestream restore and `check`)."""

from __future__ import annotations

import random
import shutil
import statistics
import subprocess
import threading
import time
from pathlib import Path

from ediops import config as config_mod
from ediops import store
from ediops.licensing.ingest import ingest_batch
from ediops.operations import replica
from ediops.store import maintenance

from bench import records
from bench.context import Context

SYNC_SECONDS = 1
BATCH = 20  # licences a commit: a busy day is many issuers' small batches, urgent ones among them
FIRST_SERIAL = 950_000  # above the scale store's and the ingest benchmark's serials


def _day(ctx: Context, issuers: list[str], round_no: int) -> list[dict]:
    """ctx.scale.ingest_licences licences in batches of BATCH, issuers in turn."""
    rng = random.Random(round_no)
    each = ctx.scale.ingest_licences // len(issuers) + BATCH
    serials = {i: FIRST_SERIAL + round_no * each for i in issuers}
    out, left = [], ctx.scale.ingest_licences
    while left > 0:
        issuer = issuers[len(out) % len(issuers)]
        recs = [records.licence(issuer, serials[issuer] + n, records.YEAR_END, rng) for n in range(min(BATCH, left))]
        serials[issuer] += len(recs)
        out.append(records.batch(issuer, records.YEAR_END, 10_000 * (round_no + 1) + len(out), recs))
        left -= len(recs)
    return out


class Watcher(threading.Thread):
    """Notes when each LTX file was written beside the store and in the replica (its mtime),
    and the largest WAL seen, every 20 ms."""

    def __init__(self, db: Path, replica_dir: Path, plain: Path):
        super().__init__(daemon=True)
        self.plain_wal = Path(f"{plain}-wal")
        self.plain_wal_max = 0
        self.local_dir = db.parent / f".{db.name}-litestream" / "ltx" / "0"
        self.replica_dir = replica_dir / "ltx" / "0"
        self.wal = Path(f"{db}-wal")
        self.local: dict[int, float] = {}
        self.remote: dict[int, float] = {}
        self.wal_max = 0
        self.stopping = threading.Event()

    def _note(self, folder: Path, seen: dict[int, float]) -> None:
        for path in folder.glob("*.ltx") if folder.is_dir() else ():
            number = int(path.stem.split("-")[-1], 16)
            if number not in seen:
                try:
                    seen[number] = path.stat().st_mtime  # when Litestream wrote it, however late we look
                except FileNotFoundError:
                    pass

    def run(self) -> None:
        while not self.stopping.is_set():
            self._note(self.local_dir, self.local)
            self._note(self.replica_dir, self.remote)
            self.wal_max = max(self.wal_max, _size(self.wal))
            self.plain_wal_max = max(self.plain_wal_max, _size(self.plain_wal))
            time.sleep(0.02)

    def lag(self, committed: float) -> float | None:
        """When the replica held a commit made at `committed` (None: not yet seen)."""
        shipped = [n for n, at in self.local.items() if at >= committed]
        if not shipped:
            return None
        first = min(shipped)
        held = [at for n, at in self.remote.items() if n >= first]
        return min(held) - committed if held else None


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _ingest(db, cfg, batches: list[dict], commits: list[float] | None = None) -> float:
    """Licences a second through the real path; notes each commit's time."""
    started = time.perf_counter()
    for bat in batches:
        ack = ingest_batch(db, cfg, bat, now=records.NOW, source="bench")
        if len(ack["accepted"]) != len(bat["records"]):
            raise RuntimeError(f"bench batch {bat['batch_id']} not fully accepted: {ack['rejected'][:3]}")
        if commits is not None:
            commits.append(time.time())
    return sum(len(b["records"]) for b in batches) / (time.perf_counter() - started)


def run(ctx: Context) -> dict:
    work, plain = ctx.scratch / "replica-work.db", ctx.scratch / "replica-plain.db"
    replica_dir = ctx.scratch / "replica-litestream"
    for old in (work, plain, ctx.scratch / "replica-restored.db"):
        for path in (old, Path(f"{old}-wal"), Path(f"{old}-shm")):
            path.unlink(missing_ok=True)
    shutil.rmtree(replica_dir, ignore_errors=True)
    shutil.rmtree(work.parent / f".{work.name}-litestream", ignore_errors=True)
    maintenance.backup(ctx.db_path, work)
    maintenance.backup(ctx.db_path, plain)
    settings = {"replica_url": f"file://{replica_dir}", "replica_sync_seconds": SYNC_SECONDS}
    cfg = config_mod.load(None)
    issuers = [i.code for i in cfg.issuers]
    db, plain_db = store.connect(work), store.connect(plain)
    rounds = 3 * ctx.scale.rounds
    ctx.steps(2 * rounds + 1)
    without, with_, commits = [], [], []
    watcher = Watcher(work, replica_dir, plain)
    try:
        with replica._config_file(settings, work) as config:
            litestream = subprocess.Popen(
                [replica.binary(), "replicate", "-no-expand-env", "-config", config],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                _wait(lambda: (replica_dir / "ltx" / "0").is_dir(), "the first snapshot")
                watcher.start()
                for n in range(rounds):  # alternating, and which goes first too
                    for replicated in (n % 2 == 0, n % 2 == 1):
                        day = _day(ctx, issuers, n)
                        if replicated:
                            with_.append(_ingest(db, cfg, day, commits))
                        else:
                            without.append(_ingest(plain_db, cfg, day))
                        ctx.tick()
                _wait(lambda: all(watcher.lag(c) is not None for c in commits[-3:]), "the replica catching up", 30)
            finally:
                litestream.terminate()
                litestream.wait(30)
                watcher.stopping.set()
    finally:
        db.close()
        plain_db.close()
    lags = sorted(lag for c in commits if (lag := watcher.lag(c)) is not None)
    started = time.perf_counter()
    replica.restore(settings, f"file://{replica_dir}", ctx.scratch / "replica-restored.db")
    restore_s = time.perf_counter() - started
    ctx.tick()
    return {
        "replica_sync_seconds": SYNC_SECONDS,
        "commits": len(commits),
        "lag_p50_s": round(statistics.median(lags), 3),
        "lag_p95_s": round(lags[int(0.95 * (len(lags) - 1))], 3),
        "lag_max_s": round(lags[-1], 3),
        "ingest_with_per_s": round(statistics.median(with_)),
        "ingest_without_per_s": round(statistics.median(without)),
        "ingest_ratio": round(statistics.median(with_) / statistics.median(without), 2),
        "wal_max_mb": round(watcher.wal_max / 1e6, 1),
        "wal_max_mb_not_replicated": round(watcher.plain_wal_max / 1e6, 1),
        "store_mb": round(work.stat().st_size / 1e6, 1),
        "restore_s": round(restore_s, 2),
    }


def _wait(check, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what}: not within {timeout} s")
        time.sleep(0.05)


def restore_only(source: Path, scratch: Path, *, in_place: bool = False) -> dict:
    """`restore_s` for a store of any size: a copy of `source` replicated once by Litestream
    (`replicate -once`, a snapshot), then `ediops restore` of that replica, timed.

        python -m bench.replica STORE [SCRATCH] [--in-place]   (the full-scale figure of bench/NOTES.md)

    `in_place`: STORE is a scratch copy already (8 GB at full scale), used and removed."""
    scratch = scratch.resolve()  # a file:// URL needs an absolute path
    work = source.resolve() if in_place else scratch / "restore-work.db"
    replica_dir, dest = scratch / "restore-litestream", scratch / "restore-dest.db"
    for old in (dest,) if in_place else (work, dest):
        for path in (old, Path(f"{old}-wal"), Path(f"{old}-shm")):
            path.unlink(missing_ok=True)
    shutil.rmtree(replica_dir, ignore_errors=True)
    shutil.rmtree(scratch / f".{work.name}-litestream", ignore_errors=True)
    if not in_place:
        shutil.copyfile(source, work)
    store.connect(work).close()  # migrated to this program's schema, as a live store is (not timed)
    settings = {"replica_url": f"file://{replica_dir}", "replica_sync_seconds": SYNC_SECONDS}
    started = time.perf_counter()
    with replica._config_file(settings, work) as config:
        subprocess.run([replica.binary(), "replicate", "-once", "-no-expand-env", "-config", config], check=True)
    snapshot_s = time.perf_counter() - started
    started = time.perf_counter()
    replica.restore(settings, f"file://{replica_dir}", dest)
    restore_s = time.perf_counter() - started
    figures = {
        "store_mb": round(work.stat().st_size / 1e6),
        "snapshot_s": round(snapshot_s, 1),
        "restore_s": round(restore_s, 1),
    }
    for old in (work, dest):
        for path in (old, Path(f"{old}-wal"), Path(f"{old}-shm")):
            path.unlink(missing_ok=True)
    shutil.rmtree(replica_dir, ignore_errors=True)
    shutil.rmtree(scratch / f".{work.name}-litestream", ignore_errors=True)
    return figures


if __name__ == "__main__":
    import json
    import sys

    args = [a for a in sys.argv[1:] if a != "--in-place"]
    scratch = Path(args[1] if len(args) > 1 else "bench/scratch")
    print(json.dumps(restore_only(Path(args[0]), scratch, in_place="--in-place" in sys.argv)))
