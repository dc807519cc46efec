"""The alerts screen lists alerts that share a cause under a line naming it (issue 24, item 8):
customs down, six alerts of three licences waiting on it; marking that line and `k`
acknowledges them all with one note, counted as the alerts they are (each once, even when one
of them is marked too). The notifications are not touched."""

from __future__ import annotations

from ediops.screens.kit.marks import MarkedTable
from tests.desk.conftest import press_and_settle, settle
from tests.desk.kit.test_marks import _reason
from tests.views.test_one_truth import customs_outage


async def test_alerts_of_a_customs_outage_stand_under_it_and_are_acknowledged_together(db, make_app):
    numbers = customs_outage(db)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press_and_settle(pilot, "exclamation_mark")
        table = app.screen.query_one("#alerts-table", MarkedTable)
        keys = [r.key.value for r in table.ordered_rows]
        assert keys[0] == "cause:customs"
        head = [c.plain for c in table.get_row("cause:customs")]
        assert "customs DOWN" in head[2] and head[3] == "6 alerts"
        members = keys[1:7]
        assert all(table.get_row(k)[2].plain.startswith("  URGENT_") for k in members)
        assert {table.get_row(k)[3].plain for k in members} == set(numbers[:3])
        table.focus()
        table.move_cursor(row=0)
        await press_and_settle(pilot, "space", "down", "space", "k")  # the line, and one of its alerts again
        assert "6 alerts marked" in app.screen.subject  # what `k` acknowledges, each once
        await _reason(pilot, "customs down: called their duty desk")
        assert table.marks == {}
    acked = db.execute("SELECT licence_no FROM alerts WHERE status = 'acknowledged' ORDER BY id").fetchall()
    assert sorted(n for (n,) in acked) == sorted(numbers[:3] * 2)
    assert db.execute("SELECT count(*) FROM audit WHERE action LIKE 'alert%ack%'").fetchone()[0] == 6
    assert db.execute("SELECT count(*) FROM alert_notifications").fetchone()[0] == 0
