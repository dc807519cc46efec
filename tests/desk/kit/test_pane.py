"""The home panes' table: columns fitted to the pane's width, and only changed lines repainted."""

from __future__ import annotations

from rich.text import Text

from ediops.screens.kit.pane import Column, PaneTable, fit
from ediops.screens.kit.rows import FINDING_COLUMNS
from ediops.screens.kit.widgets import Row
from tests.desk.conftest import record_terminal_updates, settle
from tests.desk.fixtures import populate_busy

COLUMNS = [
    Column("a", "A", 10),
    Column("b", "B", 10, drop=2),
    Column("c", "C", 30, flex=True, drop=1),
]


def test_flexible_column_takes_the_rest_and_low_priority_columns_give_way():
    assert fit(COLUMNS, [10, 10, 30], 60) == [10, 10, 38]  # room for all: the flexible one grows
    assert fit(COLUMNS, [10, 10, 30], 25) == [10, 10, 0]  # c would be under FLEX_MIN: it goes first (drop 1)
    assert fit(COLUMNS, [10, 10, 30], 12) == [10, 0, 0]  # then b; a is never dropped


def test_the_longest_code_stays_whole_beside_its_subject_at_80_columns():
    widths = fit(FINDING_COLUMNS, [len("OPERATING_UNIT_MISMATCH"), 12, 6], 38)  # a pane's inside at 80x24
    assert widths[0] == len("OPERATING_UNIT_MISMATCH") and widths[1] >= 12 and widths[2] == 0


async def test_a_changed_row_repaints_its_line_only(db, make_app):
    populate_busy(db)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, rounds=3)
        urgent = app.screen.query_one("#urgent", PaneTable)
        rows = list(urgent.visible_rows())
        updates = record_terminal_updates(app)
        changed = rows[3]
        rows[3] = Row(changed.key, changed.cells[:2] + [Text("forwarded")] + changed.cells[3:], changed.context)
        urgent.show_rows(rows, note=urgent._pane_note)
        await settle(pilot)
        lines = {y for u in updates for y, _, _ in u.spans}
        assert lines == {urgent.region.y + 1 + 1 + 3}  # border, titles, the fourth row
