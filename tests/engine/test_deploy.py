"""The shipped systemd unit runs the daemon and stops it with SIGTERM (its clean shutdown)."""

from configparser import ConfigParser

from tests.engine.harness import ROOT


def test_systemd_unit_runs_the_daemon():
    unit = ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str
    unit.read(ROOT / "deploy" / "ediops-daemon.service")
    service = unit["Service"]
    assert service["ExecStart"].split()[1] == "daemon"
    assert service["KillSignal"] == "SIGTERM" and service["Restart"] == "on-failure"
    assert "EnvironmentFile" in service and "token" not in service["ExecStart"].lower()
    assert unit["Install"]["WantedBy"] == "multi-user.target"
