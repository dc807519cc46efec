"""The home screen: four live panes and the header line, fed from the store."""

from __future__ import annotations

from ediops.screens.kit.cells import feed_status
from ediops.screens.kit.pane import PaneTable
from tests.desk.conftest import settle

PANE_TITLES = ["Issuer feeds", "Urgent licences", "Mismatches", "Hotline tickets"]


def _keys(app, pane: str) -> list[str]:
    return app.screen.query_one(f"#{pane}", PaneTable).row_keys()


async def test_home_shows_four_titled_panes_with_store_rows(desk_db, make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        titles = [t.border_title for t in app.screen.query(PaneTable)]
        assert titles == PANE_TITLES
        assert _keys(app, "urgent") == ["00-AA-000010", "00-AB-000011", "00-AB-000012"]
        assert _keys(app, "tickets") == ["T-000001", "T-000003", "T-000002"]
        assert _keys(app, "feeds")[0] == "AD"  # failing first
        codes = [app.screen.query_one("#mismatches", PaneTable).get_row(k)[0].plain for k in _keys(app, "mismatches")]
        assert codes == sorted(codes)


def test_a_feed_waiting_for_its_daily_batch_says_when_it_is_due():
    """Before the cutoff an issuer may already have sent urgent batches: "no batch yet" beside a
    batch count would mislead, so the cell gives the cutoff instead."""
    waiting = feed_status({"status": "no batch yet", "cutoff": "17:30"})
    assert (waiting.plain, str(waiting.style)) == ("due 17:30", "dim")
    assert feed_status({"status": "late", "cutoff": "17:30"}).plain == "late"
