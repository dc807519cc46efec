"""How big each run is. `full` is a busy national year (issue 6); `quick` keeps the same code
under 45 seconds; `toy` only proves the harness fills every field (tests/bench)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    name: str
    licences: int  # licences in the store before measuring
    releases: int  # releases (and their write-off records) in the store
    ingest_licences: int  # licences pushed through the real ingest path, per round
    batch_size: int  # licences per batch: a busy issuer's daily batch
    writeoff_records: int  # write-off records applied through the real rules, per round
    forward_licences: int  # licences forwarded to the loopback customs peer, per round
    rounds: int  # rounds of each throughput pair; medians are reported
    dashboard_refreshes: int
    desk_runs: int  # first-frame measurements of each app; medians are reported
    sync_runs: int
    alert_samples: int = 1  # notifications timed from due to receiver (one every 12 s)
    ssh_watch_s: float = 5  # seconds the desk is watched over the slow link (bytes per minute)
    ssh_key_rounds: int = 1  # rounds of filter keys typed over the slow link (8 keys a round)
    urgent_sessions: int = 1  # urgent publications timed on each side (about 10 s a session)


SCALES = {
    "full": Scale(
        "full",
        licences=1_000_000,
        releases=5_000_000,
        ingest_licences=10_000,
        batch_size=200,
        writeoff_records=10_000,
        forward_licences=10_000,
        rounds=5,
        dashboard_refreshes=200,
        desk_runs=9,
        sync_runs=5,
        alert_samples=12,
        ssh_watch_s=60,
        ssh_key_rounds=8,
        urgent_sessions=10,
    ),
    "quick": Scale(
        "quick",
        licences=20_000,
        releases=100_000,
        ingest_licences=2_000,
        batch_size=200,
        writeoff_records=2_000,
        forward_licences=2_000,
        rounds=3,
        dashboard_refreshes=50,
        desk_runs=9,
        sync_runs=3,
        alert_samples=4,
        ssh_watch_s=30,
        ssh_key_rounds=5,
        urgent_sessions=4,
    ),
    "toy": Scale(
        "toy",
        licences=400,
        releases=2_000,
        ingest_licences=200,
        batch_size=100,
        writeoff_records=200,
        forward_licences=200,
        rounds=1,
        dashboard_refreshes=5,
        desk_runs=1,
        sync_runs=1,
        ssh_watch_s=5,
        ssh_key_rounds=1,
    ),
}
