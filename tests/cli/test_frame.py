"""The command line's frame: usage errors exit 2, a closed pipe is one clear line."""

import subprocess
import sys

from ediops.hotline import settings as hotline_config, tickets as hotline
from ediops.clock import parse_instant
from tests.conftest import ROOT
from tests.conftest import ANYONE

HOTLINE = hotline_config.load()  # the bundled hotline settings, passed as the desk and CLI pass theirs


def test_no_command_is_wrong_usage(cli):
    result = cli()
    assert result.returncode == 2
    assert "COMMAND" in result.stderr


def test_reader_closing_the_pipe_is_one_line_not_a_traceback(db, db_path):
    """`ediops ticket list --json | head -c1`: no traceback, one line naming the command."""
    for n in range(60):  # more JSON than a pipe buffer holds, so the write meets the closed pipe
        hotline.open_ticket(
            db,
            settings=HOTLINE,
            caller=f"caller {n}",
            phone="010-65198180",
            org="Port 5300",
            category="other",
            priority="normal",
            text="x" * 2000,
            roles=ANYONE,
            actor="tester",
            now=parse_instant("2000-10-09T10:00:00+08:00"),
        )
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "--db", str(db_path), "ticket", "list", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    proc.stdout.read(1)
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=30) == 1
    assert "Traceback" not in stderr
    assert stderr.strip() == "ediops ticket: output closed early (broken pipe)"
