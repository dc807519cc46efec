"""`alerts`: the delay from an alert's step being due to the receiver having it (docs/alerts.md:
"sent within a minute of being due"), with the real parts: `ediops daemon` on real time with
the bundled alert pass interval (alert_check_seconds = 10), Apprise's json:// channel, and the
notification sink (`python -m ediops.simulator.sink`) as its own process on 127.0.0.1.

An acknowledgement not taken for an hour (ACK_UNDELIVERED) raises one alert whose last (only) step repeats every 12 s,
so each repeat is a fresh sample at another phase of the leader's pass. Delay = the sink's
arrival time - the notification's due time (both wall clock, one machine). The store is a
fresh file: the alert pass's cost on a large store is in its queries (findings of the routed
codes, urgent licences of the last deadline), not in how the message goes out."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import httpx

from ediops import store
from ediops.clock import Clock, iso, parse_instant
from ediops.config import BUNDLED

from bench.context import Context

ROOT = Path(__file__).resolve().parent.parent
REPEAT_MINUTES = 0.2  # 12 s: longer than the pass interval, so no repeat is coalesced away
ALERTS_TOML = f"""[channels.duty]
url_env = "EDIOPS_ALERT_DUTY_URL"

[[rules]]
codes = ["ACK_UNDELIVERED"]
steps = [{{ after_minutes = 0, notify = ["duty"] }}]
repeat_minutes = {REPEAT_MINUTES}
"""
ROUND = re.compile(r"step 1(?: \(repeat (\d+)\))?")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _config(folder: Path) -> Path:
    """No peers to call (the daemon's feed pass finds nothing to do), no windows, the bundled settings."""
    config = folder / "config"
    config.mkdir()
    (config / "peers.toml").write_text("", encoding="utf-8")
    (config / "windows.toml").write_text("", encoding="utf-8")
    (config / "alerts.toml").write_text(ALERTS_TOML, encoding="utf-8")
    shutil.copy(BUNDLED / "settings.toml", config / "settings.toml")
    return config


def _start(args: list[str], log: Path, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def run(ctx: Context) -> dict:
    samples = ctx.scale.alert_samples
    folder = ctx.scratch / "alerts"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    db_path, config = folder / "alerts.db", _config(folder)
    db = store.connect(db_path)
    with store.write(db):  # an acknowledgement its issuer has not taken for an hour: ACK_UNDELIVERED
        hour_ago = Clock().now() - timedelta(hours=1)
        db.execute(
            "INSERT INTO acks (batch_id, issuer, body, created_at, idempotency_key) VALUES (?, 'AA', '{}', ?, ?)",
            ["BENCH-20001009-01", iso(hour_ago), "bench-ack-key"],
        )
    port = _free_port()
    env = {**os.environ, "EDIOPS_ALERT_DUTY_URL": f"json://127.0.0.1:{port}/alerts/duty"}
    sink = _start(["-m", "ediops.simulator.sink", "--port", str(port)], folder / "sink.log", env)
    daemon = None
    ctx.steps(samples)
    try:
        deadline = time.monotonic() + 20
        while "sink ready" not in (folder / "sink.log").read_text():
            if time.monotonic() > deadline:
                raise RuntimeError("the sink did not start")
            time.sleep(0.05)
        daemon = _start(
            ["-m", "ediops", "daemon", "--db", str(db_path), "--config", str(config)], folder / "daemon.log", env
        )
        got: list[dict] = []
        deadline = time.monotonic() + 30 + samples * REPEAT_MINUTES * 60 * 2
        while len(got) < samples and time.monotonic() < deadline:
            time.sleep(0.5)
            fresh = httpx.get(f"http://127.0.0.1:{port}/alerts", timeout=5).json()["messages"]
            ctx.tick(len(fresh) - len(got))
            got = fresh
        if len(got) < samples:
            raise RuntimeError(f"only {len(got)} of {samples} notifications reached the sink")
    finally:
        if daemon is not None:
            _stop(daemon)
        _stop(sink)
    due = {
        round_: parse_instant(at).timestamp()
        for round_, at in db.execute("SELECT round, due_at FROM alert_notifications WHERE status = 'sent'")
    }
    db.close()
    delays = []
    for message in got[:samples]:
        found = ROUND.search(message["message"] or "")
        round_ = int(found.group(1) or 0) if found else None
        if round_ in due:
            delays.append((message["received_unix"] - due[round_]) * 1000)
    if not delays:
        raise RuntimeError("no notification could be matched to its due time")
    settings = (config / "settings.toml").read_text()
    check = re.search(r"alert_check_seconds\s*=\s*([\d.]+)", settings)
    return {
        "due_to_receiver_ms_median": round(statistics.median(delays)),
        "due_to_receiver_ms_worst": round(max(delays)),
        "samples": len(delays),
        "runs_ms": [round(d) for d in delays],
        "alert_check_seconds": float(check.group(1)) if check else None,
        "method": "ediops daemon (real time) -> Apprise json:// -> sink process; sink arrival - due_at",
    }


if __name__ == "__main__":  # python -m bench.alerts: this benchmark alone, printed
    from bench.scales import SCALES

    scratch = ROOT / "bench" / "scratch"
    print(json.dumps(run(Context(scale=SCALES["quick"], db_path=scratch / "unused.db", scratch=scratch)), indent=2))
