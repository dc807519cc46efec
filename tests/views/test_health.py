"""docs/monitoring.md: `ediops health` on a real store, each check of its table warning or
failing for its own cause, with the monitoring convention's exit status."""

from __future__ import annotations

import json
import os

from ediops.clock import parse_instant
from tests.conftest import ROOT

DATA = ROOT / "tests" / "data"


def _health(cli, *args: str, now: str) -> tuple[int, dict]:
    done = cli("health", "--json", *args, now=now)
    return done.returncode, json.loads(done.stdout)


def _checks(verdict: dict) -> dict[str, str]:
    return {c["check"]: c["status"] for c in verdict["checks"]}


def test_no_store_is_unknown(cli):
    done = cli("health")
    assert done.returncode == 3 and done.stdout.startswith("UNKNOWN: no ediops store at")


def test_an_urgent_licence_waiting_is_at_risk_then_overdue(cli):
    assert cli("ingest", str(DATA / "aa_urgent.json"), now="2000-10-09T16:51:00+08:00").returncode == 0
    code, verdict = _health(cli, now="2000-10-09T16:52:00+08:00")
    assert _checks(verdict)["urgent"] == "ok"
    assert _checks(verdict)["leader"] == "critical" and code == 2  # no daemon runs here
    _, verdict = _health(cli, now="2000-10-09T17:02:00+08:00")  # 5 minutes before its deadline
    assert _checks(verdict)["urgent"] == "warning"
    _, verdict = _health(cli, now="2000-10-09T17:07:00+08:00")  # 16 minutes after receipt
    assert _checks(verdict)["urgent"] == "critical"
    assert "1 urgent licences overdue" in verdict["line"] and verdict["line"].startswith("CRITICAL: ")


def test_backup_age_and_free_disk(cli, tmp_path, db):
    config = tmp_path / "config"
    config.mkdir()
    now = "2000-10-09T18:00:00+08:00"
    _, verdict = _health(cli, "--config", str(config), now=now)
    assert _checks(verdict)["backup"] == "warning" and _checks(verdict)["disk"] == "ok"
    backups = tmp_path / "backups"
    backups.mkdir()
    copy = backups / "ediops-20001008-180000.db"
    copy.write_bytes(b"")
    made = parse_instant(now).timestamp() - 30 * 3600  # 30 hours before `now`
    os.utime(copy, (made, made))
    (config / "settings.toml").write_text(f'backup_dir = "{backups}"\nhealth_disk_free_percent = 250\n', "utf-8")
    _, verdict = _health(cli, "--config", str(config), now=now)
    checks = _checks(verdict)
    assert checks["disk"] == "critical"  # never 125% free: below half the floor
    assert checks["backup"] == "warning"  # over 26 hours, not yet twice that
    detail = next(c["detail"] for c in verdict["checks"] if c["check"] == "backup")
    assert detail == "last backup 30.0 h ago (over 26 h)"
