"""A notification sink: the webhook receiver that Apprise's `json://` channels post to, on
loopback. The simulator serves it beside customs (`/alerts/CHANNEL`), so `ediops demo` shows
alerts being sent; tests and the bench run it alone (`python -m ediops.simulator.sink`).

POST /alerts/CHANNEL  takes a message (answers 503 while CHANNEL is switched to refuse)
GET  /alerts          every message taken: channel, received_at, title, message
POST /alerts/control  {"refuse": [CHANNEL...], "delay": SECONDS} (a message is kept on arrival,
                      answered after the delay: a sender that dies meanwhile never hears)"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import time
from datetime import datetime

from ediops.clock import SHANGHAI

MAX_KEPT = 10_000


class Sink:
    def __init__(self) -> None:
        self.messages: list[dict] = []
        self.refuse: set[str] = set()
        self.refused = 0
        self.delay = 0.0

    def routes(self) -> list:
        from starlette.requests import Request
        from starlette.responses import JSONResponse
        from starlette.routing import Route

        async def take(request: Request) -> JSONResponse:
            channel = request.path_params["channel"]
            if channel in self.refuse:
                self.refused += 1
                return JSONResponse({"error": f"channel {channel} refuses (simulated)"}, status_code=503)
            try:
                body = json.loads(await request.body() or b"{}")
            except ValueError:
                return JSONResponse({"error": "body is not JSON"}, status_code=400)
            self.messages.append(
                {
                    "channel": channel,
                    "received_at": datetime.now(SHANGHAI).isoformat(),
                    "received_unix": time.time(),
                    "title": body.get("title") if isinstance(body, dict) else None,
                    "message": body.get("message") if isinstance(body, dict) else None,
                }
            )
            del self.messages[:-MAX_KEPT]
            if self.delay:
                await asyncio.sleep(self.delay)
            return JSONResponse({"ok": True})

        async def listing(request: Request) -> JSONResponse:
            return JSONResponse({"messages": self.messages, "refused": self.refused})

        async def control(request: Request) -> JSONResponse:
            try:
                change = json.loads(await request.body() or b"{}")
                self.refuse = {str(c) for c in change.get("refuse", sorted(self.refuse))}
                self.delay = float(change.get("delay", self.delay))
            except (ValueError, AttributeError, TypeError) as exc:
                return JSONResponse({"error": str(exc)}, status_code=400)
            return JSONResponse({"refuse": sorted(self.refuse), "delay": self.delay})

        return [
            Route("/alerts", listing, methods=["GET"]),
            Route("/alerts/control", control, methods=["POST"]),
            Route("/alerts/{channel}", take, methods=["POST"]),
        ]


async def _serve(host: str, port: int, refuse: list[str]) -> None:
    import uvicorn
    from starlette.applications import Starlette

    sink = Sink()
    sink.refuse = set(refuse)

    class Quiet(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self):  # the signals are ours (below)
            yield

    server = Quiet(
        uvicorn.Config(Starlette(routes=sink.routes()), host=host, port=port, log_level="warning", lifespan="off")
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            raise SystemExit(f"sink: cannot listen on {host}:{port}")
        await asyncio.sleep(0.02)
    print(f"sink ready: http://{host}:{port}/alerts", flush=True)
    await stop.wait()
    server.should_exit = True
    await task


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m ediops.simulator.sink", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--refuse", action="append", default=[], metavar="CHANNEL")
    args = parser.parse_args(argv)
    asyncio.run(_serve(args.host, args.port, args.refuse))


if __name__ == "__main__":
    main()
