"""The simulated peers as HTTP servers: one uvicorn server per host:port named in
peers.toml, each routing by the peers' URL prefixes, plus `/stats` and `/control`.

Transport faults (down, slow, 5xx bursts, bad answers, 401) are applied here; `down`
really stops the server of that port, so the centre sees a refused connection."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import socket
from datetime import date
from urllib.parse import urlsplit

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ediops.errors import EdiopsError
from ediops.simulator import bureaus
from ediops.simulator.sink import Sink
from ediops.simulator.state import Simulator, applies

log = logging.getLogger("ediops.simulator")
HUGE_BYTES = 10 * 1024 * 1024


def _json(body, status: int = 200) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status_code=status, media_type="application/json")


class Endpoint:
    """One port: the peers whose URL points at it, by path prefix."""

    def __init__(self, sim: Simulator, host: str, port: int):
        self.sim, self.host, self.port = sim, host, port
        self.prefixes: list[tuple[str, str, str]] = []  # (path prefix, peer name, kind)
        self.server: uvicorn.Server | None = None
        self.task: asyncio.Task | None = None

    def route(self, request: Request) -> tuple[str, str, str] | None:
        path = request.url.path
        for prefix, peer, kind in sorted(self.prefixes, key=lambda p: -len(p[0])):
            if path == prefix or path.startswith(prefix + "/") or not prefix:
                return peer, kind, path[len(prefix) :]
        return None


class Peers:
    """Runs every endpoint; starts and stops them for the `down` switch."""

    def __init__(self, sim: Simulator, *, host_override: str | None = None):
        self.sim = sim
        self.endpoints: dict[tuple[str, int], Endpoint] = {}
        self._switch_lock = asyncio.Lock()
        self._switching: asyncio.Task | None = None
        self.sink = Sink()  # the alerts' json:// channels of the demo post here, beside customs
        config = sim.config
        named = [("customs", "customs", config.customs), ("ministry", "ministry", config.ministry)]
        named += [(i.code, "issuer", i) for i in config.issuers]
        named += bureaus.mount(sim)  # inspection bureaus of the 2002 notice
        for name, kind, peer in named:
            if peer is None:
                continue
            url = urlsplit(peer.url)
            key = (host_override or url.hostname or "127.0.0.1", url.port or 80)
            endpoint = self.endpoints.setdefault(key, Endpoint(sim, *key))
            endpoint.prefixes.append((url.path.rstrip("/"), name, kind))

    def app(self, endpoint: Endpoint) -> Starlette:
        async def stats(request: Request) -> Response:
            return _json(self.sim.stats(detail=request.query_params.get("detail") == "1"))

        async def control(request: Request) -> Response:
            try:
                change = json.loads(await request.body() or b"{}")
                self.sim.faults.update(change)
            except (ValueError, TypeError, AttributeError) as exc:
                return _json({"error": str(exc)}, 400)
            if self._down(endpoint):
                # Stopping the server this request came through would cancel the request (and
                # the stop with it): answer first, and let the switch happen beside it.
                self._switching = asyncio.create_task(self.apply_down())
            else:
                await self.apply_down()
            return _json(self.sim.faults.as_dict())

        async def peer(request: Request) -> Response:
            found = endpoint.route(request)
            if found is None:
                return _json({"error": "no such peer"}, 404)
            return await self.answer(request, *found)

        methods = ["GET", "POST"]
        sink = self.sink.routes() if any(kind == "customs" for _, _, kind in endpoint.prefixes) else []
        return Starlette(
            routes=[
                Route("/stats", stats),
                Route("/control", control, methods=["POST"]),
                *sink,
                Route("/{path:path}", peer, methods=methods),
            ]
        )

    async def answer(self, request: Request, peer: str, kind: str, path: str) -> Response:
        faults = self.sim.faults
        expected = self.sim.tokens.get(peer)
        given = request.headers.get("authorization", "")
        if applies(faults.unauthorized, peer) or not secrets.compare_digest(given, f"Bearer {expected}"):
            return _json({"error": "unauthorized"}, 401)
        burst = applies(faults.errors, peer)
        if burst and faults.errors[burst] > 0:
            faults.errors[burst] -= 1
            self.sim.refused.setdefault(peer, []).append(request.headers.get("idempotency-key"))
            return _json({"error": "service unavailable (simulated burst)"}, 503)
        response = await self.dispatch(request, peer, kind, path)
        slow = applies(faults.slow, peer)
        if slow:
            await asyncio.sleep(faults.slow[slow])
        if response.status_code == 200:
            if applies(faults.bad_json, peer):
                return Response(b'{"batches": [{"batch_id": ', media_type="application/json")
            if applies(faults.huge, peer):
                return Response(b'{"pad": "' + b"x" * HUGE_BYTES + b'"}', media_type="application/json")
            if applies(faults.wrong_type, peer):
                return Response("<html><body>maintenance</body></html>", media_type="text/html")
        return response

    async def dispatch(self, request: Request, peer: str, kind: str, path: str) -> Response:
        sim = self.sim
        method = request.method
        if method == "POST":
            key = request.headers.get("idempotency-key")
            if not key:
                return _json({"error": "Idempotency-Key header required"}, 400)
            try:
                body = json.loads(await request.body())
            except ValueError:
                return _json({"error": "body is not JSON"}, 400)
            if not isinstance(body, dict):
                return _json({"error": "body is not a JSON object"}, 400)
        if kind == "issuer":
            if method == "GET" and path == "/batches":
                return _json(sim.batches(peer, request.query_params.get("after")))
            if method == "POST" and path == "/acks":
                return _json(sim.take_ack(peer, key, body))
            if method == "GET" and path.startswith("/summaries/"):
                try:
                    day = date.fromisoformat(path.rsplit("/", 1)[1])
                except ValueError:
                    return _json({"error": "bad date"}, 400)
                summary = sim.summary(peer, day)
                return _json(summary) if summary else _json({"error": "not yet published"}, 404)
        elif kind == "customs":
            if method == "POST" and path == "/licences":
                return _json(sim.take_licences(key, body))
            if method == "GET" and path == "/writeoffs":
                return _json(sim.writeoff_page(request.query_params.get("after")))
        elif kind == "bureau" and method == "GET" and path == "/reports":
            return _json(sim.bureaus.page(peer, request.query_params.get("after")))
        elif kind == "ministry" and method == "POST" and path == "/writeoffs":
            return _json(sim.take_writeoffs(key, body))
        return _json({"error": f"no {method} {path} at {peer}"}, 404)

    # ---------------------------------------------------------------- serving

    def _down(self, endpoint: Endpoint) -> bool:
        return any(applies(self.sim.faults.down, peer) for _, peer, _ in endpoint.prefixes)

    async def _start(self, endpoint: Endpoint) -> None:
        config = uvicorn.Config(
            self.app(endpoint),
            host=endpoint.host,
            port=endpoint.port,
            log_level="warning",
            log_config=None,  # uvicorn's lines go through the process's JSON handler (docs/monitoring.md)
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=1,
        )
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            listener.bind((endpoint.host, endpoint.port))
        except OSError as exc:
            listener.close()
            raise EdiopsError(f"simulator: cannot listen on {endpoint.host}:{endpoint.port}: {exc.strerror}") from None
        listener.listen(128)
        endpoint.server = _QuietServer(config)
        endpoint.task = asyncio.create_task(endpoint.server.serve(sockets=[listener]))
        while not endpoint.server.started:
            if endpoint.task.done():
                raise EdiopsError(f"simulator: could not serve on {endpoint.host}:{endpoint.port}")
            await asyncio.sleep(0.02)

    async def _stop(self, endpoint: Endpoint) -> None:
        if endpoint.server is not None:
            endpoint.server.should_exit = True
            try:
                with contextlib.suppress(Exception):
                    await endpoint.task
            finally:  # even if cancelled: a server told to exit is down, and may be started again
                endpoint.server = endpoint.task = None

    async def apply_down(self) -> None:
        async with self._switch_lock:  # one switch at a time, from whichever port it was asked
            await self._apply_down()

    async def _apply_down(self) -> None:
        for endpoint in self.endpoints.values():
            down = self._down(endpoint)
            if down and endpoint.server is not None:
                await self._stop(endpoint)
                log.warning("simulated peer down: %s:%s", endpoint.host, endpoint.port)
            elif not down and endpoint.server is None:
                await self._start(endpoint)

    async def serve(self, stop: asyncio.Event) -> None:
        await self.apply_down()
        print("simulator ready: " + ", ".join(f"http://{h}:{p}" for h, p in self.endpoints), flush=True)
        await stop.wait()
        for endpoint in self.endpoints.values():
            await self._stop(endpoint)


class _QuietServer(uvicorn.Server):
    """Several servers share one process: the simulator owns the signals, not uvicorn."""

    @contextlib.contextmanager
    def capture_signals(self):
        yield
