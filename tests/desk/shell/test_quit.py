"""Quitting (issue 24, item 9): a desk that leads (the demo's: its scheduler leader and
simulated peers stop with it) asks first and says what stops; any other desk quits at once (tests/desk/shell/test_keys.py: test_q_quits);
`q` is no way out, and not offered, while a field or a drop-down takes the keys."""

from __future__ import annotations

from ediops.demo import STOPS
from ediops.screens.kit.dialogs import ConfirmDialog
from tests.desk.conftest import press_and_settle, settle


async def test_a_desk_that_leads_asks_before_it_quits_and_says_what_stops(desk_db, make_app):
    app = make_app(stops_on_quit=STOPS)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press_and_settle(pilot, "q")
        assert isinstance(app.screen, ConfirmDialog)
        shown = str(app.screen.query_one("#dialog-subject").render())
        assert "scheduler leader" in shown and "stop" in shown
        await press_and_settle(pilot, "n")  # stays
        assert not isinstance(app.screen, ConfirmDialog) and app.is_running
        await press_and_settle(pilot, "q", "y")
        assert app.return_code == 0


async def test_q_is_not_offered_while_a_drop_down_or_a_field_has_the_keys(desk_db, make_app):
    app = make_app(stops_on_quit=STOPS)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.check_action("quit", ()) is True
        await press_and_settle(pilot, "n")  # the ticket form: the phone field has the focus
        assert type(app.screen).__name__ == "TicketFormScreen"
        assert app.check_action("quit", ()) is False
        await press_and_settle(pilot, "q")
        assert not isinstance(app.screen, ConfirmDialog)  # typed into the field, not a way out
        app.screen.query_one("#org_kind").focus()
        await press_and_settle(pilot, "enter")  # the drop-down opens
        assert app.check_action("quit", ()) is False
        shown = [b.binding.action for b in app.screen.active_bindings.values() if b.enabled and b.binding.show]
        assert "quit" not in shown
