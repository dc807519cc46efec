"""Marks and bulk actions (screens/kit/marks.py): space and * mark rows across filter changes, one
reason for every marked row (each audited), failures reported row by row, the rest done,
and a second desk sees the result live."""

from __future__ import annotations

import asyncio

from ediops import store
from ediops.licensing import actions
from ediops.screens.kit.marks import BulkReport, MarkedTable
from tests.desk.conftest import press_and_settle, settle, type_text
from tests.desk.operations.test_alerts import alerts_db, no_channel_urls  # noqa: F401  (fixtures)
from tests.desk.fixtures import NOW, add_finding, add_ticket

REASON = "checked with customs by phone"
DUTY = {"default": "duty"}


def _thirty(db) -> list[int]:
    with store.write(db):
        return [
            add_finding(db, "CUSTOMS_UNACKED", f"licence:00-AF-{i:06d}", licence_no=f"00-AF-{i:06d}", issuer="AF")
            for i in range(30)
        ]


async def _findings(pilot) -> MarkedTable:
    await press_and_settle(pilot, "m")
    table = pilot.app.screen.query_one("#findings", MarkedTable)
    table.focus()
    await settle(pilot)
    return table


async def _filter(pilot, text: str) -> None:
    await press_and_settle(pilot, "slash")
    pilot.app.screen.query_one("#filter-bar").value = ""
    await type_text(pilot, text)
    await press_and_settle(pilot, "enter")


async def _reason(pilot, text: str) -> None:
    dialog = pilot.app.screen
    assert "marked" in dialog.subject  # says how many it will touch
    dialog.query_one("#dialog-input").value = text
    await press_and_settle(pilot, "enter")
    await settle(pilot, 4)


async def test_marks_survive_filter_changes(desk_db, make_app):
    ids = _thirty(desk_db)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        table = await _findings(pilot)
        await _filter(pilot, "00-AF-00001")  # ten rows: 00-AF-000010 .. 000019
        await press_and_settle(pilot, "asterisk")
        assert len(table.marks) == 10 and "10 marked" in str(table.border_subtitle)
        await _filter(pilot, "PORT_MISMATCH")
        assert "10 marked (10 not shown)" in str(table.border_subtitle)
        await press_and_settle(pilot, "space")  # the one PORT_MISMATCH row
        await _filter(pilot, "")
        assert len(table.marks) == 11 and table.row_count == 34
        table.move_cursor(row=table.get_row_index(str(ids[15])))
        await press_and_settle(pilot, "space")  # unmarks one of the ten
        assert str(ids[15]) not in table.marks and len(table.marks) == 10
        await press_and_settle(pilot, "asterisk")  # everything shown
        assert len(table.marks) == 34
        await press_and_settle(pilot, "asterisk")  # again: all shown unmarked
        assert table.marks == {} and "marked" not in str(table.border_subtitle)


async def test_bulk_resolve_of_thirty_findings_with_one_reason(desk_db, make_app):
    ids = _thirty(desk_db)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        table = await _findings(pilot)
        await _filter(pilot, "CUSTOMS_UNACKED")
        await press_and_settle(pilot, "asterisk", "r")
        assert "30 findings marked" in app.screen.subject
        await _reason(pilot, REASON)
        assert not isinstance(app.screen, BulkReport) and table.marks == {}
    rows = desk_db.execute(
        "SELECT subject, actor, reason FROM audit WHERE action = 'finding.resolve' AND reason = ? ORDER BY id", [REASON]
    ).fetchall()
    assert sorted(r[0] for r in rows) == sorted(f"finding:{i}" for i in ids)
    assert {(r[1], r[2]) for r in rows} == {("alice", REASON)}
    assert desk_db.execute("SELECT count(*) FROM findings WHERE status = 'open'").fetchone()[0] == 4


async def test_a_bulk_action_where_some_rows_fail_reports_each_and_does_the_rest(desk_db, db_path, make_app):
    ids = _thirty(desk_db)[:6]
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        table = await _findings(pilot)
        for finding in ids:
            table.move_cursor(row=table.get_row_index(str(finding)))
            await press_and_settle(pilot, "space")
        other = store.connect(db_path)  # another desk resolves two of them first
        for finding in ids[:2]:
            actions.resolve_finding(other, finding, note="bob was first", roles=DUTY, actor="bob", now=NOW)
        other.close()
        await press_and_settle(pilot, "r")
        await _reason(pilot, REASON)
        report = app.screen
        assert isinstance(report, BulkReport)
        assert report.outcome.done == [str(i) for i in ids[2:]]
        assert [(k, "bob" in why) for k, why in report.outcome.failed] == [(str(i), True) for i in ids[:2]]
        text = " ".join(str(w.render()) for w in report.query("Static"))
        assert "4 of 6 done; 2 not done" in text and "already resolved by bob" in text
        await press_and_settle(pilot, "escape")
        assert set(table.marks) == {str(i) for i in ids[:2]}  # what failed stays marked
    done = desk_db.execute(
        "SELECT count(*) FROM audit WHERE action = 'finding.resolve' AND actor = 'alice' AND reason = ?", [REASON]
    ).fetchone()[0]
    assert done == 4


async def test_a_second_desk_sees_a_bulk_close_live(desk_db, db_path, make_app):
    with store.write(desk_db):
        for i in range(4, 9):
            add_ticket(desk_db, f"T-00000{i}", minutes_ago=5)
    first, second = make_app(), make_app(actor="bob", poll_seconds=0.1)
    async with first.run_test(size=(100, 30)) as one, second.run_test(size=(100, 30)) as two:
        for pilot in (one, two):
            await press_and_settle(pilot, "t")
        watching = second.screen.query_one("#tickets", MarkedTable)
        assert watching.row_count == 8
        table = first.screen.query_one("#tickets", MarkedTable)
        for key in ("T-000004", "T-000005", "T-000006"):
            table.move_cursor(row=table.get_row_index(key))
            await press_and_settle(one, "space")
        await press_and_settle(one, "c")
        await _reason(one, "duplicate calls")
        for _ in range(100):
            if watching.row_count == 5:
                break
            await asyncio.sleep(0.05)
            await two.pause()
        assert watching.row_count == 5 and "T-000004" not in {k.value for k in watching.rows}
    closes = desk_db.execute("SELECT subject FROM audit WHERE action = 'ticket.close' ORDER BY subject").fetchall()
    assert closes == [("T-000004",), ("T-000005",), ("T-000006",)]


async def test_marked_alerts_are_acknowledged_with_one_note(alerts_db, make_app):  # noqa: F811
    db = alerts_db
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await press_and_settle(pilot, "exclamation_mark")
        table = app.screen.query_one("#alerts-table", MarkedTable)
        table.focus()
        await press_and_settle(pilot, "asterisk", "k")
        assert "3 alerts marked" in app.screen.subject
        await _reason(pilot, "on it: calling the issuers")
        assert table.marks == {}
    rows = db.execute("SELECT actor, reason FROM audit WHERE action LIKE 'alert%ack%'").fetchall()
    assert rows == [("alice", "on it: calling the issuers")] * 3
