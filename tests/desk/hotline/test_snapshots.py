"""How the hotline looks at 80x24 (pytest-textual-snapshot; `--snapshot-update` after a
deliberate change of layout)."""

from ediops import store
from ediops.hotline import settings as hotline_config, tickets as hotline
from tests.desk.hotline.desk import NOW, desk
from tests.desk.hotline.test_screens import seed_known_caller, seed_licence, type_text
from tests.conftest import ANYONE

HOTLINE = hotline_config.load()  # the bundled hotline settings, passed as the desk and CLI pass theirs


def test_form_with_a_known_caller_and_the_licence_story(db_path, snap_compare):
    seed_licence(db_path)
    seed_known_caller(db_path).close()

    async def log_call(pilot):
        await pilot.press("n", *"0411", "minus", *"8262", "enter")
        await type_text(pilot, "00-AA-012345")
        await pilot.app.workers.wait_for_complete()  # the story is read in a worker
        await pilot.pause()

    assert snap_compare(desk(db_path), terminal_size=(80, 24), run_before=log_call)


def test_ticket_list_with_late_waiting_and_hostile_rows(db_path, snap_compare):
    db = store.connect(db_path)
    calls = [
        ("Li Ming", "0755-8000", "not-received", "00-AA-012345", 16),
        ("[red]Wang[/] \x1b[31m", "021-6323", "software", None, 17),
        ("Zhao", "0411-8262", "mismatch", "00-AB-000042", 17),
    ]
    ids = [
        hotline.open_ticket(
            db,
            settings=HOTLINE,
            caller=caller,
            phone=phone,
            org="5300",
            category=category,
            priority=None,
            text="x",
            licence_no=licence,
            roles=ANYONE,
            actor="op2",
            now=NOW.replace(hour=hour),
        )
        for caller, phone, category, licence, hour in calls
    ]
    hotline.route_ticket(db, ids[1], settings=HOTLINE, to="vendor-jiucheng", roles=ANYONE, actor="op2", now=NOW)
    hotline.close_ticket(db, ids[2], note="answered", roles=ANYONE, actor="op2", now=NOW)
    db.close()

    async def open_list(pilot):
        await pilot.press("t")
        await pilot.pause(0.3)

    assert snap_compare(desk(db_path), terminal_size=(80, 24), run_before=open_list)
