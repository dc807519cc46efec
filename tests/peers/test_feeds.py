"""One issuer's poll (`feeds.poll_issuer`) against a scripted peer (httpx.MockTransport): the
page is ingested with the cursor, acks go out at once, unreadable batches are kept and flagged."""

from __future__ import annotations

import json
from datetime import timedelta


from ediops.clock import parse_instant
from ediops.peers import feeds
from ediops.licensing.reconcile import reconcile

NOW = parse_instant("2000-10-09T23:00:00+08:00")


async def test_a_page_is_ingested_acked_and_unreadable_batches_flagged(db, engine_with):
    build, good, seen = engine_with
    engine, issuer = build({None: {"batches": [good, "garbage", {"batch_id": "AA-X"}], "next": "3"}})
    counts = await feeds.poll_issuer(engine, issuer)
    assert counts == {"batches": 3, "acked": 1, "ok": True}
    assert db.execute("SELECT cursor FROM cursors WHERE peer = 'issuer AA'").fetchone()[0] == "3"
    acks = [r for r in seen if r.method == "POST"]
    assert len(acks) == 1 and json.loads(acks[0].content)["batch_id"] == good["batch_id"]
    assert acks[0].headers["Idempotency-Key"] == db.execute("SELECT idempotency_key FROM acks").fetchone()[0]
    kept = db.execute("SELECT batch_id, record FROM rejections WHERE licence_no IS NULL ORDER BY id").fetchall()
    assert kept[0][0].startswith("unreadable:AA:") and kept[0][1] == '"garbage"'
    assert kept[1][0] == "AA-X"
    flagged = db.execute("SELECT subject FROM findings WHERE code = 'RECORD_REJECTED' ORDER BY id").fetchall()
    assert [s for (s,) in flagged] == [f"batch:{kept[0][0]}", "batch:AA-X"]
    again = await feeds.poll_issuer(engine, issuer)
    assert again["batches"] == 0 and seen[-1].url.params["after"] == "3"


async def test_a_malformed_page_marks_the_feed_failing(db, engine_with):
    build, _, _ = engine_with
    engine, issuer = build({None: {"items": []}})
    assert (await feeds.poll_issuer(engine, issuer))["ok"] is False
    error, since = db.execute("SELECT last_error, failing_since FROM peer_health").fetchone()
    assert "answer is not" in error and since == "2000-10-09T23:00:00+08:00"


async def test_an_ack_goes_back_to_the_feed_the_batch_came_from(db, engine_with):
    build, good, seen = engine_with
    stray = {**good, "issuer": "AB", "batch_id": "AB-STRAY"}
    engine, issuer = build({None: {"batches": [stray], "next": "1"}})
    await feeds.poll_issuer(engine, issuer)
    posted = [r for r in seen if r.method == "POST"]
    assert len(posted) == 1 and str(posted[0].url) == f"{issuer.url}/acks"
    assert json.loads(posted[0].content)["issuer"] == "AB"


async def test_an_ack_the_issuer_does_not_take_is_kept_and_flagged_after_the_grace(db, engine_with):
    build, good, seen = engine_with
    engine, issuer = build({None: {"batches": [good], "next": "1"}}, ack_status=503)
    assert (await feeds.poll_issuer(engine, issuer))["acked"] == 0
    posts = [r for r in seen if r.method == "POST"]
    key, attempts, error = db.execute("SELECT idempotency_key, attempts, last_error FROM acks").fetchone()
    assert len(posts) == engine.client.attempts and {p.headers["Idempotency-Key"] for p in posts} == {key}
    assert attempts == 1 and "HTTP 503" in error
    later = NOW + timedelta(minutes=int(engine.config.settings["ack_grace_minutes"]) + 1)
    reconcile(db, engine.config, now=later)
    assert db.execute(
        "SELECT batch_id FROM findings WHERE code = 'ACK_UNDELIVERED' AND status = 'open'"
    ).fetchone() == (good["batch_id"],)
