"""Find takes what callers say (issue 24, item 4), at the desk: a number without dashes in
lower case opens its licence; a partial entry several licences match opens none of them and
hands the list to the operator (bd3460d opened the first match: the wrong licence)."""

from __future__ import annotations

from ediops import store
from ediops.screens.licences.licence_detail import LicenceDetailScreen
from ediops.screens.shell.find import FindScreen
from tests.desk.fixtures import add_batch, add_licence
from tests.desk.shell.test_find import _find


def _two(db) -> None:
    with store.write(db):
        add_batch(db, "B1", "AD", count=2)
        add_licence(db, "26-AD-341002", batch_id="B1", trader="Haiou Foods")
        add_licence(db, "26-AD-341003", batch_id="B1")


async def test_a_partial_entry_lists_and_opens_nothing_until_one_is_picked(desk_db, make_app):
    _two(desk_db)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _find(pilot, "26ad3410")
        assert isinstance(app.screen, FindScreen)
        assert "2 matches" in str(app.screen.query_one("#find-status").render())
        assert app.screen.focused is app.screen.query_one("#find-hits")


async def test_a_full_number_without_dashes_in_lower_case_opens_it(desk_db, make_app):
    _two(desk_db)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _find(pilot, "26ad341003")
        assert isinstance(app.screen, LicenceDetailScreen) and app.screen.licence_no == "26-AD-341003"
