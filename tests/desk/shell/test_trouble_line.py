"""What is down is named on the home screen at 80 columns (issue 24, items 1 and 8): the
failing peer, since when, how many licences wait on it; a failing alert channel. bd3460d
said only `peers 44/45 ok` at 80 columns."""

from __future__ import annotations

from ediops import store
from ediops.store import alerts as alerts_db
from tests.desk.conftest import settle
from tests.desk.fixtures import at
from tests.views.test_one_truth import customs_outage


async def test_the_home_screen_names_customs_down_and_a_failing_channel_at_80_columns(db, make_app):
    customs_outage(db)
    with store.write(db):
        alerts_db.set_channels(db, [("duty-sms", True, None)], at=at(9))
        alerts_db.channel_outcome(db, "duty-sms", at=at(2), error="HTTP 502")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        line = app.screen.query_one("#trouble-line")
        shown = str(line.render())
        assert line.display and line.region.width <= 80
        assert shown.startswith("customs DOWN since 17:41: 3 licences wait")
        assert "alert channel duty-sms failing since 17:58" in shown
        panes = app.screen.query_one("#urgent")
        assert "waiting #1" in " ".join(c.plain for c in panes.get_row("00-AA-000010"))
