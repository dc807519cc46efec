"""Licence browser: pages from SQL by keyset, next / previous / first page, search by number
prefix or the start of a trader's name; the table never holds more than one page."""

from __future__ import annotations

from ediops import store
from ediops.views import dashboard
from ediops.screens.licences.licence_browser import PAGE
from ediops.screens.kit.widgets import KeyedTable
from tests.desk.conftest import press_and_settle, settle, type_text
from tests.desk.fixtures import add_batch, add_licence


def _many(db, n: int) -> None:
    with store.write(db):
        add_batch(db, "AE-20001009-01", "AE", count=n)
        for i in range(n):
            add_licence(db, f"00-AE-{i:06d}", batch_id="AE-20001009-01", trader=f"Trader {i % 7}")


def _keys(app) -> list[str]:
    return [r.key.value for r in app.screen.query_one(KeyedTable).ordered_rows]


async def test_pages_forward_back_and_first(db, make_app):
    _many(db, 2 * PAGE + 30)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press_and_settle(pilot, "b")
        assert _keys(app)[0] == "00-AE-000000" and len(_keys(app)) == PAGE
        await press_and_settle(pilot, "right_square_bracket", "right_square_bracket")
        assert _keys(app) == [f"00-AE-{i:06d}" for i in range(2 * PAGE, 2 * PAGE + 30)]
        await press_and_settle(pilot, "right_square_bracket")  # no further page: stays
        assert _keys(app)[0] == f"00-AE-{2 * PAGE:06d}"
        await press_and_settle(pilot, "left_square_bracket")
        assert _keys(app)[0] == f"00-AE-{PAGE:06d}" and len(_keys(app)) == PAGE
        await press_and_settle(pilot, "0")
        assert _keys(app)[0] == "00-AE-000000"
        assert f"{2 * PAGE + 30:,} in store" in app.screen.query_one(KeyedTable).border_subtitle


async def test_search_by_number_prefix_and_trader_name(db, make_app):
    _many(db, 150)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press_and_settle(pilot, "b", "slash")
        await type_text(pilot, "00-ae-00012")
        await press_and_settle(pilot, "enter")
        assert _keys(app) == [f"00-AE-{i:06d}" for i in range(120, 130)]
        await press_and_settle(pilot, "slash", "escape", "slash")
        await type_text(pilot, "trader 3")
        await press_and_settle(pilot, "enter")
        assert _keys(app) and all(int(k[-6:]) % 7 == 3 for k in _keys(app))


async def test_palette_browse_from_a_prefix(db, make_app):
    _many(db, 150)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.open_browser("00-AE-0001")
        await settle(pilot)
        assert _keys(app)[0] == "00-AE-000100"


def test_keyset_pages_never_skip_or_repeat(db):
    _many(db, 250)
    seen, after = [], None
    while page := dashboard.licence_page(db, after=after, limit=40) if after else dashboard.licence_page(db, limit=40):
        seen += [r["licence_no"] for r in page]
        after = page[-1]["licence_no"]
    assert seen == [f"00-AE-{i:06d}" for i in range(250)]
    back = dashboard.licence_page(db, before="00-AE-000100", limit=40)
    assert [r["licence_no"] for r in back] == [f"00-AE-{i:06d}" for i in range(60, 100)]
    assert dashboard.licence_page(db, query="50%_", limit=5) == []  # LIKE wildcards are literal
