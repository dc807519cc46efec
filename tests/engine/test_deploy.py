"""The shipped systemd units run the daemon and the replication and stop them with SIGTERM
(their clean shutdown)."""

from configparser import ConfigParser

from tests.engine.harness import ROOT


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
