"""Customs and issuers coming back (issue 21): an urgent forward is not left waiting out a long
backoff, a forward another path answered counts as answered, acks go when the issuer is back."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from ediops.clock import iso
from ediops.licensing.ingest import ingest_batch
from ediops.peers import customs, feeds
from ediops.store import feeds as feeds_db, write
from tests.support.records import batch, licence

pytestmark = pytest.mark.integration


def _urgent(engine, number: str = "00-AA-000001") -> str:
    """One urgent licence queued in a forward that customs already failed to answer 8 times."""
    ingest_batch(
        engine.db,
        engine.config,
        batch(licence(number), batch_id=f"AA-{number}", kind="urgent"),
        now=engine.clock.now(),
        source="file test",
    )
    (key,) = customs._queue(engine, "urgent", [], urgent=True)
    return key


def _tried(engine, key: str, *, ago: timedelta, attempts: int = 8) -> None:
    with write(engine.db):
        engine.db.execute(
            "UPDATE forwards SET attempts = ?, last_attempt_at = ? WHERE idempotency_key = ?",
            [attempts, iso(engine.clock.now() - ago), key],
        )


def _state(engine, number: str = "00-AA-000001") -> str:
    return engine.db.execute("SELECT state FROM licences WHERE licence_no = ?", [number]).fetchone()[0]


def test_urgent_forward_after_a_long_outage_waits_at_most_the_low_ceiling(peers):
    engine, sim = peers
    key = _urgent(engine)
    _tried(engine, key, ago=timedelta(seconds=25))  # 2^8 s = 4 min of backoff before issue 21
    assert asyncio.run(customs.forward_urgent(engine)) == 1
    assert _state(engine) == "accepted"
    assert sim.stats()["customs"]["licences"] == 1


def test_any_answer_from_customs_makes_waiting_urgent_forwards_due(peers):
    engine, sim = peers
    key = _urgent(engine)
    _tried(engine, key, ago=timedelta(seconds=1))
    assert asyncio.run(customs.forward_urgent(engine)) == 0  # backing off: customs is not asked
    assert sim.stats()["customs"]["posts"] == 0
    engine.answered["customs"] = engine.clock.now()  # customs answered another forward
    assert asyncio.run(customs.forward_urgent(engine)) == 1
    assert _state(engine) == "accepted"


def test_window_counts_a_forward_the_urgent_path_answered(peers):
    engine, sim = peers
    _urgent(engine)
    sim.control(slow={"customs": 1})

    async def both():
        urgent = asyncio.create_task(customs.forward_urgent(engine))
        while not engine.in_flight:
            await asyncio.sleep(0.01)
        window = await customs.forward_customs(engine)
        return await urgent, window

    urgent, (outcome, detail) = asyncio.run(both())
    assert urgent == 1
    assert outcome == "ok" and detail.endswith("1 of 1 forwards answered"), detail
    assert sim.stats()["customs"]["posts"] == 1


def test_acks_waiting_go_as_soon_as_their_issuer_answers_again(peers):
    engine, sim = peers
    ingest_batch(
        engine.db, engine.config, batch(licence(), batch_id="AA-OLD"), now=engine.clock.now(), source="feed AA"
    )
    issuer = engine.config.issuer("AA")
    with write(engine.db):
        feeds_db.peer_failed(engine.db, issuer.name, "HTTP 503", at=engine.at())
    asyncio.run(feeds.poll_issuer(engine, issuer))
    assert engine.db.execute("SELECT count(*) FROM acks WHERE delivered_at IS NULL").fetchone() == (0,)
    assert sim.stats()["issuers"]["ack_keys"] == 2  # ours, and the batch this poll brought
