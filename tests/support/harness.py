"""Real processes for the integration tests: the simulator and daemons as subprocesses on
127.0.0.1, on free ports, with a temporary --config directory and random peer tokens."""

from __future__ import annotations

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from ediops import config as config_mod
from ediops.config import BUNDLED

ROOT = Path(__file__).resolve().parents[2]
FAST_WINDOWS = {
    "poll-feeds": 'second = "*/3"',
    "send-acks": 'second = "*/5"',
    "forward-customs": 'second = "*/4"',
    "pull-writeoffs": 'second = "*/4"',
    "reconcile": 'second = "*/10"',
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_config(
    folder: Path, *, issuers: int = 40, windows: dict | None = None, settings: dict | None = None
) -> tuple[Path, dict]:
    """A config dir whose peers point at free ports; returns it and the token environment."""
    folder.mkdir(parents=True, exist_ok=True)
    bundled = config_mod.load()
    customs, ministry, feeds = free_port(), free_port(), free_port()
    env = {bundled.customs.token_env: secrets.token_hex(8), bundled.ministry.token_env: secrets.token_hex(8)}
    lines = [
        f'[customs]\nurl = "http://127.0.0.1:{customs}"\ntoken_env = "{bundled.customs.token_env}"\n',
        f'[ministry]\nurl = "http://127.0.0.1:{ministry}"\ntoken_env = "{bundled.ministry.token_env}"\n',
    ]
    for issuer in bundled.issuers[:issuers]:
        env[issuer.token_env] = secrets.token_hex(8)
        lines.append(
            f'[[issuers]]\ncode = "{issuer.code}"\nname = "{issuer.display_name}"\n'
            f'url = "http://127.0.0.1:{feeds}/issuers/{issuer.code}"\n'
            f'token_env = "{issuer.token_env}"\ncutoff = "{issuer.cutoff}"\n'
        )
    (folder / "peers.toml").write_text("\n".join(lines), encoding="utf-8")
    crons = windows if windows is not None else FAST_WINDOWS
    (folder / "windows.toml").write_text(
        "".join(f"[windows.{w}]\ncron = {{ {c} }}\n" for w, c in crons.items()), encoding="utf-8"
    )
    # every daemon's /metrics on a port of its own (the bundled 9464 would be shared by all)
    settings = {"metrics_listen": "127.0.0.1:0", **(settings or {})}
    base = (BUNDLED / "settings.toml").read_text(encoding="utf-8")
    extra = "".join(f"{k} = {v!r}\n" for k, v in (settings or {}).items())
    (folder / "settings.toml").write_text(_override(base, settings or {}) + extra, encoding="utf-8")
    return folder, env


def _override(text: str, settings: dict) -> str:
    return "".join(line for line in text.splitlines(keepends=True) if line.split("=")[0].strip() not in settings)


class Proc:
    """One `ediops` subprocess with its output in files (so nothing blocks on a full pipe)."""

    def __init__(self, name: str, args: list[str], *, env: dict, folder: Path):
        self.name = name
        self.out = folder / f"{name}.out"
        self.err = folder / f"{name}.err"
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "main.py"), *args],
            cwd=ROOT,
            env={**os.environ, "PYTHONIOENCODING": "utf-8", **env},
            stdout=self.out.open("w"),
            stderr=self.err.open("w"),
            start_new_session=True,
        )

    def output(self) -> str:
        return self.out.read_text(encoding="utf-8") + self.err.read_text(encoding="utf-8")

    def wait_for(self, pattern: str, timeout: float = 30) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = re.search(pattern, self.output())
            if found:
                return found
            if self.proc.poll() is not None:
                raise AssertionError(f"{self.name} exited {self.proc.returncode}: {self.output()[-3000:]}")
            time.sleep(0.1)
        raise AssertionError(f"{self.name}: no {pattern!r} within {timeout} s: {self.output()[-3000:]}")

    def signal(self, sig: int) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)

    def stop(self, timeout: float = 15) -> int:
        """SIGTERM, then SIGKILL if it does not go."""
        self.signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            return -9

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


class Simulator(Proc):
    def __init__(
        self,
        folder: Path,
        config_dir: Path,
        env: dict,
        *,
        now: str,
        scale: float = 0.1,
        faults: tuple[str, ...] = (),
        seed: int = 7,
    ):
        args = ["simulate", "--config", str(config_dir), "--now", now, "--seed", str(seed), "--scale", str(scale)]
        for fault in faults:
            args += ["--fault", fault]
        super().__init__("simulator", args, env=env, folder=folder)
        self.wait_for(r"simulator ready: (\S+)")
        self.url = config_mod.load(config_dir).customs.url

    def stats(self, detail: bool = False) -> dict:
        return httpx.get(f"{self.url}/stats", params={"detail": "1"} if detail else None, timeout=10).json()

    def control(self, **change) -> dict:
        return httpx.post(f"{self.url}/control", json=change, timeout=10).json()


def wait_until(check, timeout: float = 60, interval: float = 0.3, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"{what} not reached within {timeout} s")
