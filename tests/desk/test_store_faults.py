"""The desk on a store that cannot write (issue 21): its header says so and why, and it keeps
showing what it can read. The store is on a small tmpfs filled for real."""

from __future__ import annotations

import pytest

from ediops.screens.kit.header import HeaderLine
from ediops.screens.kit.pane import PaneTable
from tests.desk.conftest import settle
from tests.desk.fixtures import populate
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
