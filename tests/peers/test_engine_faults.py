"""docs/safeguards.md in the engine: acks per batch version, a page that cannot be used passed,
one batch's unforeseen failure costing only that batch, and the run ledger after a leader
died mid-run. Unit tests on a real store file and a scripted peer (httpx.MockTransport)."""

from __future__ import annotations

import json


from ediops.clock import parse_instant
from ediops.licensing import ingest
from ediops.peers import acks, feeds
from ediops.scheduling import lease

NOW = parse_instant("2000-10-09T23:00:00+08:00")


async def test_a_changed_resend_in_the_same_page_does_not_replace_the_original_ack(db, engine_with):
    build, good, seen = engine_with
    changed = json.loads(json.dumps(good))
    changed["records"][0]["remarks"] = "corrected by the issuer"
    engine, issuer = build({None: {"batches": [good, changed], "next": "1"}})
    await feeds.poll_issuer(engine, issuer)
    posted = [r for r in seen if r.method == "POST"]
    keys = [
        r[0] for r in db.execute("SELECT idempotency_key FROM acks WHERE batch_id = ? ORDER BY id", [good["batch_id"]])
    ]
    assert len(keys) == 2  # before: one row per batch, the original's ack replaced before it was sent
    assert [r.headers["Idempotency-Key"] for r in posted] == keys  # the original first, then the change
    assert db.execute("SELECT count(*) FROM acks WHERE delivered_at IS NULL").fetchone()[0] == 0


async def test_undelivered_versions_are_retried_in_order(db, engine_with):
    build, good, seen = engine_with
    changed = json.loads(json.dumps(good))
    changed["records"][0]["remarks"] = "corrected"
    engine, issuer = build({None: {"batches": [good, changed], "next": "1"}}, ack_status=503)
    await feeds.poll_issuer(engine, issuer)
    assert [r.method for r in seen].count("POST") == 1  # the later version waits for the earlier one
    engine, _ = build({}, ack_status=200)
    outcome, detail = await acks.send_acks(engine)
    assert outcome == "ok" and detail == "2 of 2 acknowledgements delivered"


async def test_a_page_that_cannot_be_used_is_recorded_flagged_and_passed(db, engine_with):
    build, good, _ = engine_with
    engine, issuer = build({None: {"batches": "oops", "next": "5"}, "5": {"batches": [good], "next": "6"}})
    counts = await feeds.poll_issuer(engine, issuer)
    assert counts["ok"] and counts["batches"] == 1
    assert db.execute("SELECT cursor FROM cursors").fetchone()[0] == "6"
    [(subject,)] = db.execute("SELECT subject FROM findings WHERE code = 'RECORD_REJECTED'").fetchall()
    assert subject.startswith("batch:unreadable:AA:")


async def test_an_unforeseen_failure_costs_one_batch_not_the_page(db, engine_with, monkeypatch):
    build, good, _ = engine_with
    other = json.loads(json.dumps(good)) | {"batch_id": "AA-OTHER"}
    other["records"] = other["records"][:1]
    real = ingest.ingest_batch

    def breaks_on_the_first(db_, config, batch, **kw):
        if batch["batch_id"] == good["batch_id"]:
            real(db_, config, batch, **kw)  # writes, then fails: its writes must go too
            raise OverflowError("Python int too large to convert to SQLite INTEGER")
        return real(db_, config, batch, **kw)

    monkeypatch.setattr(feeds, "ingest_batch", breaks_on_the_first)
    engine, issuer = build({None: {"batches": [good, other], "next": "2"}})
    counts = await feeds.poll_issuer(engine, issuer)
    assert counts["ok"]
    assert [r[0] for r in db.execute("SELECT batch_id FROM batches")] == ["AA-OTHER"]
    assert db.execute("SELECT cursor FROM cursors").fetchone()[0] == "2"
    assert db.execute("SELECT count(*) FROM findings WHERE code = 'RECORD_REJECTED'").fetchone()[0] == 1


def test_a_run_whose_leader_died_is_failed_and_may_run_once_more(db):
    first = lease.acquire(db, "a", at="t0", ttl=0.01)
    assert lease.claim(db, "reconcile", "occ", holder="a", token=first, at="t0")
    import time

    time.sleep(0.02)  # "a" dies without finishing; its lease runs out
    second = lease.acquire(db, "b", at="t1")
    assert second == first + 1
    assert lease.fail_interrupted(db, token=second, at="t1") == [("reconcile", "occ", "a")]
    outcome, detail = db.execute("SELECT outcome, detail FROM window_runs").fetchone()
    assert outcome == "failed" and "interrupted" in detail  # before: 'running' for ever
    assert lease.claim(db, "reconcile", "occ", holder="b", token=second, at="t1")  # the catch-up may run it
    lease.finish(db, "reconcile", "occ", outcome="ok", detail="done", at="t2")
    assert not lease.claim(db, "reconcile", "occ", holder="b", token=second, at="t3")  # once, not again
