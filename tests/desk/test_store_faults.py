"""The desk on a store that cannot write (issue 21): its header says so and why, and it keeps
showing what it can read. The store is on a small tmpfs filled for real."""

from __future__ import annotations

import pytest

from ediops.hotline import tickets as hotline
from ediops.screens.hotline.ticket_form import TicketFormScreen
from ediops.screens.kit.header import HeaderLine
from ediops.screens.kit.pane import PaneTable
from tests.desk.conftest import settle
from tests.desk.fixtures import populate
from tests.desk.hotline.desk import desk as hotline_desk
from tests.desk.hotline.test_screens import plain, seed_known_caller, settled
from tests.support import tmpfs


@pytest.fixture
def db_path(tmp_path):
    with tmpfs.small_disk(tmp_path / "disk", "4m") as where:
        yield where / "ediops.db"


async def test_the_header_says_the_store_cannot_write_and_the_panes_still_show(db, db_path, make_app):
    populate(db)
    filler = tmpfs.fill(db_path.parent)
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, rounds=3)
        header = app.screen.query_one(HeaderLine).content.plain
        assert header.startswith("18:00 CST │ store cannot write: the disk is full │ ")
        assert app.screen.query_one("#urgent", PaneTable).row_count > 0
        filler.unlink()
        app.refresh_data()
        await settle(pilot, rounds=3)
        assert "store cannot write" not in app.screen.query_one(HeaderLine).content.plain


async def test_a_call_saved_on_a_full_disk_stays_on_the_form_and_saves_once_there_is_room(db_path):
    db = seed_known_caller(db_path)
    app = hotline_desk(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", *"0411", "minus", *"8262", "enter", *"00", "minus", *"AA", "minus", *"012345")
        await settled(pilot)
        filler = tmpfs.fill(db_path.parent)
        await pilot.press("ctrl+s")
        await settled(pilot)
        assert isinstance(app.screen, TicketFormScreen)  # not lost, not crashed
        assert "full" in plain(app, "#form-status")
        filler.unlink()
        await pilot.press("ctrl+s")
        await settled(pilot)
        assert not isinstance(app.screen, TicketFormScreen)
    assert len(hotline.list_tickets(db)) == 2  # the morning's call and this one, once
