"""The shipped systemd units run the daemon and the replication and stop them with SIGTERM
(their clean shutdown)."""

from configparser import ConfigParser

from tests.support.harness import ROOT


def _unit(name: str) -> ConfigParser:
    unit = ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str
    unit.read(ROOT / "deploy" / name)
    return unit


def test_systemd_unit_runs_the_daemon():
    unit = _unit("ediops-daemon.service")
    service = unit["Service"]
    assert service["ExecStart"].split()[1] == "daemon"
    assert service["KillSignal"] == "SIGTERM" and service["Restart"] == "on-failure"
    assert "EnvironmentFile" in service and "token" not in service["ExecStart"].lower()
    assert unit["Install"]["WantedBy"] == "multi-user.target"


def test_systemd_unit_runs_the_replication():
    service = _unit("ediops-replicate.service")["Service"]
    assert service["ExecStart"].split()[1] == "replicate"
    assert service["KillSignal"] == "SIGTERM" and service["Restart"] == "always"
    assert "/var/lib/ediops" in service["ReadWritePaths"]  # Litestream's state and checkpoints
    assert "EnvironmentFile" in service and "secret" not in service["ExecStart"].lower()


def test_systemd_unit_waits_for_ready_and_watches_the_loop():
    """docs/monitoring.md: Type=notify (READY=1 from the daemon) and a watchdog it pings."""
    service = _unit("ediops-daemon.service")["Service"]
    assert service["Type"] == "notify" and service["NotifyAccess"] == "main"
    assert 10 <= int(service["WatchdogSec"]) <= 300
