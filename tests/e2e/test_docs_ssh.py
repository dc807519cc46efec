"""docs/ssh.md's sshd snippet is what duty staff paste: sshd itself must accept it."""

from __future__ import annotations

import re
import subprocess

import pytest

from tests.e2e.conftest import ROOT, need
from tests.e2e.sshd import keygen

pytestmark = pytest.mark.e2e

REQUIRED = [
    "Match Group ediops-desk",
    "ForceCommand /opt/ediops/.venv/bin/ediops --config /etc/ediops desk",
    "DisableForwarding yes",
    "PermitTTY yes",
    "ClientAliveInterval 30",
    "ClientAliveCountMax 3",
    "PermitUserRC no",
]


def _snippet() -> str:
    text = (ROOT / "docs" / "ssh.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sshd\n(.*?)```", text, flags=re.S)
    assert len(blocks) == 1, "docs/ssh.md should hold exactly one ```sshd block"
    return blocks[0]


def test_snippet_names_every_setting_of_the_deployment():
    lines = [line.strip() for line in _snippet().splitlines()]
    assert [r for r in REQUIRED if r not in lines] == []


def test_sshd_accepts_the_snippet(tmp_path):
    need(sshd=True)
    host_key = keygen(tmp_path / "host_key")
    config = tmp_path / "sshd_config"
    config.write_text(f"HostKey {host_key}\nPidFile {tmp_path / 'pid'}\n" + _snippet())
    checked = subprocess.run(["/usr/sbin/sshd", "-t", "-f", str(config)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
