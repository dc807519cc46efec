"""One truth (issue 24, item 8): the urgent pane and queue count overdue exactly as the
URGENT_OVERDUE rule judges it; an alert's "since" is when its cause began, never before the
licence came in; alerts that share a cause (customs down) are grouped under it; a failing
alert channel is known to the home screen's read model."""

from __future__ import annotations

from datetime import timedelta

from ediops import store
from ediops.alerts.engine import at_risk
from ediops.clock import iso
from ediops.licensing import rules
from ediops.store import alerts as alerts_db, forwards as forwards_db
from ediops.views import alerts as alert_views, dashboard
from tests.desk.fixtures import NOW, add_batch, add_licence, at

DEADLINE = 15


def test_the_pane_counts_overdue_exactly_when_the_rule_raises_urgent_overdue(db):
    """Every second from 14 to 17 minutes after receipt: pane and rule agree (bd3460d: the
    pane said "0 overdue" for up to a minute while URGENT_OVERDUE was open)."""
    add_batch(db, "B1", "AA", kind="urgent", minutes_ago=20)
    add_licence(db, "00-AA-000010", batch_id="B1", urgent=True, minutes_ago=0)
    received = NOW
    for seconds in range(14 * 60, 17 * 60):
        now = received + timedelta(seconds=seconds, microseconds=500_000)
        row = dashboard.urgent_licences(db, now=now, deadline_minutes=DEADLINE)[0]
        raised = rules.urgent_overdue(
            licence_no="00-AA-000010",
            issuer="AA",
            urgent=True,
            state="received",
            received_at=received,
            now=now,
            deadline=timedelta(minutes=DEADLINE),
        )
        assert row["overdue"] == bool(raised) == (row["minutes_left"] < 0), (seconds, row["minutes_left"])


def test_an_at_risk_alert_is_never_since_before_its_licence_came_in():
    """A deadline shorter than the warning: the licence is at risk from its receipt (bd3460d:
    'Since 10:27' for a licence received at 10:30)."""
    row = {"licence_no": "00-AA-000010", "issuer": "AA", "batch_id": "B", "state": "received"}
    causes = at_risk(
        [{**row, "received_at": iso(NOW)}],
        now=NOW + timedelta(minutes=1),
        deadline=timedelta(minutes=2),
        warn=timedelta(minutes=5),
    )
    assert [c["since"] for c in causes] == [iso(NOW)]


def _alert(db, alert_id: int, code: str, licence_no: str | None, issuer: str) -> None:
    alerts_db.insert(
        db,
        {
            "rule": "r1",
            "code": code,
            "subject": f"licence:{licence_no}" if licence_no else f"issuer:{issuer}",
            "licence_no": licence_no,
            "issuer": issuer,
            "batch_id": None,
            "finding_id": None,
            "detail": None,
            "since": at(5),
            "status": "open",
            "opened_at": at(5),
            "escalated_by": None,
            "escalated_at": None,
            "escalated_reason": None,
            "next_step": 0,
            "next_round": 0,
            "next_due_at": None,
        },
    )


def customs_outage(db) -> list[str]:
    """Four urgent licences, three waiting on customs (down 19 minutes), each with an
    URGENT_OVERDUE and an URGENT_AT_RISK alert; a FEED_LATE alert of issuer AB."""
    add_batch(db, "B1", "AA", kind="urgent", minutes_ago=20, count=4)
    numbers = [f"00-AA-00001{i}" for i in range(4)]
    for number in numbers:
        add_licence(db, number, batch_id="B1", urgent=True, minutes_ago=20)
    with store.write(db):
        forwards_db.add_forward(db, "k1", numbers[:3], at=at(19), urgent=True)  # the fourth: accepted meanwhile
        forwards_db.mark_forwarded(db, "k1", at=at(19))
        forwards_db.forward_failed(db, "k1", "customs: connection refused", permanent=False)
        db.execute(
            "INSERT INTO peer_health (peer, last_error_at, last_error, failing_since) VALUES (?, ?, ?, ?)",
            ["customs", at(1), "connection refused", at(19)],
        )
        for i, number in enumerate(numbers):
            _alert(db, i + 1, "URGENT_OVERDUE", number, "AA")
            _alert(db, i + 11, "URGENT_AT_RISK", number, "AA")
        _alert(db, 99, "FEED_LATE", None, "AB")
    return numbers


def test_alerts_of_one_customs_outage_are_grouped_under_it(db):
    numbers = customs_outage(db)
    listed = alerts_db.listing(db, open_only=True)
    groups = alert_views.grouped(db, listed)
    (cause, members), (alone_cause, alone) = groups
    assert cause == {"peer": "customs", "since": at(19), "error": "connection refused", "alerts": 6}
    assert sorted(a["licence_no"] for a in members) == sorted(numbers[:3] * 2)
    assert alone_cause is None and {a["licence_no"] for a in alone} == {numbers[3], None}
    assert len(members) + len(alone) == len(listed)  # every alert shown once


def test_a_failing_alert_channel_is_named_for_the_home_screen(db):
    with store.write(db):
        alerts_db.set_channels(
            db, [("duty-phone", True, None), ("mail", False, "EDIOPS_MAIL_URL is not set")], at=at(9)
        )
        alerts_db.channel_outcome(db, "duty-phone", at=at(8), error=None)
        alerts_db.channel_outcome(db, "duty-phone", at=at(2), error="HTTP 502 from the SMS gateway")
    health = {c["name"]: c for c in alert_views.channel_health(db)}
    assert health["duty-phone"] == {
        "name": "duty-phone",
        "state": "failing",
        "problem": "HTTP 502 from the SMS gateway",
        "at": at(2),
    }
    assert health["mail"]["state"] == "not set"
