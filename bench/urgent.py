"""`urgent`: an urgent licence from its publication at the issuer to customs' acceptance, as
the simulator measures it (`ediops simulate`: /stats, urgent_latency_seconds), with the
bundled settings and 60 issuers. The real daemon (each issuer polled `feed_poll_seconds`
after its last poll ended, the urgent forward as soon as a page is stored) against a bare
httpx loop polling each issuer at the same interval and POSTing each urgent record at once.

The simulated day publishes an urgent batch only every few minutes, so each sample is a
session of its own: a fresh simulator starts LEAD_S before one of the day's urgent
publications, the side measured starts with it, the acceptance is read (the slowest
licence of the batch), both stop. The sessions alternate sides."""

from __future__ import annotations

import asyncio
import shutil
import statistics
import tempfile
import threading
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

import httpx

from ediops import config as config_mod
from ediops.clock import SHANGHAI
from ediops.simulator import traffic

from bench.context import Context

ISSUERS = 60
DAY = date(2000, 10, 9)
SEED = 7
SCALE = 0.1  # the simulator's daily volumes: light, the urgent batches are what is measured
LEAD_S = 6.0  # the session starts this long before the publication: both sides polling by then
EXTRA = [f"X{c}" for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"]  # issuers beyond the bundled 40
WAIT_S = 20.0  # for customs' acceptance after the publication


def _world(folder: Path) -> tuple[Path, dict]:
    """A config of 60 issuers on free loopback ports (the bundled 40 and 20 more)."""
    from tests.support import harness

    config_dir, env = harness.make_config(folder / "config", issuers=ISSUERS, windows={})
    peers = config_dir / "peers.toml"
    feeds = config_mod.load(config_dir).issuers[0].url.rsplit("/", 1)[0]
    extra = []
    for code in EXTRA[: ISSUERS - len(config_mod.load().issuers)]:
        env[f"EDIOPS_ISSUER_{code}_TOKEN"] = uuid.uuid4().hex[:16]
        extra.append(
            f'\n[[issuers]]\ncode = "{code}"\nname = "Issuer {code}"\nurl = "{feeds}/{code}"\n'
            f'token_env = "EDIOPS_ISSUER_{code}_TOKEN"\ncutoff = "17:00"\n'
        )
    peers.write_text(peers.read_text(encoding="utf-8") + "".join(extra), encoding="utf-8")
    return config_dir, env


def _publications(config, count: int) -> list[datetime]:
    """`count` urgent publications of the day, at least 30 s apart (one per session)."""
    times = sorted(
        b.sent_at
        for i in config.issuers
        for b in traffic.day(SEED, i.code, i.cutoff, DAY, traffic.Shape(scale=SCALE)).batches
        if b.kind == "urgent"
    )
    chosen: list[datetime] = []
    for t in times:
        if t.astimezone(SHANGHAI).hour >= 9 and (not chosen or t - chosen[-1] >= timedelta(seconds=30)):
            chosen.append(t)
    return chosen[:count]


async def bare_loop(config, env: dict, stop: asyncio.Event) -> None:
    """Each issuer polled `feed_poll_seconds` after its last poll ended; urgent records POSTed
    to customs at once, one request per page."""
    interval = float(config.setting("feed_poll_seconds"))
    customs = {"Authorization": f"Bearer {env[config.customs.token_env]}"}

    async def one(client: httpx.AsyncClient, issuer) -> None:
        after, auth = None, {"Authorization": f"Bearer {env[issuer.token_env]}"}
        while not stop.is_set():
            try:
                answer = (
                    await client.get(f"{issuer.url}/batches", params={"after": after} if after else None, headers=auth)
                ).json()
                after = str(answer.get("next") or after or "") or None
                urgent = [r for b in answer.get("batches") or [] if b.get("kind") == "urgent" for r in b["records"]]
                if urgent:
                    key = {"Idempotency-Key": uuid.uuid4().hex}
                    await client.post(
                        f"{config.customs.url}/licences", json={"licences": urgent}, headers=customs | key
                    )
            except (httpx.HTTPError, ValueError):
                pass
            try:
                await asyncio.wait_for(stop.wait(), interval)
            except TimeoutError:
                pass

    async with httpx.AsyncClient(timeout=10) as client:
        await asyncio.gather(*(one(client, i) for i in config.issuers))


def _worst_accepted(sim) -> float | None:
    """The slowest urgent licence accepted so far (a batch may carry two), or None."""
    summary = sim.stats()["customs"]["urgent_latency_seconds"]
    return summary["max"] if summary["count"] else None


def _session(folder: Path, config_dir: Path, env: dict, published: datetime, side: str) -> float:
    from tests.support import harness

    start = (published - timedelta(seconds=LEAD_S)).isoformat()
    folder.mkdir(parents=True)
    sim = harness.Simulator(folder, config_dir, env, now=start, scale=SCALE, seed=SEED)
    procs, stop, thread = [sim], asyncio.Event(), None
    try:
        if side == "daemon":
            args = ["daemon", "--db", str(folder / "ediops.db"), "--config", str(config_dir), "--now", start]
            procs.append(harness.Proc("daemon", args, env=env, folder=folder))
        else:
            loop = asyncio.new_event_loop()
            config = config_mod.load(config_dir)
            thread = threading.Thread(target=loop.run_until_complete, args=(bare_loop(config, env, stop),), daemon=True)
            thread.start()
        deadline = time.monotonic() + LEAD_S + WAIT_S
        while time.monotonic() < deadline:
            if _worst_accepted(sim) is not None:
                time.sleep(0.5)  # the batch's other licence, if any
                return _worst_accepted(sim)
            time.sleep(0.1)
        raise TimeoutError(f"{side}: no urgent licence accepted within {LEAD_S + WAIT_S} s of the session's start")
    finally:
        if thread is not None:
            loop.call_soon_threadsafe(stop.set)
            thread.join(10)
        for proc in reversed(procs):
            proc.stop()


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def run(ctx: Context) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="urgent-", dir=ctx.scratch))
    try:
        config_dir, env = _world(folder)
        config = config_mod.load(config_dir)
        sessions = _publications(config, 2 * ctx.scale.urgent_sessions)
        ctx.steps(len(sessions))
        got: dict[str, list[float]] = {"daemon": [], "bare": []}
        for n, published in enumerate(sessions):
            side = ("daemon", "bare")[n % 2]
            got[side].append(_session(folder / f"session-{n}", config_dir, env, published, side))
            ctx.tick()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    p95, bare_p95 = _p95(got["daemon"]), _p95(got["bare"])
    return {
        "p50_s": round(statistics.median(got["daemon"]), 3),
        "p95_s": round(p95, 3),
        "bare_p50_s": round(statistics.median(got["bare"]), 3),
        "bare_p95_s": round(bare_p95, 3),
        "ratio": round(p95 / bare_p95, 2),
        "sessions": len(got["daemon"]),
        "bare_sessions": len(got["bare"]),
        "issuers": ISSUERS,
        "feed_poll_seconds": config.setting("feed_poll_seconds"),
    }
