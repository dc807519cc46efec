"""An archived licence on the desk (docs/retention.md): found by `g`, opened read-only from its
archive file and marked so; `s` (resend) is refused in one line and nothing is queued."""

from __future__ import annotations

import sqlite3

from ediops import store
from ediops.clock import parse_instant
from ediops.operations import archive
from ediops.screens.licences.licence_detail import LicenceDetailScreen
from tests.desk.conftest import messages, press_and_settle, settle


def _archive_all(db, db_path) -> str:
    """Every licence that may move, moved (years later); returns one that did."""
    archive.run(db, db_path, {"archive_after_days": 1095}, actor="test", now=parse_instant("2010-01-04T10:00"))
    path = store.archive_files(db_path)[0]
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT min(licence_no) FROM licences").fetchone()[0]
    finally:
        conn.close()


async def test_an_archived_licence_opens_read_only_and_is_not_resent(desk_db, db_path, make_app):
    number = _archive_all(desk_db, db_path)
    assert desk_db.execute("SELECT count(*) FROM licences WHERE licence_no = ?", [number]).fetchone()[0] == 0
    resends = desk_db.execute("SELECT count(*) FROM resends").fetchone()[0]
    app = make_app(role="supervisor")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.open_licence(number)
        await settle(pilot, 3)
        assert isinstance(app.screen, LicenceDetailScreen)
        head = str(app.screen.query_one("#licence-head").render())
        assert number in head and "archived in archive-" in head and "read-only" in head
        await press_and_settle(pilot, "s")
        if app.screen.__class__.__name__ == "ReasonDialog":
            app.screen.query_one("#dialog-input").value = "customs lost it"
            await press_and_settle(pilot, "enter")
            await settle(pilot, 4)
        refused = [m for m in messages(app) if "archived" in m]
        assert refused and "nothing was resent" in refused[-1] and "\n" not in refused[-1].split(": ", 1)[1]
    assert desk_db.execute("SELECT count(*) FROM resends").fetchone()[0] == resends
