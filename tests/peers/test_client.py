"""Unit tests of the retry and answer checks of one peer call (httpx.MockTransport)."""

from __future__ import annotations

import httpx
import pytest

from ediops.config import Peer
from ediops.peers.client import PeerClient, PeerError

PEER = Peer(name="customs", url="http://customs.test", token_env="TEST_PEER_TOKEN")


@pytest.fixture(autouse=True)
def token(monkeypatch):
    monkeypatch.setenv("TEST_PEER_TOKEN", "s3cret")


def _client(answers):
    seen = []

    def handler(request: httpx.Request):
        seen.append(request)
        answer = answers[min(len(seen), len(answers)) - 1]
        return answer() if callable(answer) else answer

    return PeerClient(transport=httpx.MockTransport(handler), max_wait=0.01, max_body=1000), seen


async def test_5xx_then_200_is_retried_with_the_same_key():
    client, seen = _client([httpx.Response(503), httpx.Response(502), httpx.Response(200, json={"accepted": ["x"]})])
    answer = await client.post(PEER, "/licences", {"licences": []}, key="k-1")
    assert answer == {"accepted": ["x"]}
    assert [r.headers["Idempotency-Key"] for r in seen] == ["k-1", "k-1", "k-1"]
    assert seen[0].headers["Authorization"] == "Bearer s3cret"


async def test_connection_errors_are_retried_then_given_up():
    def refuse():
        raise httpx.ConnectError("refused")

    client, seen = _client([refuse])
    with pytest.raises(PeerError) as info:
        await client.get(PEER, "/writeoffs")
    assert info.value.transient and len(seen) == client.attempts


@pytest.mark.parametrize(
    "response,message",
    [
        (httpx.Response(401), "HTTP 401 (check the peer's token)"),
        (httpx.Response(422, json={}), "HTTP 422"),
        (httpx.Response(200, content=b"{not json", headers={"content-type": "application/json"}), "not valid JSON"),
        (
            httpx.Response(200, content=b"<html>", headers={"content-type": "text/html"}),
            "text/html, not application/json",
        ),
        (
            httpx.Response(200, content=b"[" + b"1," * 600 + b"1]", headers={"content-type": "application/json"}),
            "byte limit",
        ),
    ],
)
async def test_bad_answers_fail_at_once_with_a_clear_message(response, message):
    client, seen = _client([response])
    with pytest.raises(PeerError, match=message.replace("(", r"\(").replace(")", r"\)")) as info:
        await client.post(PEER, "/licences", {}, key="k")
    assert not info.value.transient and len(seen) == 1


async def test_missing_summary_is_none():
    client, _ = _client([httpx.Response(404)])
    assert await client.get(PEER, "/summaries/2000-10-09", missing_ok=True) is None


async def test_missing_token_is_a_clear_error(monkeypatch):
    monkeypatch.delenv("TEST_PEER_TOKEN")
    client, seen = _client([httpx.Response(200, json={})])
    with pytest.raises(PeerError, match="no token"):
        await client.get(PEER, "/batches")
    assert seen == []
