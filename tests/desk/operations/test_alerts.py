"""The desk's alerts (Textual Pilot): `!` opens them, unacknowledged first; `k` acknowledges with
a note and a second operator is told who did first; the header counts them; the bell rings
once per new alert unless `B` turned it off; `e` moves an urgent licence's alert to the last
step. The alerts come from the leader's own alert pass, run here at the fixtures' instant."""

from __future__ import annotations

import asyncio

import pytest

from ediops import config as config_mod
from ediops import store
from ediops.alerts.engine import AlertPass
from ediops.clock import Clock, iso
from ediops.peers.runtime import Engine, client_for
from ediops.store import alerts as alert_store
from tests.desk.conftest import messages, press_and_settle, settle, type_text
from tests.desk.fixtures import NOW, populate


@pytest.fixture(autouse=True)
def no_channel_urls(monkeypatch):
    for name in ("EDIOPS_ALERT_DUTY_URL", "EDIOPS_ALERT_SUPERVISOR_URL"):
        monkeypatch.delenv(name, raising=False)


def alert_pass(db, now=NOW) -> None:
    config = config_mod.load()
    engine = Engine(db, config, Clock(now, frozen=True), client_for(config))

    async def go():
        await AlertPass(engine).run()
        await engine.client.aclose()

    asyncio.run(go())


@pytest.fixture
def alerts_db(db):
    populate(db)
    alert_pass(db)
    with store.write(db):  # one notification on record, as the leader leaves it
        first = alert_store.listing(db, open_only=True)[0]["id"]
        alert_store.add_intent(db, first, step=1, round_=0, channel="duty", due_at=iso(NOW), at=iso(NOW))
        ids = [r["id"] for r in alert_store.pending(db, iso(NOW))]
        alert_store.record_attempts(db, ids, [(iso(NOW), "failed", "A Connection error occurred")])
    return db


def codes(db) -> dict[str, dict]:
    return {a["code"]: a for a in alert_store.listing(db, open_only=False)}


async def test_the_alert_pass_raised_what_the_desk_shows(alerts_db):
    found = codes(alerts_db)
    assert set(found) == {"URGENT_OVERDUE", "URGENT_AT_RISK", "FEED_UNREACHABLE"}  # AB's feed fails
    assert found["URGENT_OVERDUE"]["licence_no"] == "00-AA-000010"
    assert found["URGENT_AT_RISK"]["licence_no"] == "00-AB-000011"  # 12 min old: at risk from 10


async def test_bang_opens_the_alerts_and_k_acknowledges_with_a_note(alerts_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "! 3 alerts" in str(app.screen.query_one("#header-line").content)
        await press_and_settle(pilot, "exclamation_mark")
        assert type(app.screen).__name__ == "AlertsScreen"
        table = app.screen.query_one("#alerts-table")
        assert table.row_count == 3
        channels = str(app.screen.query_one("#alert-channels").content)
        assert "NOT SET duty, supervisor" in channels and "EDIOPS_ALERT_DUTY_URL is not set" in channels
        alert_id = app.screen.selection()["alert_id"]
        await press_and_settle(pilot, "k")
        await type_text(pilot, "calling customs")
        await press_and_settle(pilot, "enter")
        await settle(pilot, 4)
        assert f"Done: alert {alert_id} acknowledged" in messages(app)
        row = alerts_db.execute("SELECT status, acknowledged_by FROM alerts WHERE id = ?", [alert_id]).fetchone()
        assert row == ("acknowledged", "alice")
        audit = alerts_db.execute("SELECT actor, reason FROM audit WHERE action = 'alert.ack'").fetchall()
        assert audit == [("alice", "calling customs")]
        # Unacknowledged first: the other alert is now at the top.
        assert table.get_row_at(0)[0].plain != str(alert_id)

    second = make_app(actor="bob")
    async with second.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press_and_settle(pilot, "exclamation_mark", "s")
        screen = second.screen
        table = screen.query_one("#alerts-table")
        index = table.get_row_index(str(alert_id))
        table.move_cursor(row=index)
        await press_and_settle(pilot, "k")
        await type_text(pilot, "me too")
        await press_and_settle(pilot, "enter")
        await settle(pilot, 4)
        assert any("already acknowledged by alice" in m for m in messages(second))


async def test_a_viewer_may_not_acknowledge(alerts_db, make_app):
    app = make_app(role="viewer")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press_and_settle(pilot, "exclamation_mark", "k")
        assert any("may not alert-ack" in m for m in messages(app))
    assert alerts_db.execute("SELECT count(*) FROM alerts WHERE status = 'acknowledged'").fetchone()[0] == 0


async def test_the_bell_rings_once_per_new_alert_unless_turned_off(db, make_app):
    populate(db)
    app = make_app()
    rung = []
    app.bell = lambda: rung.append(1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await asyncio.to_thread(alert_pass, db)  # three alerts raised while the desk is open
        app.refresh_data()
        await settle(pilot, 4)
        assert len(rung) == 3
        assert any("3 new alert(s)" in m for m in messages(app))
        await press_and_settle(pilot, "B")
        with store.write(db):
            db.execute("UPDATE alerts SET status = 'closed', closed_at = ?", [iso(NOW)])
        await asyncio.to_thread(alert_pass, db)  # raised again: new alerts
        app.refresh_data()
        await settle(pilot, 4)
        assert len(rung) == 3 and any("alert bell off" in m for m in messages(app))


async def test_escalating_an_urgent_licence_moves_its_alert_to_the_last_step(alerts_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press_and_settle(pilot, "exclamation_mark")
        screen = app.screen
        table = screen.query_one("#alerts-table")
        index = next(i for i in range(table.row_count) if "00-AB-000011" in table.get_row_at(i)[3].plain)
        table.move_cursor(row=index)
        await press_and_settle(pilot, "e")
        await type_text(pilot, "customs gateway silent")
        await press_and_settle(pilot, "enter")
        await settle(pilot, 4)
    row = alerts_db.execute(
        "SELECT next_step, escalated_by, escalated_reason, next_due_at FROM alerts WHERE licence_no = '00-AB-000011'"
    ).fetchone()
    assert row[0] == alert_store.LAST_STEP and row[1:3] == ("alice", "customs gateway silent")


def test_alerts_screen_snapshot(snap_compare, alerts_db, make_app):
    async def run_before(pilot):
        await settle(pilot)
        await press_and_settle(pilot, "exclamation_mark")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)
