"""`ediops health` and the daemon's /healthz (docs/monitoring.md): the facts a monitor asks
about, read as the desk reads them, and one verdict with one line saying why.

Statuses follow the monitoring convention (Nagios, Icinga): ok 0, warning 1, critical 2,
unknown 3. The verdict is the worst check's; the line names every check that is not ok."""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from ediops import store
from ediops.clock import iso, parse_instant
from ediops.errors import EdiopsError
from ediops.monitoring import heartbeat, settings as monitoring
from ediops.scheduling import windows
from ediops.store import scheduling as scheduling_db, reads as reads_db
from ediops.views import dashboard

if TYPE_CHECKING:
    from ediops.config import Config
    from ediops.store import Queryable

STATUSES = ("ok", "warning", "critical", "unknown")  # the exit status is the index


@dataclass
class Health:
    status: str = "ok"
    checks: list[dict] = field(default_factory=list)

    def add(self, check: str, status: str, detail: str) -> None:
        self.checks.append({"check": check, "status": status, "detail": detail})
        if STATUSES.index(status) > STATUSES.index(self.status):
            self.status = status

    @property
    def code(self) -> int:
        return STATUSES.index(self.status)

    @property
    def line(self) -> str:
        """One line: the status, then what is wrong (worst first), or what was checked."""
        bad = sorted((c for c in self.checks if c["status"] != "ok"), key=lambda c: -STATUSES.index(c["status"]))
        shown = bad or [c for c in self.checks if c["check"] == "leader"]
        return f"{self.status.upper()}: " + "; ".join(c["detail"] for c in shown)

    def as_json(self) -> dict:
        return {"status": self.status, "exit": self.code, "line": self.line, "checks": self.checks}


def replica(config: Config, db_path: Path) -> dict | None:
    """replica_status's answer when a replica is configured (docs/two-sites.md), else None;
    a replica that cannot be read is an answer too (its error, no lag)."""
    from ediops.operations.replica import replica_status

    if not config.settings.get("replica_url"):
        return None
    try:
        return replica_status(config.settings, db_path)
    except EdiopsError as exc:
        return {"url": None, "lag_seconds": None, "error": str(exc)}


def check(db_path: Path, config: Config, *, now: datetime, last_pass: heartbeat.Pass | None) -> Health:
    """`evaluate` on a connection of its own (a scrape's thread, or `ediops health`)."""
    db = store.connect_reader(db_path)
    try:
        return evaluate(db, config, now=now, db_path=db_path, last_pass=last_pass, replica=replica(config, db_path))
    finally:
        db.close()


def setting(config: Config, name: str) -> float:
    return float(monitoring.get(config.settings, name))


def evaluate(
    db: Queryable,
    config: Config,
    *,
    now: datetime,
    db_path: Path,
    last_pass: heartbeat.Pass | None,
    replica: dict | None = None,
) -> Health:
    """Every check of docs/monitoring.md. `last_pass` is the leader's own (in the daemon) or
    its heartbeat file's (`ediops health`); `replica` is replica_status's answer, when one
    is configured."""
    health = Health()
    _leader(health, db, config, now=now, last_pass=last_pass)
    _feeds(health, db, config, now=now)
    _urgent(health, db, config, now=now)
    _backup(health, db, config, now=now, db_path=db_path)
    if replica is not None:
        _replica(health, config, replica)
    _disk(health, config, db_path)
    return health


def poll_seconds(config: Config) -> float:
    return float(config.settings.get("feed_poll_seconds", 1))


def _leader(health: Health, db: Queryable, config: Config, *, now: datetime, last_pass) -> None:
    lease = windows.leader_status(db, now=now)
    if not lease["healthy"]:
        gone = f" ({lease['holder']}'s lease ran out at {lease['expires_at']})" if lease["holder"] else ""
        health.add("leader", "critical", f"no live leader{gone}")
        return
    holder = lease["holder"]
    if last_pass is not None and last_pass.holder == holder:
        ago = time.time() - last_pass.at
        limit = 3 * poll_seconds(config)
        if ago > limit:
            health.add(
                "leader", "critical", f"leader {holder} hung: its last pass was {ago:.0f} s ago (over {limit:g} s)"
            )
            return
        if not last_pass.ok:
            health.add("leader", "critical", f"leader {holder}: its last pass failed: {last_pass.error}")
            return
    health.add("leader", "ok", f"leader {holder} (token {lease['token']})")


def _feeds(health: Health, db: Queryable, config: Config, *, now: datetime) -> None:
    rows = dashboard.issuer_feeds(db, config, now=now)
    failing = [r["issuer"] for r in rows if r["status"] == "failing"]
    if not failing:
        health.add("feeds", "ok", f"{len(rows)} feeds answering")
        return
    status = "critical" if len(failing) == len(rows) else "warning"
    shown = ", ".join(failing[:10]) + (f" and {len(failing) - 10} more" if len(failing) > 10 else "")
    health.add("feeds", status, f"{len(failing)} of {len(rows)} feeds failing: {shown}")


def _urgent(health: Health, db: Queryable, config: Config, *, now: datetime) -> None:
    deadline = float(config.settings.get("urgent_deadline_minutes", 15))
    warn = float(config.settings.get("urgent_warn_minutes", 5))
    overdue = reads_db.urgent_received_before(db, iso(now - timedelta(minutes=deadline)))
    at_risk = reads_db.urgent_received_before(db, iso(now - timedelta(minutes=deadline - warn))) - overdue
    if overdue:
        health.add(
            "urgent", "critical", f"{overdue} urgent licences overdue (not accepted by customs in {deadline:g} min)"
        )
    elif at_risk:
        health.add("urgent", "warning", f"{at_risk} urgent licences at risk (under {warn:g} min to their deadline)")
    else:
        health.add("urgent", "ok", "no urgent licence overdue")


def last_backup(db: Queryable, config: Config, db_path: Path) -> float | None:
    """When the newest backup was made (wall-clock seconds): the backup window's last success
    in the run ledger, or the newest copy in backup_dir (an `ediops backup` put there)."""
    from ediops.operations import backups

    found = []
    finished = scheduling_db.last_success(db, "backup")
    if finished:
        found.append(parse_instant(finished).timestamp())
    folder = backups.folder(config.settings, db_path)
    if folder.is_dir():
        found += [p.stat().st_mtime for p in folder.iterdir() if backups.NAME.match(p.name)]
    return max(found, default=None)


def _backup(health: Health, db: Queryable, config: Config, *, now: datetime, db_path: Path) -> None:
    hours = setting(config, "health_backup_hours")
    made = last_backup(db, config, db_path)
    if made is None:
        health.add("backup", "warning", "no backup yet")
        return
    age = (now.timestamp() - made) / 3600
    status = "critical" if age > 2 * hours else "warning" if age > hours else "ok"
    health.add("backup", status, f"last backup {age:.1f} h ago" + ("" if status == "ok" else f" (over {hours:g} h)"))


def _replica(health: Health, config: Config, replica: dict) -> None:
    lag = replica.get("lag_seconds")
    if lag is None:
        health.add("replica", "critical", f"replica cannot be read: {replica.get('error')}")
        return
    limit = float(config.settings.get("replica_healthy_lag_seconds", 10))
    status = "critical" if lag > 2 * limit else "warning" if lag > limit else "ok"
    health.add("replica", status, f"replica {lag:.0f} s behind" + ("" if status == "ok" else f" (over {limit:g} s)"))


def _disk(health: Health, config: Config, db_path: Path) -> None:
    floor = setting(config, "health_disk_free_percent")
    usage = shutil.disk_usage(Path(db_path).parent)
    free = 100 * usage.free / usage.total if usage.total else 0.0
    status = "critical" if free < floor / 2 else "warning" if free < floor else "ok"
    health.add(
        "disk", status, f"{free:.0f}% free beside the store" + ("" if status == "ok" else f" (under {floor:g}%)")
    )
