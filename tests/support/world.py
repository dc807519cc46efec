"""A world of real processes (simulator, daemons, commands) on free ports, always stopped:
the `world` fixture of tests/conftest.py."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.support import harness


class World:
    """A temp config dir with free ports and tokens, a data file, and every process started."""

    def __init__(self, folder):
        self.folder = folder
        self.db_path = folder / "ediops.db"
        self.procs: list[harness.Proc] = []
        self.config_dir = None
        self.env: dict = {}

    def configure(self, **kw) -> None:
        self.config_dir, self.env = harness.make_config(self.folder / "config", **kw)

    def simulator(self, **kw) -> harness.Simulator:
        sim = harness.Simulator(self.folder, self.config_dir, self.env, **kw)
        self.procs.append(sim)
        return sim

    def daemon(self, name: str = "daemon", *, now: str) -> harness.Proc:
        proc = harness.Proc(
            name,
            ["daemon", "--db", str(self.db_path), "--config", str(self.config_dir), "--now", now],
            env=self.env,
            folder=self.folder,
        )
        self.procs.append(proc)
        return proc

    def cli(self, *args: str, now: str) -> subprocess.CompletedProcess:
        """One `ediops` command on this world's data file and config, run to its end."""
        argv = [
            sys.executable,
            str(harness.ROOT / "main.py"),
            *args,
            "--db",
            str(self.db_path),
            "--config",
            str(self.config_dir),
            "--now",
            now,
        ]
        return subprocess.run(
            argv,
            capture_output=True,
            text=True,
            cwd=harness.ROOT,
            timeout=120,
            env={**os.environ, "PYTHONIOENCODING": "utf-8", **self.env},
        )
