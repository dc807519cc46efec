"""The panes' queries: feed status by cutoff and failing peers, urgent deadline arithmetic,
ticket order, finding groups."""

from __future__ import annotations

from datetime import timedelta

from ediops import config as config_mod
from ediops.views import dashboard
from tests.desk.fixtures import NOW


def test_feed_status_by_cutoff_batch_and_peer(desk_db):
    cfg = config_mod.load()
    feeds = {f["issuer"]: f for f in dashboard.issuer_feeds(desk_db, cfg, now=NOW)}
    assert feeds["AA"]["status"] == "on time" and (feeds["AA"]["batches"], feeds["AA"]["licences"]) == (2, 4)
    assert feeds["AB"]["status"] == "late"  # only an urgent batch, cutoff 17:30 passed
    assert feeds["AD"]["status"] == "failing" and feeds["AD"]["last_error"] == "connection refused"
    early = {f["issuer"]: f for f in dashboard.issuer_feeds(desk_db, cfg, now=NOW - timedelta(hours=2))}
    assert early["AB"]["status"] == "no batch yet"
    assert sum(feeds["AA"]["hourly"]) == 4 and feeds["AA"]["hourly"][15] == 3


def test_urgent_deadline_and_state(desk_db):
    rows = {r["licence_no"]: r for r in dashboard.urgent_licences(desk_db, now=NOW, deadline_minutes=15)}
    assert rows["00-AA-000010"]["minutes_left"] == -5
    assert rows["00-AB-000011"]["display_state"] == "phoned"
    assert rows["00-AB-000012"]["display_state"] == "waiting"  # sent, no answer from customs yet
    desk_db.execute("UPDATE licences SET state = 'accepted' WHERE licence_no = '00-AA-000010'")
    order = [r["licence_no"] for r in dashboard.urgent_licences(desk_db, now=NOW, deadline_minutes=15)]
    assert order == ["00-AB-000011", "00-AB-000012", "00-AA-000010"]  # settled ones after those in flight


def test_tickets_by_priority_then_age_and_findings_by_code(desk_db):
    assert [t["id"] for t in dashboard.open_tickets(desk_db)] == ["T-000001", "T-000003", "T-000002"]
    assert [f["code"] for f in dashboard.open_findings(desk_db, code="FEED_LATE")] == ["FEED_LATE"]
    assert dict(dashboard.finding_counts(desk_db))["URGENT_OVERDUE"] == 1
