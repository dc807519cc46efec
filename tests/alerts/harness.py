"""Real receivers for the alerts' channels: the notification sink (`json://`) as its own
process, and an SMTP server (aiosmtpd) on 127.0.0.1 for `mailto://`; plus an alerts.toml
and an urgent licence with a hostile trader's name."""

from __future__ import annotations

import email
import json
import os
import subprocess
import sys
import time
from email import policy
from pathlib import Path

import httpx

from tests.support.harness import ROOT, free_port

DATA = ROOT / "tests" / "data"
HOSTILE = "[bold red]Evil[/] \x1b[31mTrading\x1b[0m \x1b]0;pwned\x07 Co \u202eLtd\u202c \x9b2J\x07"


def alerts_toml(channels: dict[str, str], rules: list[dict]) -> str:
    """`channels`: name -> the environment variable of its URL."""
    out = [f'[channels.{name}]\nurl_env = "{env}"\n' for name, env in channels.items()]
    for rule in rules:
        steps = ", ".join(
            f"{{ after_minutes = {after}, notify = [{', '.join(f'{chr(34)}{c}{chr(34)}' for c in notify)}] }}"
            for after, notify in rule["steps"]
        )
        codes = ", ".join(f'"{c}"' for c in rule["codes"])
        out.append(f"[[rules]]\ncodes = [{codes}]\nsteps = [{steps}]\nrepeat_minutes = {rule.get('repeat', 0)}\n")
    return "\n".join(out)


def urgent_batch(folder: Path, *, sent_at: str, trader: str = HOSTILE, number: str = "00-AA-000101") -> Path:
    """An urgent batch from issuer AA holding one licence, written to a file for `ediops ingest`."""
    batch = json.loads((DATA / "aa_urgent.json").read_text(encoding="utf-8"))
    batch["sent_at"] = sent_at
    batch["records"][0]["trader"]["name"] = trader
    batch["records"][0]["licence_no"] = number
    path = folder / f"urgent-{number}.json"
    path.write_text(json.dumps(batch, ensure_ascii=False), encoding="utf-8")
    return path


class SinkProc:
    """`python -m ediops.simulator.sink` on a free port: the webhook receiver of json://."""

    def __init__(self, folder: Path, *, refuse: tuple[str, ...] = ()):
        self.port = free_port()
        self.log = folder / f"sink-{self.port}.log"
        args = [sys.executable, "-m", "ediops.simulator.sink", "--port", str(self.port)]
        for channel in refuse:
            args += ["--refuse", channel]
        self.proc = subprocess.Popen(
            args, cwd=ROOT, stdout=self.log.open("w"), stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + 20
        while "sink ready" not in self.log.read_text():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"sink did not start: {self.log.read_text()}")
            time.sleep(0.05)

    def url(self, channel: str) -> str:
        return f"json://127.0.0.1:{self.port}/alerts/{channel}"

    def messages(self, channel: str | None = None) -> list[dict]:
        got = httpx.get(f"http://127.0.0.1:{self.port}/alerts", timeout=10).json()["messages"]
        return [m for m in got if channel is None or m["channel"] == channel]

    def control(self, **change) -> dict:
        return httpx.post(f"http://127.0.0.1:{self.port}/alerts/control", json=change, timeout=10).json()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


class SmtpServer:
    """aiosmtpd on 127.0.0.1 (its own thread, a real socket): every message it takes."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.port = free_port()
        self.received: list[email.message.EmailMessage] = []
        outer = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                outer.received.append(email.message_from_bytes(envelope.content, policy=policy.default))
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def url(self, to: str = "supervisor@example.com") -> str:
        return f"mailto://127.0.0.1:{self.port}?from=ediops@example.com&to={to}&mode=insecure"

    def texts(self) -> list[str]:
        return [f"{m['subject']}\n{m.get_body(preferencelist=('plain',)).get_content()}" for m in self.received]

    def stop(self) -> None:
        self.controller.stop()


def env_with(**urls: str) -> dict:
    return {**{k: v for k, v in os.environ.items() if not k.startswith("EDIOPS_ALERT_")}, **urls}
