"""Calls to the centre's peers (contract §10): one httpx.AsyncClient per process, explicit
timeouts, a bearer token per peer, bounded response bodies, JSON only.

Timeouts, connection errors and 5xx are retried with backoff (tenacity) under the same
`Idempotency-Key`; 4xx and malformed answers are not, since sending again cannot fix them
(design.md: Network)."""

from __future__ import annotations

import json
import logging

import httpx
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter

from ediops.config import Peer
from ediops.errors import EdiopsError, InputError

log = logging.getLogger("ediops.peers")

MAX_BODY_BYTES = 8 * 1024 * 1024
TIMEOUT = httpx.Timeout(connect=3.0, read=20.0, write=20.0, pool=10.0)
LIMITS = httpx.Limits(max_connections=32, max_keepalive_connections=16)


class PeerError(EdiopsError):
    """A call to a peer failed; `transient` says whether trying again later may help."""

    def __init__(self, peer: str, message: str, *, transient: bool, status: int | None = None):
        super().__init__(f"{peer}: {message}")
        self.peer = peer
        self.transient = transient
        self.status = status


def _transient(exc: BaseException) -> bool:
    return isinstance(exc, PeerError) and exc.transient


class PeerClient:
    """The process's one HTTP client to all peers."""

    def __init__(
        self,
        *,
        attempts: int = 4,
        max_wait: float = 4.0,
        max_body: int = MAX_BODY_BYTES,
        timeout: httpx.Timeout = TIMEOUT,
        transport: httpx.AsyncBaseTransport | None = None,
    ):
        self.attempts = attempts
        self.max_wait = max_wait
        self.max_body = max_body
        self._client = httpx.AsyncClient(
            timeout=timeout, limits=LIMITS, transport=transport, follow_redirects=False, trust_env=False
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def get(self, peer: Peer, path: str, *, params: dict | None = None, missing_ok: bool = False):
        """GET a JSON document; with `missing_ok`, a 404 answers None (e.g. a summary not yet published)."""
        return await self._retrying(peer, "GET", path, params=params, missing_ok=missing_ok)

    async def post(self, peer: Peer, path: str, body: dict, *, key: str):
        """POST JSON with its Idempotency-Key; the same key on every retry."""
        return await self.post_text(peer, path, json.dumps(body, ensure_ascii=False), key=key)

    async def post_text(self, peer: Peer, path: str, text: str, *, key: str):
        """`post` of a JSON text made already (e.g. from records stored as JSON text)."""
        return await self._retrying(peer, "POST", path, content=text.encode("utf-8"), key=key)

    async def _retrying(self, peer: Peer, method: str, path: str, **kw):
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.attempts),
            reraise=True,
            wait=wait_exponential_jitter(multiplier=0.2, max=self.max_wait),
            retry=retry_if_exception(_transient),
            before_sleep=lambda state: log.warning(
                "retrying %s %s%s (attempt %d): %s",
                method,
                peer.url,
                path,
                state.attempt_number,
                state.outcome.exception(),
            ),
        )
        async for attempt in retrying:
            with attempt:
                return await self._once(peer, method, path, **kw)

    async def _once(self, peer: Peer, method: str, path: str, *, params=None, content=None, key=None, missing_ok=False):
        try:
            token = peer.token()
        except InputError as exc:
            raise PeerError(peer.name, str(exc), transient=False) from None
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        if content is not None:
            headers["Content-Type"] = "application/json"
            headers["Idempotency-Key"] = key
        url = peer.url + path
        try:
            async with self._client.stream(method, url, params=params, content=content, headers=headers) as response:
                if response.status_code == 404 and missing_ok:
                    return None
                if response.status_code >= 500:
                    raise PeerError(
                        peer.name,
                        f"{method} {path}: HTTP {response.status_code}",
                        transient=True,
                        status=response.status_code,
                    )
                if response.status_code >= 400:
                    hint = " (check the peer's token)" if response.status_code in (401, 403) else ""
                    raise PeerError(
                        peer.name,
                        f"{method} {path}: HTTP {response.status_code}{hint}",
                        transient=False,
                        status=response.status_code,
                    )
                body = await self._read(peer, method, path, response)
        except httpx.TimeoutException as exc:
            raise PeerError(peer.name, f"{method} {path}: timed out ({type(exc).__name__})", transient=True) from None
        except httpx.TransportError as exc:
            raise PeerError(peer.name, f"{method} {path}: {type(exc).__name__}: {exc}", transient=True) from None
        try:
            return json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise PeerError(peer.name, f"{method} {path}: answer is not valid JSON ({exc})", transient=False) from None

    async def _read(self, peer: Peer, method: str, path: str, response: httpx.Response) -> bytes:
        kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind != "application/json":
            raise PeerError(
                peer.name,
                f"{method} {path}: answer is {kind or 'untyped'}, not application/json",
                transient=False,
                status=response.status_code,
            )
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self.max_body:
            raise PeerError(
                peer.name,
                f"{method} {path}: answer of {declared} bytes is over the {self.max_body} byte limit",
                transient=False,
                status=response.status_code,
            )
        chunks, size = [], 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > self.max_body:
                raise PeerError(
                    peer.name,
                    f"{method} {path}: answer over the {self.max_body} byte limit",
                    transient=False,
                    status=response.status_code,
                )
            chunks.append(chunk)
        return b"".join(chunks)
