"""`monitoring`: what the metrics cost the daemon's loop (docs/monitoring.md), in one run.

A real `ediops daemon` on a copy of the scale store, polling the simulator's 40 issuers at
the bundled `feed_poll_seconds`, is run in alternating phases: with `/metrics` on and
scraped every second (fifteen times Prometheus' usual rate), and with `metrics_listen = ""`
(no counters, no server). The pass durations of both come the same way, from the leader's
heartbeat file (`took`: a pass's work, its nap not included), sampled every 0.3 s; a scrape's
own time on the store is timed too. Outside `make test`:

    python -m bench.monitoring [--scale quick|full] [--phases 4] [--seconds 30]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx

from bench import scale_store
from bench.scales import SCALES

HERE = Path(__file__).resolve().parent
NOW = "2000-10-09T10:00:00+08:00"  # a busy hour of the simulated day


def _phase(world, db: Path, *, metrics: bool, seconds: float) -> dict:
    from ediops.monitoring import heartbeat
    from tests.support import harness

    config_dir = world["on" if metrics else "off"]
    name = f"daemon-{'on' if metrics else 'off'}-{time.monotonic_ns()}"
    daemon = harness.Proc(
        name, ["daemon", "--db", str(db), "--config", str(config_dir), "--now", NOW], env=world["env"],
        folder=world["folder"],
    )  # fmt: skip
    try:
        daemon.wait_for("took the lease", timeout=60)
        address = daemon.wait_for(r"metrics on http://(\S+?)/metrics").group(1) if metrics else None
        time.sleep(3)  # the takeover's first polls are not the steady state measured
        took, scrapes, stop = [], [], threading.Event()

        def scrape() -> None:
            while not stop.wait(1.0):
                start = time.perf_counter()
                httpx.get(f"http://{address}/metrics", timeout=10)
                scrapes.append(time.perf_counter() - start)

        scraper = threading.Thread(target=scrape, daemon=True)
        if metrics:
            scraper.start()
        seen, end = None, time.monotonic() + seconds
        while time.monotonic() < end:
            last = heartbeat.read(heartbeat.path_for(db))
            if last is not None and last.at != seen:
                took.append(last.took)
                seen = last.at
            time.sleep(0.3)
        stop.set()
        if metrics:
            scraper.join(5)
        return {"took": took, "scrapes": scrapes}
    finally:
        daemon.stop()


def _summary(values: list[float]) -> dict:
    if not values:
        return {"n": 0}
    ordered = sorted(values)
    return {
        "n": len(values),
        "mean_ms": round(1000 * statistics.fmean(values), 3),
        "p50_ms": round(1000 * statistics.median(values), 3),
        "p95_ms": round(1000 * ordered[int(0.95 * (len(ordered) - 1))], 3),
    }


def _calls() -> dict:
    """One counter increment, enabled and not, in this process (ns per call)."""
    import timeit

    from prometheus_client import CollectorRegistry

    from ediops.monitoring import events

    off = timeit.timeit(lambda: events.peer_request("issuer AA", "ok"), number=100_000) / 100_000
    events.enable(CollectorRegistry())
    on = timeit.timeit(lambda: events.peer_request("issuer AA", "ok"), number=100_000) / 100_000
    events.disable()
    return {"counter_off_ns": round(off * 1e9), "counter_on_ns": round(on * 1e9)}


def run(scale_name: str = "quick", phases: int = 4, seconds: float = 30.0) -> dict:
    from ediops import store
    from tests.support import harness

    scale = SCALES[scale_name]
    scratch = HERE / "scratch"
    base = scale_store.cached(scratch, scale.name, scale.licences, scale.releases)
    store.connect(base).close()
    with tempfile.TemporaryDirectory(prefix="bench-monitoring-") as tmp:
        folder = Path(tmp)
        on, env = harness.make_config(folder / "on", issuers=40, windows={})
        off = folder / "off"
        off.mkdir()
        for name in ("peers.toml", "windows.toml"):
            (off / name).write_text((on / name).read_text(encoding="utf-8"), encoding="utf-8")
        settings = (
            (on / "settings.toml")
            .read_text(encoding="utf-8")
            .replace("metrics_listen = '127.0.0.1:0'", "metrics_listen = ''")
        )
        (off / "settings.toml").write_text(settings, encoding="utf-8")
        world = {"on": on, "off": off, "env": env, "folder": folder}
        db = scale_store.working_copy(base, folder / "ediops.db")
        sim = harness.Simulator(folder, on, env, now=NOW, scale=0.1)
        results: dict = {"with": [], "without": [], "scrapes": []}
        try:
            for i in range(phases):
                for metrics in (True, False) if i % 2 == 0 else (False, True):  # ABBA: drift cancels
                    got = _phase(world, db, metrics=metrics, seconds=seconds)
                    results["with" if metrics else "without"] += got["took"]
                    results["scrapes"] += got["scrapes"]
        finally:
            sim.stop()
    return {
        "scale": scale.name,
        "licences": scale.licences,
        "phases": phases,
        "seconds_each": seconds,
        "pass_with_metrics": _summary(results["with"]),
        "pass_without_metrics": _summary(results["without"]),
        "scrape": _summary(results["scrapes"]),
        **_calls(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.monitoring", description=__doc__)
    parser.add_argument("--scale", choices=sorted(SCALES), default="quick")
    parser.add_argument("--phases", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args()
    print(json.dumps(run(args.scale, args.phases, args.seconds), indent=2))


if __name__ == "__main__":
    main()
