"""Engines in this process: against the simulator as a real process (`peers`), or against a
scripted issuer (`engine_with`, httpx.MockTransport)."""

from __future__ import annotations

from datetime import date

import httpx
import pytest

from ediops import config as config_mod
from ediops.clock import Clock, parse_instant
from ediops.peers.client import PeerClient
from ediops.peers.runtime import Engine, client_for
from ediops.simulator import traffic
from tests.support.world import World

EVENING = "2000-10-09T23:00:00+08:00"
SCRIPTED_NOW = parse_instant(EVENING)


@pytest.fixture
def peers(tmp_path, monkeypatch, db):
    """(engine, simulator): the engine on `db`, its peers the simulator's, the clock running."""
    world = World(tmp_path)
    world.configure(issuers=2, windows={})
    for name, value in world.env.items():
        monkeypatch.setenv(name, value)
    sim = world.simulator(now=EVENING)
    config = config_mod.load(world.config_dir)
    engine = Engine(db, config, Clock(parse_instant(EVENING), frozen=False), client_for(config))
    yield engine, sim
    for proc in reversed(world.procs):
        proc.kill()


@pytest.fixture
def engine_with(db, monkeypatch):
    """(build, good, seen): `build(pages, ack_status)` makes an engine on `db` whose issuer AA is
    a scripted peer serving `pages` (by cursor) and answering acks with `ack_status`, each
    call tried once; `good` is a valid batch of AA's; `seen` collects every request."""
    config = config_mod.load()
    issuer = config.issuer("AA")
    monkeypatch.setenv(issuer.token_env, "t")
    day = traffic.day(1, "AA", issuer.cutoff, date(2000, 10, 9), traffic.Shape(scale=0.05))
    good = day.batches[0].body(day.business_date)
    seen = []

    def build(pages, ack_status: int = 200):
        def handler(request: httpx.Request):
            seen.append(request)
            if request.url.path.endswith("/acks"):
                return httpx.Response(ack_status, json={"received": ack_status == 200})
            after = request.url.params.get("after")
            return httpx.Response(200, json=pages.get(after, {"batches": [], "next": after}))

        client = PeerClient(transport=httpx.MockTransport(handler), max_wait=0.01, attempts=1)
        return Engine(db, config, Clock(SCRIPTED_NOW), client), issuer

    return build, good, seen
