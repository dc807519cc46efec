"""Recent window runs read in time order (issue 24, item 10): newest first by when each run
started, the scheduled time it ran for beside it (bd3460d showed only that scheduled time, so a
catch-up run of 09:00 started at 10:30 sat above the 10:30 run, out of order)."""

from __future__ import annotations

from ediops import store
from ediops.screens.kit.widgets import KeyedTable
from tests.desk.conftest import press_and_settle, settle


async def test_runs_are_listed_newest_started_first_with_what_they_ran_for(db, make_app):
    with store.write(db):
        for window, occurrence, started in (
            ("poll-feeds", "2000-10-09T10:30:00+08:00", "2000-10-09T10:30:00.250000+08:00"),
            ("reconcile", "2000-10-09T09:00:00+08:00", "2000-10-09T10:30:05+08:00"),  # caught up
            ("backup", "manual:7", "2000-10-09T10:31:00+08:00"),
        ):
            db.execute(
                "INSERT INTO window_runs (window, occurrence, token, holder, started_at, finished_at, outcome, "
                "detail) VALUES (?, ?, 1, 'daemon@vm:1', ?, ?, 'ok', '')",
                [window, occurrence, started, started],
            )
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press_and_settle(pilot, "w")
        runs = app.screen.query_one("#runs", KeyedTable)
        shown = [[c.plain for c in runs.get_row(r.key)[:3]] for r in runs.ordered_rows]
        assert shown == [
            ["10:31:00", "backup", "manual:7"],
            ["10:30:05", "reconcile", "10-09 09:00"],
            ["10:30:00", "poll-feeds", "10-09 10:30"],
        ]
        assert [row[0] for row in shown] == sorted((row[0] for row in shown), reverse=True)
