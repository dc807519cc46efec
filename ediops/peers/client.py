"""Calls to the centre's peers (docs/peers.md, docs/safeguards.md): one httpx.AsyncClient per process, a
deadline for each whole call, a bearer token per peer, bounded response bodies, JSON only.

Each call (every attempt and every wait between them) ends within its deadline, however the
peer dribbles its answer: httpx's read timeout is per read, so an answer of one byte every
few seconds would otherwise hold the caller for ever. Timeouts, connection errors, 429 and
5xx are retried with backoff (tenacity) under the same `Idempotency-Key`, within the deadline;
a `Retry-After` longer than the wait allowed here ends the call with `retry_after` set, and
the caller leaves the peer alone until then (bounded). Redirects are not followed. 4xx and
malformed answers are not retried: sending again cannot fix them (docs/architecture.md: Network).

Every error text is redacted of the peer's token before it exists (docs/safeguards.md: secrets)."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime

import httpx
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, stop_after_delay, wait_exponential_jitter

from ediops.config import Peer
from ediops.errors import EdiopsError, InputError
from ediops import strict_json
from ediops.monitoring import events
from ediops.secrets import redact
from ediops.text import clean

log = logging.getLogger("ediops.peers")

MAX_BODY_BYTES = 8 * 1024 * 1024
DEADLINE_SECONDS = 30.0  # a whole call, retries included (settings: peer_deadline_seconds)
TIMEOUT = httpx.Timeout(connect=3.0, read=20.0, write=20.0, pool=10.0)
LIMITS = httpx.Limits(max_connections=64, max_keepalive_connections=32)
RETRY_STATUSES = (429, 502, 503, 504)


class PeerError(EdiopsError):
    """A call to a peer failed; `transient` says whether trying again later may help, and
    `retry_after` (seconds) when the peer said when."""

    def __init__(
        self,
        peer: str,
        message: str,
        *,
        transient: bool,
        status: int | None = None,
        retry_after: float | None = None,
        secret: str | None = None,
    ):
        super().__init__(redact(f"{peer}: {message}", secret))
        self.peer = peer
        self.transient = transient
        self.status = status
        self.retry_after = retry_after


def request_outcome(error: PeerError) -> str:
    """A failed request's outcome for ediops_peer_requests_total: a bounded set of words."""
    if error.status is not None:
        return f"http_{error.status // 100}xx"
    return "unreachable" if error.transient else "bad_answer"


def retry_after_seconds(value: str | None, *, now: float | None = None) -> float | None:
    """`Retry-After` as seconds from now: delta-seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(min(int(value), 10**7))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class PeerClient:
    """The process's one HTTP client to all peers."""

    def __init__(
        self,
        *,
        attempts: int = 4,
        max_wait: float = 4.0,
        max_body: int = MAX_BODY_BYTES,
        deadline: float = DEADLINE_SECONDS,
        timeout: httpx.Timeout = TIMEOUT,
        transport: httpx.AsyncBaseTransport | None = None,
    ):
        self.attempts = attempts
        self.max_wait = max_wait
        self.max_body = max_body
        self.deadline = deadline
        self.fence: Callable[[], None] | None = None  # raises when this process may no longer send
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

    def _wait(self, state) -> float:
        """Backoff, or the peer's own Retry-After when it is short enough to wait for here."""
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, PeerError) and exc.retry_after is not None:
            return exc.retry_after
        return wait_exponential_jitter(multiplier=0.2, max=self.max_wait)(state)

    async def _retrying(self, peer: Peer, method: str, path: str, **kw):
        loop = asyncio.get_running_loop()
        end = loop.time() + self.deadline
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.attempts) | stop_after_delay(self.deadline),
            reraise=True,
            wait=self._wait,
            retry=retry_if_exception(self._may_retry(end)),
            before_sleep=lambda state: log.warning(
                "retrying %s %s%s (attempt %d): %s",
                method,
                peer.url,
                path,
                state.attempt_number,
                state.outcome.exception(),
                extra={"peer": peer.name},
            ),
        )
        async for attempt in retrying:
            with attempt:
                try:
                    async with asyncio.timeout_at(end):
                        answer = await self._attempt(peer, method, path, **kw)
                except TimeoutError:
                    events.peer_request(peer.name, "timeout")
                    raise PeerError(
                        peer.name,
                        f"{method} {path}: no complete answer within {self.deadline:g} s",
                        transient=True,
                    ) from None
                except PeerError as exc:
                    events.peer_request(peer.name, request_outcome(exc))
                    raise
                events.peer_request(peer.name, "ok")
                return answer

    def _may_retry(self, end: float):
        """Transient, and any Retry-After both short (at most max_wait) and within the deadline."""

        def check(exc: BaseException) -> bool:
            if not isinstance(exc, PeerError) or not exc.transient:
                return False
            wait = exc.retry_after
            return wait is None or (wait <= self.max_wait and asyncio.get_running_loop().time() + wait < end)

        return check

    async def _attempt(
        self, peer: Peer, method: str, path: str, *, params=None, content=None, key=None, missing_ok=False
    ):
        """One attempt of a call: the request with its token and key, the answer read within the
        size bound and checked (status, content type, JSON); `_retrying` retries it within the deadline."""
        try:
            token = peer.token()
        except InputError as exc:
            raise PeerError(peer.name, str(exc), transient=False) from None
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        if content is not None:
            headers["Content-Type"] = "application/json"
            headers["Idempotency-Key"] = key
        url = peer.url + path
        if content is not None and self.fence is not None:
            self.fence()  # every attempt, right before it goes: a POST built before a freeze included

        def fail(message: str, *, transient: bool, status: int | None = None, retry_after=None) -> PeerError:
            return PeerError(
                peer.name,
                f"{method} {path}: {message}",
                transient=transient,
                status=status,
                retry_after=retry_after,
                secret=token,
            )

        try:
            async with self._client.stream(method, url, params=params, content=content, headers=headers) as response:
                status = response.status_code
                if status == 404 and missing_ok:
                    return None
                if 300 <= status < 400:
                    where = clean(response.headers.get("location", "nowhere"))[:200]
                    raise fail(
                        f"HTTP {status} redirect to {where} not followed (check the peer's url)",
                        transient=False,
                        status=status,
                    )
                if status in RETRY_STATUSES or status >= 500:
                    wait = retry_after_seconds(response.headers.get("retry-after"))
                    raise fail(
                        f"HTTP {status}" + (f" (Retry-After {wait:g} s)" if wait is not None else ""),
                        transient=True,
                        status=status,
                        retry_after=wait,
                    )
                if status >= 400:
                    hint = " (check the peer's token)" if status in (401, 403) else ""
                    raise fail(f"HTTP {status}{hint}", transient=False, status=status)
                body = await self._read(response, fail)
        except httpx.TimeoutException as exc:
            raise fail(f"timed out ({type(exc).__name__})", transient=True) from None
        except httpx.TransportError as exc:
            raise fail(f"{type(exc).__name__}: {exc}", transient=True) from None
        except httpx.InvalidURL as exc:
            raise fail(f"bad url: {exc}", transient=False) from None
        try:
            return strict_json.loads(body)
        except InputError as exc:
            raise fail(f"answer is not valid JSON ({exc})", transient=False) from None

    async def _read(self, response: httpx.Response, fail) -> bytes:
        kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind != "application/json":
            raise fail(
                f"answer is {clean(kind)[:80] or 'untyped'}, not application/json",
                transient=False,
                status=response.status_code,
            )
        declared = response.headers.get("content-length")
        if declared and declared.isascii() and declared.isdigit() and int(declared) > self.max_body:
            raise fail(
                f"answer of {declared} bytes is over the {self.max_body} byte limit",
                transient=False,
                status=response.status_code,
            )
        chunks, size = [], 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > self.max_body:
                raise fail(f"answer over the {self.max_body} byte limit", transient=False, status=response.status_code)
            chunks.append(chunk)
        return b"".join(chunks)
