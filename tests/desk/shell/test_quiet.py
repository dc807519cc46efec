"""An idle desk is quiet: duty staff keep it open all shift over slow SSH links, and sshd's
keepalive probes a silent client only after a whole interval with no traffic (docs/ssh.md).
Ages and countdowns are in whole clock minutes, so between two minute ticks a refresh that
finds nothing new writes nothing to the terminal."""

from __future__ import annotations

from datetime import datetime, timedelta

from ediops.clock import Clock, parse_instant
from ediops.views.dashboard import clock_minutes
from ediops.screens.kit.cells import deadline_style, minutes_text, time_left
from ediops.screens.kit.header import HeaderLine
from ediops.screens.kit.pane import PaneTable
from tests.desk.conftest import record_terminal_updates, settle
from tests.desk.fixtures import NOW


def _header(app) -> str:
    return app.screen.query_one(HeaderLine).content.plain


async def test_refreshes_that_find_nothing_new_write_nothing(desk_db, make_app):
    app = make_app()  # frozen clock
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, rounds=3)
        assert _header(app).startswith("18:00 CST │ peers 1/2 ok │ next send-acks in 2 min")
        updates = record_terminal_updates(app)
        for _ in range(5):
            app.refresh_data()  # what the slow timer does
            await settle(pilot)
        assert updates == []


async def test_the_minute_tick_redraws_ages_countdowns_and_clock(desk_db, make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, rounds=3)
        urgent = app.screen.query_one("#urgent", PaneTable)
        assert urgent.get_cell("00-AA-000010", "left").plain == "overdue 5 min"
        updates = record_terminal_updates(app)
        app.clock = Clock(NOW + timedelta(seconds=61), frozen=True)
        app._poll()  # no commit: the new clock minute alone refreshes
        await settle(pilot)
        assert _header(app).startswith("18:01 CST │ peers 1/2 ok │ next send-acks in 1 min")
        assert urgent.get_cell("00-AA-000010", "left").plain == "overdue 6 min"
        assert urgent.get_cell("00-AB-000011", "left").plain == "2 min left"
        assert updates != []


def test_clock_minutes_count_minute_readings_not_elapsed_seconds():
    received = parse_instant("2000-10-09T17:52:50+08:00")
    assert clock_minutes(received, parse_instant("2000-10-09T18:00:10+08:00")) == 8
    assert clock_minutes(received, parse_instant("2000-10-09T18:00:59+08:00")) == 8
    assert clock_minutes(received, parse_instant("2000-10-09T18:01:00+08:00")) == 9
    assert clock_minutes(datetime.fromisoformat("2000-10-09T09:45:59+00:00"), received) == 7  # 17:45 in Shanghai


def test_deadline_texts_and_colours_at_minute_resolution():
    assert [time_left(m) for m in (7, 1, 0, -2, -75)] == [
        "7 min left",
        "1 min left",
        "due now",
        "overdue 2 min",
        "overdue 1h15",
    ]
    assert [minutes_text(m) for m in (0, 7, 60, 125, 1500)] == ["0 min", "7 min", "1h00", "2h05", "1d"]
    assert [deadline_style(m, False) for m in (6, 5, 1, 0, -1)] == ["", "yellow", "yellow", "bold red", "bold red"]
    assert deadline_style(-10, True) == "dim green"
