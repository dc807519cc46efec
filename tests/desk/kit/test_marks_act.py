"""Marks that show and act (issue 24, item 2): a mark is a glyph in its own column; `space`
marks and stays on the row, so an extra `down` never skips one; the marked count leads the
subtitle; escalate, phone and forward act on every marked row with one reason; an action
that acts on one row says so while rows are marked."""

from __future__ import annotations

from ediops.screens.kit.marks import MARK_GLYPH, MarkedTable
from tests.desk.conftest import messages, press_and_settle, settle
from tests.desk.kit.test_marks import _reason

QUEUE = ["00-AA-000010", "00-AB-000011", "00-AB-000012"]


async def _queue(pilot) -> MarkedTable:
    await press_and_settle(pilot, "u")
    table = pilot.app.screen.query_one("#queue", MarkedTable)
    table.focus()
    table.move_cursor(row=table.get_row_index("00-AB-000011"))
    await settle(pilot)
    return table


async def test_space_marks_in_place_with_a_glyph_and_the_count_first(desk_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        table = await _queue(pilot)
        await press_and_settle(pilot, "space")
        assert table.selected_key() == "00-AB-000011"  # stayed on the row it marked
        assert table.get_row("00-AB-000011")[0].plain == MARK_GLYPH
        assert table.get_row("00-AB-000012")[0].plain.strip() == ""
        await press_and_settle(pilot, "down", "space")
        assert set(table.marks) == {"00-AB-000011", "00-AB-000012"}
        assert str(table.border_subtitle).startswith("2 marked")


async def _mark_all(pilot, table) -> None:
    for key in QUEUE[:2]:
        table.move_cursor(row=table.get_row_index(key))
        await press_and_settle(pilot, "space")


async def test_escalate_acts_on_every_marked_licence_with_one_reason(desk_db, make_app):
    app = make_app(role="supervisor")
    async with app.run_test(size=(80, 24)) as pilot:
        table = await _queue(pilot)
        await _mark_all(pilot, table)
        await press_and_settle(pilot, "e")
        assert "2 licences marked" in app.screen.subject
        await _reason(pilot, "customs down since 10:30")
        assert table.marks == {"00-AA-000010": table.marks.get("00-AA-000010")}  # escalated before: stays
    rows = desk_db.execute("SELECT subject, reason FROM audit WHERE action = 'licence.escalate'").fetchall()
    assert rows == [("licence:00-AB-000011", "customs down since 10:30")]


async def test_phone_confirmation_on_marked_licences_is_one_dialog(desk_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        table = await _queue(pilot)
        table.move_cursor(row=table.get_row_index("00-AA-000010"))
        await press_and_settle(pilot, "space", "down", "down", "space")
        assert set(table.marks) == {"00-AA-000010", "00-AB-000012"}
        await press_and_settle(pilot, "p")
        await _reason(pilot, "Li at the issuer, both")
    rows = desk_db.execute("SELECT subject FROM audit WHERE action = 'licence.phoned' ORDER BY subject").fetchall()
    assert rows == [("licence:00-AA-000010",), ("licence:00-AB-000012",)]


async def test_a_one_row_action_says_so_while_rows_are_marked(desk_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _queue(pilot)
        await press_and_settle(pilot, "space", "n")
        assert any("row under the cursor only" in m for m in messages(app))
        assert type(app.screen).__name__ == "TicketFormScreen"
