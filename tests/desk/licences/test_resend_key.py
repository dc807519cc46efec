"""The tools on the desk: resend (s) from the licence detail, a ticket, the urgent queue (marked
rows) and the browser; the paper check from a licence and from the new-ticket form, with
hostile text typed in shown harmlessly; the statement."""

from __future__ import annotations

import json

from textual.widgets import Select

from ediops.screens.kit.dialogs import ReasonDialog
from ediops.screens.kit.marks import MarkedTable
from ediops.screens.licences.paper import PaperCheckScreen, StatementScreen
from ediops.screens.hotline.ticket_form import TicketFormScreen
from ediops.text import clean
from tests.desk.conftest import messages, press_and_settle, settle
from tests.desk.fixtures import TORTURE


async def _reason(pilot, text: str) -> None:
    assert isinstance(pilot.app.screen, ReasonDialog)
    pilot.app.screen.query_one("#dialog-input").value = text
    await press_and_settle(pilot, "enter")
    await settle(pilot, 4)


def _resends(db) -> list[tuple]:
    return db.execute(
        "SELECT r.requested_by, r.reason, r.ticket_id, i.licence_no, c.action FROM resends r "
        "JOIN resend_items i ON i.resend_id = r.id JOIN commands c ON c.id = r.command_id ORDER BY r.id"
    ).fetchall()


async def test_resend_from_the_licence_detail_and_from_a_ticket(desk_db, make_app):
    app = make_app(role="hotline")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.open_licence("00-AA-000003")
        await settle(pilot)
        await press_and_settle(pilot, "s")
        await _reason(pilot, "port 5300 has no data")
        assert any("queued for the scheduler leader" in m for m in messages(app))  # the fixture's leader
        app.open_item("ticket", {"ticket_id": "T-000001"})
        await settle(pilot)
        await press_and_settle(pilot, "s")
        assert "ticket T-000001" in app.screen.subject
        await _reason(pilot, "caller says still nothing")
    assert _resends(desk_db) == [
        ("alice", "port 5300 has no data", None, "00-AA-000003", "resend"),
        ("alice", "caller says still nothing", "T-000001", "00-AA-000010", "resend"),
    ]
    notes = desk_db.execute("SELECT text FROM ticket_notes WHERE ticket_id = 'T-000001'").fetchall()
    assert any("resend to customs of 00-AA-000010" in n[0] for n in notes)
    audit = desk_db.execute("SELECT subject, reason FROM audit WHERE action = 'licence.resend' ORDER BY id").fetchall()
    assert audit == [
        ("licence:00-AA-000003", "port 5300 has no data"),
        ("licence:00-AA-000010", "caller says still nothing"),
    ]


async def test_resend_of_marked_rows_in_the_urgent_queue_and_one_in_the_browser(desk_db, make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await press_and_settle(pilot, "u")
        queue = app.screen.query_one("#queue", MarkedTable)
        queue.focus()
        for key in ("00-AA-000010", "00-AB-000012"):
            queue.move_cursor(row=queue.get_row_index(key))
            await press_and_settle(pilot, "space")
        await press_and_settle(pilot, "s")
        assert "2 licences marked" in app.screen.subject
        await _reason(pilot, "customs gateway lost the morning")
        assert queue.marks == {}
        await press_and_settle(pilot, "escape", "b")
        browser = app.screen.query_one("#licences", MarkedTable)
        browser.move_cursor(row=browser.get_row_index("00-AA-000002"))
        await press_and_settle(pilot, "s")
        await _reason(pilot, "port asks")
    rows = _resends(desk_db)
    assert [(r[3], r[1]) for r in rows] == [
        ("00-AA-000010", "customs gateway lost the morning"),
        ("00-AB-000012", "customs gateway lost the morning"),
        ("00-AA-000002", "port asks"),
    ]
    keys = [k for (k,) in desk_db.execute("SELECT idempotency_key FROM resends")]
    assert len(set(keys)) == 3


async def test_a_viewer_cannot_resend(desk_db, make_app):
    app = make_app(role="viewer")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.open_licence("00-AA-000003")
        await settle(pilot)
        await press_and_settle(pilot, "s")
        assert not isinstance(app.screen, ReasonDialog)
        assert any("may not resend" in m for m in messages(app))
    assert desk_db.execute("SELECT count(*) FROM resends").fetchone()[0] == 0


async def _type_paper(pilot, **fields) -> PaperCheckScreen:
    screen = pilot.app.screen
    assert isinstance(screen, PaperCheckScreen)
    for name, value in fields.items():
        screen.query_one(f"#paper-{name}").value = value
    await settle(pilot)
    return screen


async def test_paper_check_from_a_licence_notes_the_differences_on_its_ticket(desk_db, make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.open_licence("00-AA-000010")
        await settle(pilot)
        app.screen.query_one("#tickets").focus()
        await press_and_settle(pilot, "c")
        screen = await _type_paper(pilot, trader=TORTURE, quantity="100.0", port="5301", country="jp")
        checks = {c.field: c.matches for c in screen.checks()}
        assert checks == {
            "trader": False,
            "commodity": None,
            "quantity": True,
            "country": True,
            "trade_mode": None,
            "validity": None,
            "port": False,
        }
        assert screen.query_one("#paper-trader").value == clean(TORTURE)  # no control character kept
        shown = screen.query_one("#paper-checks").render()
        assert "[/] [bold]x[/bold]" in str(shown) and "\x1b" not in str(shown) and "\u202e" not in str(shown)
        await press_and_settle(pilot, "ctrl+s")
        await settle(pilot, 3)
        assert not isinstance(app.screen, PaperCheckScreen)
    note = desk_db.execute("SELECT by, text FROM ticket_notes WHERE ticket_id = 'T-000001'").fetchone()
    assert note[0] == "alice" and note[1].startswith("paper check of 00-AA-000010: 2 of 4 checked fields differ")
    assert 'Port: paper "5301", electronic "5300"' in note[1] and "\x1b" not in note[1]


async def test_paper_check_from_the_ticket_form_of_a_mismatch_call(desk_db, make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.open_ticket_form(licence_no="00-AA-000001")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, TicketFormScreen)
        await press_and_settle(pilot, "ctrl+o")
        assert app.screen is form  # not a mismatch call yet
        form.query_one("#category", Select).value = "mismatch"
        await press_and_settle(pilot, "ctrl+o")
        await _type_paper(pilot, valid_to="2001-01-31", trade_mode="General trade")
        await press_and_settle(pilot, "ctrl+s")
        assert app.screen is form and form.paper_note.startswith("paper check of 00-AA-000001")
        for field, value in (("phone", "0755-88886666"), ("caller", "Li"), ("org", "Port 5300")):
            form.query_one(f"#{field}").value = value
        await press_and_settle(pilot, "ctrl+s")
        await settle(pilot)
    ticket = desk_db.execute("SELECT id, category FROM tickets WHERE caller = 'Li'").fetchone()
    assert ticket[1] == "mismatch"
    notes = [n[0] for n in desk_db.execute("SELECT text FROM ticket_notes WHERE ticket_id = ?", [ticket[0]])]
    assert any("1 of 2 checked fields differ" in n and 'Validity: paper "? to 2001-01-31"' in n for n in notes)


async def test_paper_check_from_a_licence_without_a_ticket_opens_a_mismatch_ticket(desk_db, make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.open_licence("00-AA-000001")
        await settle(pilot)
        await press_and_settle(pilot, "c")
        await _type_paper(pilot, hs_code="1005901001")
        await press_and_settle(pilot, "ctrl+s")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, TicketFormScreen) and form.query_one("#category", Select).value == "mismatch"
        assert "Commodity (name, code)" in form.paper_note


async def test_the_statement_on_the_desk(desk_db, make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.open_licence("00-AA-000001")
        await settle(pilot)
        await press_and_settle(pilot, "d")
        await settle(pilot, 3)
        assert isinstance(app.screen, StatementScreen)
        text = str(app.screen.query_one("#statement-text").render())
        assert "Statement of licence 00-AA-000001" in text and "declaration D-0002" in text and "uses 2/12" in text


def test_resend_rows_in_licence_json(desk_db):
    from ediops.licensing.licence import licence_view
    from ediops.licensing import resend
    from tests.desk.fixtures import NOW

    asked = resend.request_licences(desk_db, {"default": "duty"}, ["00-AA-000003"], reason="r", actor="al", now=NOW)
    view = licence_view(desk_db, "00-AA-000003", now=NOW)
    assert view["resends"] == [
        {
            "at": "2000-10-09T18:00:00+08:00",
            "by": "al",
            "reason": "r",
            "ticket_id": None,
            "key": asked["key"],
            "outcome": "pending",
            "detail": None,
        }
    ]
    assert json.loads(json.dumps(view["resends"]))  # plain JSON


KEYS = {"-": "minus", " ": "space"}


async def _type(pilot, text: str) -> None:
    await pilot.press(*(KEYS.get(c, c) for c in text))


async def test_port_customs_has_no_data_check_resend_log_in_keystrokes(desk_db, make_app):
    """The hotline's commonest call, as the closing note gives it: g NO enter (check), n phone
    enter ctrl+s (log), g TICKET enter s enter (resend, the ticket linked)."""
    import asyncio

    from ediops.screens.licences.licence_detail import LicenceDetailScreen
    from ediops.screens.hotline.ticket_detail import TicketDetailScreen

    app = make_app(role="hotline")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press_and_settle(pilot, "g")
        await _type(pilot, "00-aa-000003")
        await press_and_settle(pilot, "enter")
        await settle(pilot, 3)
        assert isinstance(app.screen, LicenceDetailScreen) and app.screen.licence_no == "00-AA-000003"
        assert "at customs" in str(app.screen.query_one("#licence-head").render())
        await press_and_settle(pilot, "n")
        assert isinstance(app.screen, TicketFormScreen) and app.screen.query_one("#licence").value == "00-AA-000003"
        await _type(pilot, "010-1234")
        await press_and_settle(pilot, "enter")  # a known caller: name and organisation filled
        await press_and_settle(pilot, "ctrl+s")
        await settle(pilot, 3)
        ticket = desk_db.execute("SELECT id, category FROM tickets WHERE licence_no = '00-AA-000003'").fetchone()
        assert ticket[1] == "not-received"
        await press_and_settle(pilot, "g")
        await _type(pilot, ticket[0].lower())
        for _ in range(20):
            await asyncio.sleep(0.05)
            await settle(pilot)
        await press_and_settle(pilot, "enter")
        await settle(pilot, 3)
        assert isinstance(app.screen, TicketDetailScreen) and app.screen.ticket_id == ticket[0]
        await press_and_settle(pilot, "s", "enter")  # the proposed reason
        await settle(pilot, 3)
    rows = _resends(desk_db)
    assert rows == [("alice", "port customs has no electronic data", ticket[0], "00-AA-000003", "resend")]
    notes = [n for (n,) in desk_db.execute("SELECT text FROM ticket_notes WHERE ticket_id = ?", [ticket[0]])]
    assert any("resend to customs of 00-AA-000003" in n for n in notes)
