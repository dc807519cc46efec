"""`forward`: licences forwarded per second to the simulator's customs gateway (`ediops
simulate`, a real process on 127.0.0.1) through the engine's `forward-customs` window
(queue with stored Idempotency-Keys, mark sent, POST, record customs' answer), against a bare
httpx loop POSTing batches of the same size and shape to the same peer.

Each side gets its own licences, never seen by the peer before, so the simulator does the
same work for both (it makes write-offs the first time it accepts a licence). Rounds
alternate which side goes first; medians are reported."""

from __future__ import annotations

import asyncio
import os
import random
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx

from ediops import config as config_mod
from ediops import store
from ediops.clock import Clock, iso
from ediops.peers.customs import forward_customs
from ediops.peers.runtime import DEFAULTS, Engine, client_for

from bench import records, scale_store
from bench.context import Context

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "bench-token"
HOLD = "bench-hold"  # parks the store's other waiting licences outside the measured window
FIRST_SERIAL = 600_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def peer_config(scratch: Path) -> Path:
    """A --config directory whose peers.toml is the bundled one moved to free loopback ports."""
    folder = scratch / "bench-config"
    folder.mkdir(parents=True, exist_ok=True)
    text = (config_mod.BUNDLED / "peers.toml").read_text(encoding="utf-8")
    moved: dict[str, int] = {}
    text = re.sub(r"127\.0\.0\.1:(\d+)", lambda m: f"127.0.0.1:{moved.setdefault(m.group(1), _free_port())}", text)
    (folder / "peers.toml").write_text(text, encoding="utf-8")
    return folder


def token_env(cfg) -> dict:
    peers = [cfg.customs, cfg.ministry, *cfg.issuers, *getattr(cfg, "bureaus", ())]
    return {p.token_env: TOKEN for p in peers if p is not None and p.token_env}


class Simulator:
    """`ediops simulate` as a real process, started and stopped by this benchmark only."""

    def __init__(self, cfg, config_dir: Path, db_path: Path, scratch: Path):
        self.url = cfg.customs.url
        self.log = open(scratch / "simulate.log", "wb")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "main.py"),
                "--config",
                str(config_dir),
                "--db",
                str(db_path),
                "--now",
                records.NOW.isoformat(),
                "simulate",
            ],
            env={**os.environ, **token_env(cfg)},
            stdout=self.log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"ediops simulate exited {self.proc.returncode}; see {self.log.name}")
            try:
                if httpx.get(self.url + "/stats", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise TimeoutError(f"ediops simulate did not answer on {self.url} within {timeout}s")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def _licences(count: int, first: int, issuers: list[str]) -> list[dict]:
    rng = random.Random(first)
    return [
        records.licence(issuers[i % len(issuers)], first + i // len(issuers), records.YEAR_END, rng)
        for i in range(count)
    ]


def _store_waiting(db_path: Path, recs: list[dict]) -> None:
    """Setup: the licences as ingest leaves them (accepted, waiting for the window)."""
    bat = records.batch(recs[0]["licence_no"][3:5], records.YEAR_END, 90, recs)
    rows = [scale_store.licence_row(r, dict(bat, issuer=r["licence_no"][3:5]), iso(records.NOW)) for r in recs]
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        cols = list(rows[0])
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(
            f"INSERT INTO licences ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            [tuple(r[c] for c in cols) for r in rows],
        )
        numbers = [(r["licence_no"],) for r in rows]
        conn.execute("CREATE TEMP TABLE bench_sample (licence_no TEXT PRIMARY KEY)")
        conn.executemany("INSERT INTO bench_sample VALUES (?)", numbers)
        conn.execute(
            f"UPDATE licences SET forward_key = '{HOLD}' WHERE state = 'received' "
            "AND forward_key IS NULL AND licence_no NOT IN (SELECT licence_no FROM bench_sample)"
        )
        conn.execute("COMMIT")
    finally:
        conn.close()


def _release_hold(db_path: Path) -> None:
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        conn.execute(f"UPDATE licences SET forward_key = NULL WHERE forward_key = '{HOLD}'")
    finally:
        conn.close()


async def _engine_pass(cfg, db_path: Path) -> float:
    db = store.connect(db_path)
    engine = Engine(db=db, config=cfg, clock=Clock(records.NOW, frozen=False), client=client_for(cfg))
    try:
        started = time.perf_counter()
        outcome, detail = await forward_customs(engine)
        elapsed = time.perf_counter() - started
    finally:
        await engine.client.aclose()
        db.close()
    if outcome != "ok":
        raise RuntimeError(f"forward-customs window: {outcome}: {detail}")
    return elapsed


async def _raw_pass(url: str, recs: list[dict], size: int) -> float:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx.AsyncClient(timeout=30) as client:
        started = time.perf_counter()
        for i in range(0, len(recs), size):
            response = await client.post(
                url + "/licences",
                json={"licences": recs[i : i + size]},
                headers={**headers, "Idempotency-Key": str(uuid.uuid4())},
            )
            response.raise_for_status()
            response.json()
        return time.perf_counter() - started


def run(ctx: Context) -> dict:
    config_dir = peer_config(ctx.scratch)
    os.environ.update(token_env(config_mod.load(config_dir)))
    cfg = config_mod.load(config_dir)
    issuers = [i.code for i in cfg.issuers]
    size = int(cfg.settings.get("forward_batch_size", DEFAULTS["forward_batch_size"]))
    n = ctx.scale.forward_licences
    sim = Simulator(cfg, config_dir, ctx.scratch / "simulator.db", ctx.scratch)
    engine_rates, raw_rates, ratios = [], [], []
    ctx.steps(2 * ctx.scale.rounds)
    try:
        sim.wait_ready()
        for round_no in range(ctx.scale.rounds):
            mine = _licences(n, FIRST_SERIAL + round_no * 2 * (n // len(issuers) + 1), issuers)
            bare = _licences(n, FIRST_SERIAL + (round_no * 2 + 1) * (n // len(issuers) + 1), issuers)
            _store_waiting(ctx.db_path, mine)
            rates = {}
            for side in ("engine", "raw") if round_no % 2 == 0 else ("raw", "engine"):
                if side == "engine":
                    try:
                        rates[side] = n / asyncio.run(_engine_pass(cfg, ctx.db_path))
                    finally:
                        _release_hold(ctx.db_path)
                else:
                    rates[side] = n / asyncio.run(_raw_pass(cfg.customs.url, bare, size))
                ctx.tick()
            engine_rates.append(rates["engine"])
            raw_rates.append(rates["raw"])
            ratios.append(rates["engine"] / rates["raw"])
    finally:
        sim.stop()
    return {
        "licences_per_s": round(statistics.median(engine_rates)),
        "raw_httpx_per_s": round(statistics.median(raw_rates)),
        "ratio": round(statistics.median(ratios), 3),
        "batch_size": size,
        "licences_per_round": n,
        "rounds": ctx.scale.rounds,
    }
