"""Live desks: another process commits, the desk sees PRAGMA data_version move and updates its
tables by keyed row diffs (rows that did not change are the same objects); new urgent licences
and failed windows come up as toasts."""

from __future__ import annotations

import asyncio

from ediops import store
from ediops.screens.kit.pane import PaneTable
from tests.desk.conftest import messages, settle
from tests.desk.fixtures import add_batch, add_licence, at


async def _until(pilot, condition, seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
        await pilot.pause()
    raise AssertionError("the desk did not catch up")


async def test_commit_by_another_process_shows_up_without_refilling(desk_db, db_path, make_app):
    app = make_app(poll_seconds=0.1)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        urgent = app.screen.query_one("#urgent", PaneTable)
        urgent.move_cursor(row=1)
        other = store.connect(db_path)  # another writer, as the daemon would be
        with store.write(other):
            add_batch(other, "AC-20001009-U1", "AC", kind="urgent", minutes_ago=0.5)
            add_licence(other, "00-AC-000020", batch_id="AC-20001009-U1", urgent=True, minutes_ago=0.5)
        other.close()
        await _until(pilot, lambda: "00-AC-000020" in urgent.row_keys())
        await settle(pilot)
        assert urgent.row_keys()[-1] == "00-AC-000020"
        assert urgent.selected_key() == "00-AB-000011"  # the cursor stayed on its licence
        await _until(pilot, lambda: any("New urgent licence" in m and "00-AC-000020" in m for m in messages(app)))


async def test_rows_leave_and_reorder_by_key(desk_db, db_path, make_app):
    app = make_app(poll_seconds=0.1)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        tickets = app.screen.query_one("#tickets", PaneTable)
        other = store.connect(db_path)
        with store.write(other):
            other.execute("UPDATE tickets SET status = 'closed' WHERE id = 'T-000001'")
            other.execute("UPDATE tickets SET priority = 'urgent' WHERE id = 'T-000002'")
        other.close()
        await _until(pilot, lambda: "T-000001" not in tickets.row_keys())
        await settle(pilot)
        assert tickets.row_keys() == ["T-000002", "T-000003"]
        assert tickets.get_row("T-000002")[0].plain == "urgent"


async def test_failed_window_run_is_a_toast(desk_db, db_path, make_app):
    app = make_app(poll_seconds=0.1)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert not any("Window failed" in m for m in messages(app))  # the fixture's old failure: no toast
        other = store.connect(db_path)
        with store.write(other):
            other.execute(
                "INSERT INTO window_runs (window, occurrence, started_at, finished_at, outcome, detail) "
                "VALUES ('pull-writeoffs', ?, ?, ?, 'failed', 'customs 503')",
                [at(0), at(0), at(-0.1)],
            )
        other.close()
        await _until(pilot, lambda: any("Window failed" in m and "pull-writeoffs" in m for m in messages(app)))


async def test_the_desk_holds_no_read_transaction(desk_db, db_path, make_app):
    """A writer can checkpoint the whole WAL while the desk runs: no reader pins it."""
    app = make_app(poll_seconds=0.1)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert not app.reader.in_transaction  # a plain sqlite3 reader (store.connect_reader)
        other = store.connect(db_path)
        with store.write(other):
            other.execute("UPDATE licences SET trader_name = 'X' WHERE licence_no = '00-AA-000001'")
        busy, log, checkpointed = other.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        other.close()
        assert busy == 0 and log == checkpointed


async def test_an_unreadable_store_is_a_toast_not_a_crash(desk_db, db_path, make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        desk_db.execute("ALTER TABLE tickets RENAME TO tickets_gone")
        app.refresh_data()
        await settle(pilot)
        assert app.is_running
        assert any("cannot read the store" in m for m in messages(app))


async def test_a_burst_of_urgent_licences_is_one_toast(desk_db, db_path, make_app):
    """A feed catching up delivers many urgent licences at once: one counting toast, not a wall."""
    app = make_app(poll_seconds=0.1)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        before = len(messages(app))
        other = store.connect(db_path)
        with store.write(other):
            add_batch(other, "AC-20001009-U2", "AC", kind="urgent", minutes_ago=0.5)
            for n in range(30, 36):
                add_licence(other, f"00-AC-0000{n}", batch_id="AC-20001009-U2", urgent=True, minutes_ago=0.5)
        other.close()
        await _until(pilot, lambda: any("6 new urgent licences" in m for m in messages(app)))
        new = messages(app)[before:]
        assert len([m for m in new if "urgent licence" in m]) == 1
        assert "00-AC-000030" in new[-1] and "3 more from one issuer" in new[-1]
