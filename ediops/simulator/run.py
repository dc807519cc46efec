"""Starting the simulator: fault switches from the command line, the port layout, and a
clean stop on SIGTERM/SIGINT."""

from __future__ import annotations

import asyncio
import dataclasses
import signal
from urllib.parse import urlsplit, urlunsplit

from ediops.errors import InputError
from ediops.simulator.state import FLAG_FAULTS, PEER_FAULTS, SHAPE_FAULTS, Faults, Simulator
from ediops.simulator.traffic import Shape

FAULT_HELP = (
    "down=PEER[,PEER], slow=PEER:SECONDS, errors=PEER:COUNT (503 burst), bad-json=PEER, huge=PEER, "
    "wrong-type=PEER, unauthorized=PEER, truncated, conflicting-resends, missing-summaries, "
    "hostile-text, writeoff-anomalies; PEER is customs, ministry, issuers or an issuer code"
)


def parse_faults(specs: list[str]) -> tuple[dict, dict]:
    """`--fault` values -> (a control change for Faults, the data-shaping switches)."""
    change: dict = {}
    shape: dict = {}
    for spec in specs:
        name, _, value = spec.partition("=")
        name = name.strip().replace("-", "_")
        if name in SHAPE_FAULTS or name in FLAG_FAULTS:
            (shape if name in SHAPE_FAULTS else change)[name] = True
        elif name in ("down", *PEER_FAULTS) and value:
            change.setdefault(name, []).extend(v.strip() for v in value.split(",") if v.strip())
        elif name in ("slow", "errors") and ":" in value:
            peer, _, amount = value.partition(":")
            try:
                change.setdefault(name, {})[peer.strip()] = float(amount) if name == "slow" else int(amount)
            except ValueError:
                raise InputError(f"--fault {spec}: {amount!r} is not a number") from None
        else:
            raise InputError(f"--fault {spec}: unknown or incomplete switch (one of: {FAULT_HELP})")
    return change, shape


def with_port_base(config, base: int):
    """Moves the peers to base+1 (customs), base+2 (ministry), base+10 (issuers), base+20
    (inspection bureaus), keeping paths."""

    def move(peer, port):
        url = urlsplit(peer.url)
        return dataclasses.replace(peer, url=urlunsplit((url.scheme, f"{url.hostname}:{port}", url.path, "", "")))

    return dataclasses.replace(
        config,
        customs=config.customs and move(config.customs, base + 1),
        ministry=config.ministry and move(config.ministry, base + 2),
        issuers=tuple(move(i, base + 10) for i in config.issuers),
        bureaus=tuple(move(b, base + 20) for b in config.bureaus),
    )


def simulate(config, clock, *, seed: int, scale: float, faults: list[str], host: str | None = None) -> int:
    change, shape = parse_faults(faults)
    state = Faults()
    state.update(change)
    sim = Simulator(config, clock, seed=seed, shape=Shape(scale=scale, **shape), faults=state)
    return asyncio.run(_serve(sim, host))


async def _serve(sim: Simulator, host: str | None) -> int:
    # Imported here: uvicorn and starlette cost every `ediops` command ~50 ms at start-up
    # (the CLI imports this module for its --fault help), and only the simulator needs them.
    from ediops.simulator.server import Peers

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await Peers(sim, host_override=host).serve(stop)
    return 0
