"""The daemon's /metrics and /healthz (docs/monitoring.md): gauges read from the store at each
scrape, through the same reads the desk uses, on a connection of the scrape's own (the HTTP
server's thread never touches the leader's); the counters are ediops/monitoring/events.py's.

Only bounded labels: the configured issuers and windows, the finding codes."""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import threading
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from ediops import store
from ediops.clock import SHANGHAI, parse_instant
from ediops.monitoring import events, heartbeat, server, settings as monitoring
from ediops.store import findings as findings_db, scheduling as scheduling_db, reads as reads_db
from ediops.store.maintenance import database_path
from ediops.views import health as health_mod
from ediops.vocabulary import WINDOWS

if TYPE_CHECKING:
    from prometheus_client.registry import Collector as _Base

    from ediops.config import Config
else:
    _Base = object

log = logging.getLogger("ediops.monitor")


def finding_codes() -> tuple[str, ...]:
    from ediops.alerts.config import known_codes

    return tuple(sorted(known_codes()))


def _stamp(instant: str | None) -> float:
    return parse_instant(instant).timestamp() if instant else 0.0


class StoreCollector(_Base):
    """What the desk shows, as gauges, read at each scrape."""

    def __init__(self, db_path: Path, config: Config, clock, leader):
        self.db_path, self.config, self.clock, self.leader = Path(db_path), config, clock, leader
        self.lock = threading.Lock()
        self.db: sqlite3.Connection | None = None  # opened at the first scrape, in the server's thread

    def collect(self) -> Iterator:
        from prometheus_client.core import GaugeMetricFamily as Gauge

        yield Gauge("ediops_leader", "1 when this process leads (holds the lease).", self.leader.token is not None)
        with self.lock:  # one scrape at a time on the collector's own connection
            try:
                if self.db is None:
                    self.db = store.connect_reader(self.db_path)
                yield from self._store(self.db, Gauge)
            except sqlite3.Error as exc:  # the store facts are missing from this scrape; /healthz says why
                log.warning("metrics: the store cannot be read: %s", exc)
                self.db = None
        yield Gauge("ediops_store_bytes", "The store's size on disk, its WAL included.", _size(self.db_path))
        disk = shutil.disk_usage(self.db_path.parent)
        yield Gauge("ediops_store_disk_free_ratio", "Free share of the store's file system.", disk.free / disk.total)
        lag = health_mod.replica(self.config, self.db_path)
        family = Gauge("ediops_replica_lag_seconds", "How far the replica is behind the store.")
        if lag is not None and lag.get("lag_seconds") is not None:
            family.add_metric([], float(lag["lag_seconds"]))
        yield family

    def _store(self, db, Gauge) -> Iterator:
        now = self.clock.now()
        issuers = [i.code for i in self.config.issuers]
        last = reads_db.last_batches(db)
        family = Gauge(
            "ediops_feed_last_batch_timestamp_seconds",
            "When the issuer's last batch came (0: never).",
            labels=["issuer"],
        )
        for code in issuers:
            family.add_metric([code], _stamp(last.get(code)))
        yield family
        family = Gauge(
            "ediops_feed_cutoff_timestamp_seconds", "Today's cutoff for the issuer's daily batch.", labels=["issuer"]
        )
        today = now.astimezone(SHANGHAI).date()
        midnight = datetime.combine(today, datetime.min.time(), SHANGHAI).timestamp()
        for issuer in self.config.issuers:
            hour, minute = issuer.cutoff.split(":")  # HH:MM, as config check holds it
            family.add_metric([issuer.code], midnight + 3600 * int(hour) + 60 * int(minute))
        yield family
        counts = reads_db.monitor_counts(db)
        yield Gauge("ediops_urgent_waiting", "Urgent licences customs has not accepted yet.", counts["urgent_waiting"])
        yield Gauge("ediops_forward_backlog", "Licences customs has not answered yet.", counts["forward_backlog"])
        yield Gauge("ediops_alerts_open", "Alerts open and not acknowledged.", counts["alerts_open"])
        family = Gauge("ediops_findings_open", "Open findings by code.", labels=["code"])
        found = dict(findings_db.open_counts(db))
        for code in sorted({*finding_codes(), *found}):
            family.add_metric([code], found.get(code, 0))
        yield family
        family = Gauge(
            "ediops_window_last_success_timestamp_seconds", "When the window last ran ok (0: never).", labels=["window"]
        )
        for window in WINDOWS:
            if self.config.windows.get(window):
                family.add_metric([window], _stamp(scheduling_db.last_success(db, window)))
        yield family
        made = health_mod.last_backup(db, self.config, self.db_path)
        yield Gauge("ediops_backup_last_success_timestamp_seconds", "When the last backup was made.", made or 0.0)


def _size(path: Path) -> float:
    return float(sum(os.path.getsize(p) for p in (path, Path(f"{path}-wal")) if p.exists()))


def metrics_registry(db_path: Path, config: Config, clock, leader):
    """The counters of this process (enabled here) and the store's gauges, in one registry."""
    from prometheus_client import CollectorRegistry

    registry = CollectorRegistry(auto_describe=False)
    events.enable(registry)
    events.prime(
        issuers=[i.code for i in config.issuers],
        windows=[w for w in WINDOWS if config.windows.get(w)],
        peers=[p.name for p in (config.customs, config.ministry, *config.issuers, *config.bureaus) if p],
        channels=sorted(leader.alerts.alerts.channels),
    )
    registry.register(StoreCollector(db_path, config, clock, leader))
    return registry


def serve(ctx, leader) -> server.Server | None:
    """Starts /metrics and /healthz on `metrics_listen` (empty: none); the counters begin."""
    listen = str(monitoring.get(ctx.config.settings, "metrics_listen") or "")
    if not listen:
        return None
    db_path = database_path(ctx.db)
    registry = metrics_registry(db_path, ctx.config, ctx.clock, leader)

    def healthz() -> tuple[bool, str]:
        # leading: its own last pass; standing by: the leader's, from its heartbeat file
        last = leader.last_pass if leader.token is not None else heartbeat.read(heartbeat.path_for(db_path))
        verdict = health_mod.check(db_path, ctx.config, now=ctx.clock.now(), last_pass=last)
        return verdict.status in ("ok", "warning"), verdict.line

    try:
        running = server.start(listen, registry, healthz)
    except (OSError, ValueError) as exc:  # the leader's work matters more; Prometheus sees the target down
        log.error("metrics: cannot listen on %s: %s; the daemon goes on without /metrics", listen, exc)
        return None
    log.info("metrics on http://%s/metrics and /healthz", running.address)
    return running
