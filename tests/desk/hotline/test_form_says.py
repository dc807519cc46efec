"""Forms that say what they need (issue 24, item 3): required fields labelled and marked; a
missing one is named as the form labels it and gets the focus (bd3460d: `org is empty` while
the form showed `Org port-customs`); the focused field stands out without colour (bold,
underlined); a first ticket's licence card counts no earlier ticket."""

from __future__ import annotations

from textual.widgets import Input, Label

from tests.desk.conftest import press_and_settle, settle


async def test_a_missing_field_is_named_as_labelled_and_focused(desk_db, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press_and_settle(pilot, "n")
        form = app.screen
        labels = [str(label.render()) for label in form.query(Label)]
        assert {"Phone *", "Caller *", "Org name *", "Note *"} <= set(labels)
        form.query_one("#phone", Input).value = "021-5555"
        form.query_one("#caller", Input).value = "Port officer Li"
        form.query_one("#text", Input).value = "where is 00-AA-000010"
        await press_and_settle(pilot, "ctrl+s")
        status = str(form.query_one("#form-status").render())
        assert status == "Org name is required" and "org is empty" not in status
        assert form.focused is form.query_one("#org", Input)
        style = form.focused.rich_style
        assert style.bold and style.underline  # visible in 16 colours, and in none


async def test_a_first_tickets_card_counts_no_earlier_ticket(desk_db, make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press_and_settle(pilot, "n")
        form = app.screen
        for field, value in (("phone", "021-5555"), ("caller", "Li"), ("org", "Pudong"), ("text", "first call")):
            form.query_one(f"#{field}", Input).value = value
        form.query_one("#licence", Input).value = "00-AA-000002"
        await settle(pilot)
        await press_and_settle(pilot, "ctrl+s")
        await settle(pilot, 3)
        await press_and_settle(pilot, "t")
        tickets = app.screen.query_one("#tickets")
        newest = max(
            tickets.row_keys() if hasattr(tickets, "row_keys") else [r.key.value for r in tickets.ordered_rows]
        )
        app.open_item("ticket", {"ticket_id": newest})
        await settle(pilot, 3)
        card = str(app.screen.query_one("#ticket-story").render())
        assert "00-AA-000002" in card and "earlier ticket" not in card
