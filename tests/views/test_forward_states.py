"""A licence customs never answered is "waiting for customs, attempt n, next try at ...", not
"forwarded"; customs' acceptance is "at customs"; a failing peer is named with since when and
how many licences wait on it (issue 24, item 1)."""

from __future__ import annotations

from ediops import store
from ediops.licensing import forward_state
from ediops.store import forwards as forwards_db, licences as licences_db
from ediops.views import dashboard
from ediops.views.licence_story import licence_story
from tests.desk.fixtures import NOW, add_batch, add_licence, at


def _customs_down(db) -> None:
    """00-AA-000010 sent twice under one key, customs silent; 00-AA-000011 accepted."""
    add_batch(db, "B1", "AA", kind="urgent", minutes_ago=10, count=2)
    add_licence(db, "00-AA-000010", batch_id="B1", urgent=True, minutes_ago=10)
    add_licence(db, "00-AA-000011", batch_id="B1", urgent=True, minutes_ago=10, state="accepted")
    with store.write(db):
        forwards_db.add_forward(db, "k1", ["00-AA-000010"], at=at(9), urgent=True)
        forwards_db.mark_forwarded(db, "k1", at=at(9))
        forwards_db.forward_failed(db, "k1", "customs: connection refused", permanent=False)
        forwards_db.mark_forwarded(db, "k1", at=at(0.5))  # second attempt, 30 s ago
        forwards_db.forward_failed(db, "k1", "customs: connection refused", permanent=False)
        db.execute(
            "INSERT INTO peer_health (peer, last_error_at, last_error, failing_since) VALUES (?, ?, ?, ?)",
            ["customs", at(0.5), "connection refused", at(9)],
        )


def test_the_urgent_queue_says_waiting_for_customs_with_attempt_and_next_try(db):
    _customs_down(db)
    rows = {r["licence_no"]: r for r in dashboard.urgent_licences(db, now=NOW, deadline_minutes=15)}
    waiting = rows["00-AA-000010"]
    assert licences_db.state(db, "00-AA-000010") == "forwarded"  # what the store says, not the desk
    assert waiting["display_state"] == "waiting #2"
    assert waiting["way"]["state"] == forward_state.WAITING and waiting["way"]["attempt"] == 2
    assert waiting["way"]["next_try"] == NOW  # 2^2 s after 30 s ago: due now, never in the past
    assert rows["00-AA-000011"]["display_state"] == "at customs"


def test_the_licence_story_reads_out_the_attempt_and_the_next_try(db):
    _customs_down(db)
    with store.write(db):
        db.execute(
            "UPDATE forwards SET attempts = 9, urgent = 0, last_attempt_at = ? WHERE idempotency_key = 'k1'", [at(1)]
        )
    story = licence_story(db, "00-aa-000010", now=NOW)
    assert (
        story["way_text"] == "waiting for customs, attempt 9, next try at 18:04"
    )  # 5 min after 17:59 (20 s for an urgent forward)
    assert licence_story(db, "00-AA-000011", now=NOW)["way_text"] == "at customs"


def test_a_failing_peer_is_named_with_since_and_the_licences_waiting_on_it(db):
    _customs_down(db)
    peers = dashboard.peer_reachability(db)
    assert peers["failing_peers"] == [{"peer": "customs", "since": at(9), "error": "connection refused", "waiting": 1}]


def test_ediops_licence_says_waiting_for_customs(db, cli):
    _customs_down(db)
    out = cli("licence", "00-AA-000010", check=True).stdout
    assert "waiting for customs, attempt 2, next try at 2000-10-09 18:00" in out.splitlines()[0]
    assert "forwarded" not in out.splitlines()[0]
    assert cli.json("licence", "00-AA-000010", "--json")["way"]["state"] == "waiting for customs"
