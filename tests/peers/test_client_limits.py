"""docs/safeguards.md at the peer client: a deadline for the whole exchange, Retry-After, redirects,
tokens checked when read and never in an error text. The deadline test talks to a real
server on 127.0.0.1 that answers one byte at a time."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from ediops.config import Peer
from ediops.errors import InputError
from ediops.peers.client import PeerClient, PeerError, retry_after_seconds
from ediops.secrets import redact

TOKEN = "tok-3f9a7c1e55"
PEER = Peer(name="issuer ZZ", url="http://127.0.0.1:9", token_env="TEST_HARDEN_TOKEN")


@pytest.fixture(autouse=True)
def token(monkeypatch):
    monkeypatch.setenv("TEST_HARDEN_TOKEN", TOKEN)


async def _dribbler(interval: float):
    """An HTTP server whose answer never ends: one byte every `interval` seconds."""

    async def serve(reader, writer):
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n")
        try:
            while True:
                writer.write(b" ")
                await writer.drain()
                await asyncio.sleep(interval)
        except (ConnectionError, asyncio.CancelledError):
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1]


async def test_an_answer_dribbled_one_byte_at_a_time_ends_at_the_deadline():
    server, port = await _dribbler(0.2)
    peer = Peer(name="issuer ZZ", url=f"http://127.0.0.1:{port}", token_env="TEST_HARDEN_TOKEN")
    client = PeerClient(deadline=1.0, attempts=3, max_wait=0.05)
    started = time.monotonic()
    try:
        with pytest.raises(PeerError, match="no complete answer within 1 s") as info:
            await asyncio.wait_for(client.get(peer, "/batches"), 15)  # before: read timeout per read, never
    finally:
        await client.aclose()
        server.close()
    assert info.value.transient
    assert time.monotonic() - started < 5


def _client(answers, **kw):
    seen = []

    def handler(request: httpx.Request):
        seen.append(request)
        answer = answers[min(len(seen), len(answers)) - 1]
        return answer() if callable(answer) else answer

    return PeerClient(transport=httpx.MockTransport(handler), max_wait=0.5, **kw), seen


async def test_a_long_retry_after_ends_the_call_and_says_how_long():
    client, seen = _client([httpx.Response(429, headers={"Retry-After": "3600"})])
    with pytest.raises(PeerError, match="HTTP 429") as info:
        await client.get(PEER, "/batches")
    assert len(seen) == 1 and info.value.retry_after == 3600  # before: retried at once, 4 times a call


async def test_a_short_retry_after_is_waited_for_then_retried():
    client, seen = _client([httpx.Response(503, headers={"Retry-After": "0"}), httpx.Response(200, json={"ok": 1})])
    assert await client.get(PEER, "/batches") == {"ok": 1}
    assert len(seen) == 2


def test_retry_after_reads_seconds_and_http_dates():
    assert retry_after_seconds("120") == 120
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412480 - 60) == 60
    assert retry_after_seconds("soon") is None and retry_after_seconds("٣٠") is None


async def test_a_redirect_is_not_followed_and_said_so():
    client, seen = _client([httpx.Response(302, headers={"Location": "http://elsewhere.test/batches"})])
    with pytest.raises(PeerError, match="HTTP 302 redirect to http://elsewhere.test/batches not followed") as info:
        await client.get(PEER, "/batches")
    assert len(seen) == 1 and not info.value.transient  # before: "answer is untyped"


async def test_an_error_text_carrying_the_token_is_redacted():
    def leak():
        raise httpx.LocalProtocolError(f"Illegal header value b'Bearer {TOKEN}\\n# comment'")

    client, _ = _client([leak], attempts=1)
    with pytest.raises(PeerError) as info:
        await client.get(PEER, "/batches")
    assert TOKEN not in str(info.value) and "[redacted]" in str(info.value)


def test_redact_takes_bearer_credentials_out_of_any_text():
    assert redact("Authorization: Bearer abc.def-123 sent") == "Authorization: Bearer [redacted] sent"


def test_a_token_file_is_its_first_line(tmp_path):
    path = tmp_path / "issuer.token"
    path.write_text(f"  {TOKEN}  \n# rotated 2000-10-01 by ops\n")
    assert Peer(name="issuer ZZ", url="http://x", token_file=str(path)).token() == TOKEN


@pytest.mark.parametrize("content", ["tøken-value\n", "two words\n", "\n\n", "tab\there", "x" * 5000])
def test_a_bad_token_is_a_configuration_error_naming_the_file_not_the_value(tmp_path, content):
    path = tmp_path / "issuer.token"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as info:
        Peer(name="issuer ZZ", url="http://x", token_file=str(path)).token()
    message = str(info.value)
    assert str(path) in message and "visible ASCII" in message
    for word in content.split():
        assert word not in message


def test_a_bad_token_from_the_environment_names_the_variable(monkeypatch):
    monkeypatch.setenv("TEST_HARDEN_TOKEN", "caf\u00e9")
    with pytest.raises(InputError, match=r"\$TEST_HARDEN_TOKEN: the token must be") as info:
        PEER.token()
    assert "caf" not in str(info.value)
