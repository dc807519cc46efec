"""The scheduler's public functions used by the desk and the command line, on a real store."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from apscheduler.triggers.cron import CronTrigger

from ediops import config as config_mod
from ediops.scheduling import lease, windows as scheduler
from ediops.clock import SHANGHAI, parse_instant
from ediops.errors import EdiopsError
from tests.support.store import put_licence
from tests.conftest import ANYONE

NOW = parse_instant("2000-10-09T12:50:00+08:00")


@pytest.fixture
def config():
    return config_mod.load()


def test_request_run_queues_an_audited_command(db):
    command_id = scheduler.request_run(db, "reconcile", roles=ANYONE, actor="alice", reason="after fix", now=NOW)
    status = scheduler.command_status(db, command_id)
    assert status["window"] == "reconcile" and status["action"] == "run" and status["done_at"] is None
    audit_row = db.execute("SELECT actor, action, subject, reason FROM audit").fetchone()
    assert audit_row == ("alice", "window.run", "window:reconcile", "after fix")


def test_request_run_refuses_an_unknown_window(db):
    with pytest.raises(EdiopsError, match="unknown window"):
        scheduler.request_run(db, "coffee", roles=ANYONE, actor="alice", reason=None, now=NOW)


def test_pause_and_resume_show_in_window_status(db, config):
    scheduler.set_paused(db, "forward-customs", True, roles=ANYONE, actor="bob", reason="customs maintenance", now=NOW)
    rows = {r["window"]: r for r in scheduler.window_status(db, config, now=NOW)}
    assert rows["forward-customs"]["paused"] and rows["forward-customs"]["paused_by"] == "bob"
    assert not rows["reconcile"]["paused"]
    scheduler.set_paused(db, "forward-customs", False, roles=ANYONE, actor="bob", reason="back", now=NOW)
    rows = {r["window"]: r for r in scheduler.window_status(db, config, now=NOW)}
    assert not rows["forward-customs"]["paused"]
    actions = [r[0] for r in db.execute("SELECT action FROM audit ORDER BY id")]
    assert actions == ["window.pause", "window.resume"]


def test_window_status_next_run_follows_the_cron(db, config):
    rows = {r["window"]: r for r in scheduler.window_status(db, config, now=NOW)}
    assert list(rows) == list(scheduler.WINDOWS)
    assert rows["reconcile"]["next_run"] == "2000-10-09T17:45:00+08:00"
    assert rows["forward-customs"]["next_run"] == "2000-10-09T13:00:00+08:00"
    assert rows["reconcile"]["last_run"] is None and rows["reconcile"]["outcome"] is None


def test_window_status_shows_the_last_run(db, config):
    token = lease.acquire(db, "me", at="x")
    assert lease.claim(
        db, "reconcile", "2000-10-09T12:45:00+08:00", holder="me", token=token, at="2000-10-09T12:45:01+08:00"
    )
    lease.finish(db, "reconcile", "2000-10-09T12:45:00+08:00", outcome="ok", detail="3 findings", at="t")
    row = next(r for r in scheduler.window_status(db, config, now=NOW) if r["window"] == "reconcile")
    assert (row["last_run"], row["outcome"], row["detail"]) == ("2000-10-09T12:45:01+08:00", "ok", "3 findings")


def test_urgent_forward_is_requested_once(db):
    put_licence(db, "00-AA-000001", urgent=True)
    scheduler.request_urgent_forward(db, "00-AA-000001", roles=ANYONE, actor="alice", reason="phoned", now=NOW)
    with pytest.raises(EdiopsError, match="already requested by alice"):
        scheduler.request_urgent_forward(db, "00-AA-000001", roles=ANYONE, actor="bob", reason="phoned too", now=NOW)
    events = db.execute("SELECT event, actor FROM licence_events").fetchall()
    assert events == [("forward_requested", "alice")]


def _forward(db, key: str, status: str, attempts: int = 1) -> None:
    db.execute(
        "INSERT INTO forwards (idempotency_key, created_at, urgent, licence_count, attempts, status, last_attempt_at) "
        "VALUES (?, ?, 1, 1, ?, ?, ?)",
        [key, "2000-10-09T17:00:00+08:00", attempts, status, "2000-10-09T17:00:00+08:00"],
    )


@pytest.mark.parametrize(
    "state,status,message",
    [
        ("accepted", "answered", "already at customs"),
        ("forwarded", "answered", "customs answered its forward"),
    ],
)
def test_urgent_forward_refused_when_customs_answered(db, state, status, message):
    _forward(db, "k1", status)
    put_licence(db, "00-AA-000002", state=state, forward_key="k1")
    with pytest.raises(EdiopsError, match=message):
        scheduler.request_urgent_forward(db, "00-AA-000002", roles=ANYONE, actor="bob", reason=None, now=NOW)


@pytest.mark.parametrize("state,status", [("forwarded", "pending"), ("received", "pending"), ("forwarded", "failed")])
def test_forward_of_a_licence_waiting_for_customs_tries_its_key_again_audited(db, state, status):
    """Customs down: `f` on a licence waiting for customs is a retry now, not a dead end."""
    _forward(db, "k1", status, attempts=5)
    put_licence(db, "00-AA-000002", state=state, forward_key="k1")
    done = scheduler.request_urgent_forward(db, "00-AA-000002", roles=ANYONE, actor="bob", reason="port", now=NOW)
    assert done == "retry"
    assert db.execute("SELECT action, subject, requested_by FROM commands").fetchall() == [
        ("forward-licence", "00-AA-000002", "bob")
    ]
    assert db.execute("SELECT action, actor, reason FROM audit").fetchall() == [
        ("licence.forward_retry", "bob", "port")
    ]
    with pytest.raises(EdiopsError, match="already requested by bob at 2000-10-09 12:50"):
        scheduler.request_urgent_forward(db, "00-AA-000002", roles=ANYONE, actor="carol", reason=None, now=NOW)


def test_urgent_forward_of_an_unknown_licence_is_refused(db):
    with pytest.raises(EdiopsError, match="never accepted"):
        scheduler.request_urgent_forward(db, "00-ZZ-999999", roles=ANYONE, actor="bob", reason=None, now=NOW)


def test_lease_has_one_holder_and_a_rising_token(db):
    first = lease.acquire(db, "a", at="t")
    assert lease.acquire(db, "b", at="t") is None
    assert lease.acquire(db, "a", at="t") == first
    lease.release(db, "a", first)
    second = lease.acquire(db, "b", at="t")
    assert second == first + 1
    status = scheduler.leader_status(db, now=NOW)
    assert status["holder"] == "b" and status["healthy"] and status["token"] == second


def test_an_expired_lease_cannot_claim(db):
    token = lease.acquire(db, "a", at="t", ttl=-1)
    with pytest.raises(lease.LeaseLost):
        lease.claim(db, "reconcile", "o", holder="a", token=token, at="t")
    assert not scheduler.leader_status(db, now=NOW)["healthy"]


def test_an_occurrence_is_claimed_once(db):
    token = lease.acquire(db, "a", at="t")
    assert lease.claim(db, "poll-feeds", "o1", holder="a", token=token, at="t")
    assert not lease.claim(db, "poll-feeds", "o1", holder="a", token=token, at="t")


def test_latest_occurrence():
    cron = CronTrigger(hour="8,12,17", minute=45, timezone=SHANGHAI)
    assert scheduler.latest_occurrence(cron, NOW) == datetime(2000, 10, 9, 12, 45, tzinfo=SHANGHAI)
    assert scheduler.latest_occurrence(cron, NOW.replace(hour=12, minute=45)) == NOW.replace(hour=12, minute=45)
    early = NOW.replace(hour=8, minute=0)
    assert scheduler.latest_occurrence(cron, early) == (early - timedelta(days=1)).replace(hour=17, minute=45)
    every5 = CronTrigger(minute="*/5", timezone=SHANGHAI)
    assert scheduler.latest_occurrence(every5, NOW.replace(minute=52, second=3)) == NOW.replace(minute=50)
    yearly = CronTrigger(month=1, day=1, timezone=SHANGHAI)
    assert scheduler.latest_occurrence(yearly, NOW) is None
