"""The hotline on the real desk, driven by Pilot: one key to the form, the licence's story as
its number is typed, a returning caller filled from the phone number, save, the list of
another desk updating, search, detail with notes, and hostile text shown harmlessly."""

from textual.widgets import Input, Static

from ediops import store
from ediops.hotline import tickets as hotline, settings as hotline_config
from ediops.screens.hotline.ticket_detail import TicketDetailScreen
from ediops.screens.hotline.ticket_form import TicketFormScreen
from ediops.screens.hotline.ticket_list import TicketListScreen
from ediops.screens.kit.widgets import KeyedTable
from tests.desk.conftest import record_terminal_updates
from tests.desk.hotline.desk import NOW, desk
from tests.conftest import ANYONE

HOTLINE = hotline_config.load()  # the bundled hotline settings, passed as the desk and CLI pass theirs

LICENCE = {
    "licence_no": "00-AA-012345",
    "issuer": "AA",
    "batch_id": "AA-20001009-01",
    "business_date": "2000-10-09",
    "direction": "import",
    "issued_on": "2000-10-09",
    "trader_code": "4403120001",
    "trader_name": "Shenzhen Grain [bold]Import[/]",
    "hs_code": "1005901000",
    "commodity_name": "maize",
    "quantity": "1200.500",
    "unit": "TNE",
    "country": "JP",
    "trade_mode": "general",
    "valid_from": "2000-10-09",
    "valid_to": "2000-12-31",
    "port": "5300",
    "one_batch": 0,
    "content_hash": "x",
    "record": "{}",
    "received_at": "2000-10-09T16:58:00+08:00",
    "state": "accepted",
    "forwarded_at": "2000-10-09T17:30:00+08:00",
    "customs_answer": "accepted",
}


def seed_licence(db_path):
    db = store.connect(db_path)
    with store.write(db):
        db["licences"].insert(LICENCE)
        for n, quantity in ((1, "200"), (2, "100.5")):
            db["releases"].insert(
                {
                    "declaration_no": f"D{n}",
                    "licence_no": LICENCE["licence_no"],
                    "quantity": quantity,
                    "unit": "TNE",
                    "status": "active",
                    "slot": n,
                    "updated_at": "x",
                }
            )
    db.close()


def seed_known_caller(db_path):
    """Zhang Hua of Dalian customs called this morning from 0411-8262."""
    db = store.connect(db_path)
    hotline.open_ticket(
        db,
        settings=HOTLINE,
        caller="Zhang Hua",
        phone="0411-8262",
        org="Dalian customs 0900",
        org_kind="port-customs",
        category="other",
        priority=None,
        text="earlier call",
        roles=ANYONE,
        actor="op2",
        now=NOW.replace(hour=9),
    )
    return db


def plain(app, selector) -> str:
    return app.screen.query_one(selector, Static).render().plain


async def type_text(pilot, text):
    await pilot.press(*(c if c.isalnum() else {"-": "minus", " ": "space", ".": "full_stop"}[c] for c in text))


async def settled(pilot):
    """The form reads and saves in workers: wait for them, then for what they post back."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_one_key_opens_the_form_and_the_licence_story_shows_inline(db_path):
    seed_licence(db_path)
    app = desk(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        assert isinstance(app.screen, TicketFormScreen)
        await pilot.press(*["tab"] * 6)  # phone, caller, org kind, org, category, priority: licence
        assert app.focused.id == "licence"
        await type_text(pilot, "00-AA-012345")
        await settled(pilot)
        story = plain(app, "#story")
        assert "received 10-09 16:58" in story and "forwarded 10-09 17:30" in story
        assert "accepted by customs" in story and "releases 2/12, remaining 900.000 TNE" in story
        assert "Shenzhen Grain [bold]Import[/]" in story  # a trader's brackets shown as typed
        assert app.screen.query_one("#text", Input).value == "Customs has no electronic data for licence 00-AA-012345."


async def test_unknown_licence_says_not_received(db_path):
    async with desk(db_path).run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        pilot.app.screen.query_one("#licence", Input).value = "00-AB-000777"
        await settled(pilot)
        assert "00-AB-000777 NOT RECEIVED by the EDI centre" in plain(pilot.app, "#story")
        assert "call issuer AB" in plain(pilot.app, "#story")


async def test_typical_not_received_call_from_a_known_caller(db_path):
    """The keystroke count in the issue note: n, the phone number, enter, the licence, ctrl+s."""
    db = seed_known_caller(db_path)
    app = desk(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = ["n", *"0411", "minus", *"8262", "enter", *"00", "minus", *"AA", "minus", *"012345", "ctrl+s"]
        await pilot.press(*keys)
        await settled(pilot)
        assert not isinstance(app.screen, TicketFormScreen)
    ticket = hotline.list_tickets(db)[0]
    assert len(keys) == 24  # 15 + the 9 characters of the phone number
    assert {
        k: ticket[k]
        for k in (
            "caller",
            "phone",
            "org",
            "org_kind",
            "category",
            "priority",
            "licence_no",
            "text",
            "opened_by",
            "status",
        )
    } == {
        "caller": "Zhang Hua",
        "phone": "0411-8262",
        "org": "Dalian customs 0900",
        "org_kind": "port-customs",
        "category": "not-received",
        "priority": "high",
        "licence_no": "00-AA-012345",
        "text": "Customs has no electronic data for licence 00-AA-012345.",
        "opened_by": "op1",
        "status": "open",
    }


async def test_save_refuses_bad_input_on_the_form_and_creates_nothing(db_path):
    app = desk(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", *"12345", "ctrl+s")
        await settled(pilot)
        assert isinstance(app.screen, TicketFormScreen)
        assert "Caller is required" in plain(app, "#form-status")  # as the form labels it
    assert hotline.list_tickets(store.connect(db_path)) == []


async def test_viewer_cannot_open_the_form(db_path):
    app = desk(db_path, role="viewer")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        assert not isinstance(app.screen, TicketFormScreen)


async def test_list_on_another_desk_updates_search_and_detail(db_path):
    store.connect(db_path).close()
    form_desk, list_desk = desk(db_path, actor="op1"), desk(db_path, actor="op2")
    async with list_desk.run_test(size=(80, 24)) as lister:
        await lister.press("t")
        assert isinstance(list_desk.screen, TicketListScreen)
        table = list_desk.screen.query_one("#tickets", KeyedTable)
        assert table.row_count == 0
        async with form_desk.run_test(size=(80, 24)) as former:
            await former.press("n", *"021", "minus", *"6323", "tab", *"Li", "tab", "tab", *"Grain", "ctrl+s")
            await settled(former)
        for _ in range(40):
            await lister.pause(0.05)
            if table.row_count:
                break
        assert [r.key.value for r in table.ordered_rows] == ["T-20001009-0001"]
        await lister.press("slash", *"grain")
        await lister.pause(0.3)
        assert table.row_count == 1
        await lister.press("space", *"xyz")
        await lister.pause(0.3)
        assert table.row_count == 0
        await lister.press("escape")


async def test_detail_shows_fields_notes_and_routing_number(db_path):
    db = store.connect(db_path)
    ticket_id = hotline.open_ticket(
        db,
        settings=HOTLINE,
        caller="Li",
        phone="021-6323",
        org="5300",
        category="software",
        priority=None,
        text="client crashes",
        roles=ANYONE,
        actor="op2",
        now=NOW,
    )
    hotline.add_note(db, ticket_id, text="asked for the log", roles=ANYONE, actor="op2", now=NOW)
    hotline.route_ticket(db, ticket_id, settings=HOTLINE, to="vendor-jiucheng", roles=ANYONE, actor="op2", now=NOW)
    app = desk(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(TicketDetailScreen(ticket_id))
        await pilot.pause(0.3)
        fields = plain(app, "#ticket-fields")
        assert "北京九城数码科技有限公司 010-0000-2001" in fields and "software-vendor" in fields
        assert "asked for the log" in plain(app, "#ticket-notes")
        await pilot.press("a", *"vendor", "space", *"called", "enter")
        for _ in range(40):
            await pilot.pause(0.05)
            if "vendor called" in plain(app, "#ticket-notes"):
                break
        assert [n["text"] for n in hotline.get_ticket(db, ticket_id)["notes"]] == ["asked for the log", "vendor called"]
        assert hotline.get_ticket(db, ticket_id)["notes"][1]["by"] == "op1"


HOSTILE = "[bold red]x[/] [/foo] [link=http://e.vil]y\x1b]0;pwned\x07\x1b[2J\u202eevil\x9b31m\x00z"


async def test_hostile_text_in_every_field_is_shown_harmlessly(db_path):
    db = store.connect(db_path)
    ticket_id = hotline.open_ticket(
        db,
        settings=HOTLINE,
        caller=HOSTILE,
        phone="021" + HOSTILE[:30],
        org=HOSTILE,
        org_kind="company",
        category="other",
        priority=None,
        text=HOSTILE,
        batch_id=HOSTILE,
        assignee=HOSTILE,
        roles=ANYONE,
        actor="op2",
        now=NOW,
    )
    hotline.add_note(db, ticket_id, text=HOSTILE, roles=ANYONE, actor=HOSTILE, now=NOW)
    app = desk(db_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("t")
        await pilot.pause(0.3)
        table = app.screen.query_one("#tickets", KeyedTable)
        assert table.get_row(ticket_id)[6].plain.startswith("[bold red]x[")  # as typed (after the mark), cut
        app.push_screen(TicketDetailScreen(ticket_id))
        await pilot.pause(0.3)
        shown = plain(app, "#ticket-fields") + plain(app, "#ticket-notes")
        assert shown.count("[bold red]x[/] [/foo] [link=http://e.vil]y") >= 5
        assert not any(ch in shown for ch in "\x1b\x07\x9b\x00\u202e")


async def test_hostile_caller_from_an_earlier_ticket_fills_the_form_cleaned(db_path):
    db = store.connect(db_path)
    hotline.open_ticket(
        db,
        settings=HOTLINE,
        caller=HOSTILE,
        phone="021-5555",
        org=HOSTILE,
        org_kind="company",
        category="other",
        priority=None,
        text="x",
        roles=ANYONE,
        actor="op2",
        now=NOW,
    )
    app = desk(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", *"021", "minus", *"5555", "enter")
        caller = app.screen.query_one("#caller", Input).value
        assert caller.startswith("[bold red]x[/] [/foo] [link=http://e.vil]y")
        assert not any(ch in caller + plain(app, "#form-status") for ch in "\x1b\x07\x9b\x00\u202e")
        assert app.focused.id == "licence"


async def test_route_from_the_detail_and_the_summary_screen(db_path):
    db = store.connect(db_path)
    ticket_id = hotline.open_ticket(
        db,
        settings=HOTLINE,
        caller="Li",
        phone="021-6323",
        org="5300",
        category="software",
        priority=None,
        text="client crashes",
        roles=ANYONE,
        actor="op2",
        now=NOW.replace(hour=9),
    )
    app = desk(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("t")
        await pilot.pause(0.3)
        await pilot.press("enter")  # the selected row opens its detail
        assert isinstance(app.screen, TicketDetailScreen)
        await pilot.press("g")
        vendor = list(hotline_config.load().contacts).index("vendor-zhongrongji")
        await pilot.press(*["down"] * vendor, "enter")
        for _ in range(40):
            await pilot.pause(0.05)
            if "北京中榕基科技发展有限公司 010-0000-2002" in plain(app, "#ticket-fields"):
                break
        assert hotline.get_ticket(db, ticket_id)["routed_to"] == "vendor-zhongrongji"
        await pilot.press("escape", "s")
        await pilot.pause(0.3)
        counts = app.screen.query_one("#summary-counts", KeyedTable)
        assert [c.plain for c in counts.get_row("software")] == ["software", "1", "0", "0", "1", "1"]
        late = app.screen.query_one("#summary-late", KeyedTable)
        assert [r.key.value for r in late.ordered_rows] == [ticket_id]


async def test_new_caller_with_enter_between_fields(db_path):
    app = desk(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", *"0755", "minus", *"1234", "enter", *"Chen", "enter", *"5300", "enter")
        assert app.focused.id == "licence"
        await type_text(pilot, "00-AC-000001")
        await pilot.press("enter", "enter")  # to the proposed note, and save from it
        await settled(pilot)
    ticket = hotline.list_tickets(store.connect(db_path))[0]
    assert (ticket["caller"], ticket["org"], ticket["org_kind"], ticket["licence_no"]) == (
        "Chen",
        "5300",
        "port-customs",
        "00-AC-000001",
    )


async def test_phone_suggester_completes_a_known_number(db_path):
    """With the suggestion accepted (right arrow) the typical call takes 20 keys here."""
    db = seed_known_caller(db_path)
    app = desk(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", *"0411")
        await pilot.pause(0.2)
        await settled(pilot)
        await pilot.press("right", "enter")
        assert app.screen.query_one("#phone", Input).value == "0411-8262"
        assert app.screen.query_one("#caller", Input).value == "Zhang Hua"
        await type_text(pilot, "00-AA-012345")
        await pilot.press("ctrl+s")
        await settled(pilot)
    assert [t["caller"] for t in hotline.list_tickets(db)] == ["Zhang Hua", "Zhang Hua"]


async def test_status_views_and_closing_from_the_list(db_path):
    db = store.connect(db_path)
    first, second = (
        hotline.open_ticket(
            db,
            settings=HOTLINE,
            caller=c,
            phone="021-6323",
            org="5300",
            category="other",
            priority=None,
            text="x",
            roles=ANYONE,
            actor="op2",
            now=NOW,
        )
        for c in ("A", "B")
    )
    hotline.close_ticket(db, first, note="done", roles=ANYONE, actor="op2", now=NOW)
    app = desk(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("t")
        await pilot.pause(0.3)
        table = app.screen.query_one("#tickets", KeyedTable)
        assert [r.key.value for r in table.ordered_rows] == [second]
        await pilot.press("v")  # active -> all
        await pilot.pause(0.3)
        assert sorted(r.key.value for r in table.ordered_rows) == sorted([first, second])
        table.move_cursor(row=table.get_row_index(second))
        await pilot.press("c", *"answered", "enter")
        for _ in range(40):
            await pilot.pause(0.05)
            if hotline.get_ticket(db, second)["status"] == "closed":
                break
        assert hotline.get_ticket(db, second)["notes"] == [
            {"by": "op1", "at": "2000-10-09T18:00:00+08:00", "text": "answered"}
        ]


async def test_form_opened_from_a_finding_links_it_and_shows_the_licence(db_path):
    seed_licence(db_path)
    db = store.connect(db_path)
    with store.write(db):
        db.execute(
            "INSERT INTO findings (code, subject, status, licence_no, opened_at, updated_at) VALUES "
            "('CUSTOMS_UNACKED', '00-AA-012345', 'open', '00-AA-012345', 'x', 'x')"
        )
    app = desk(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(TicketFormScreen(licence_no="00-AA-012345", finding_id=1))
        await settled(pilot)
        assert "open: CUSTOMS_UNACKED" in plain(app, "#story") and "finding #1" in plain(app, "#link")
        await pilot.press(*"021", "minus", *"6323", "enter", *"Li", "enter", *"5300", "ctrl+s")
        await pilot.pause()
    ticket = hotline.list_tickets(db)[0]
    assert (ticket["finding_id"], ticket["licence_no"]) == (1, "00-AA-012345")
    assert db.execute("SELECT ticket_id FROM findings WHERE id = 1").fetchone()[0] == ticket["id"]


async def test_an_idle_ticket_detail_writes_nothing(db_path):
    """Refreshes that find the ticket unchanged send nothing to the terminal (slow SSH links)."""
    db = store.connect(db_path)
    ticket_id = hotline.open_ticket(
        db,
        settings=HOTLINE,
        caller="Li",
        phone="021-6323",
        org="5300",
        category="not-received",
        priority=None,
        text="no data for 00-AA-012345",
        licence_no="00-AA-012345",
        roles=ANYONE,
        actor="op2",
        now=NOW,
    )
    app = desk(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(TicketDetailScreen(ticket_id))
        await pilot.pause()
        await app.workers.wait_for_complete()  # the first fetch shown, however loaded the machine
        await pilot.pause(0.3)
        await settled(pilot)  # the first fetch drawn (a loaded machine can take longer than 0.3 s)
        updates = record_terminal_updates(app)
        for _ in range(3):
            app.refresh_data()
            await pilot.pause(0.2)
        assert updates == []
        hotline.add_note(db, ticket_id, text="issuer phoned back", roles=ANYONE, actor="op2", now=NOW)
        app.refresh_data()
        for _ in range(40):
            await pilot.pause(0.05)
            if "issuer phoned back" in plain(app, "#ticket-notes"):
                break
        assert updates != []
