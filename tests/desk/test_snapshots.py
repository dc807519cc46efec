"""Snapshots of home and every desk screen at 100x30 and 80x24: fixed clock, fixture data,
no blinking cursor. Regenerate with --snapshot-update and read the SVGs' text."""

from __future__ import annotations

import pytest

from tests.desk.conftest import press_and_settle, settle
from tests.desk.fixtures import populate_busy

SIZES = [(100, 30), (80, 24)]
SCREENS = {
    "home": [],
    "urgent_queue": ["u"],
    "findings": ["m"],
    "windows": ["w"],
    "audit_log": ["a"],
    "licence_browser": ["b"],
    "licence_detail": ["2", "enter"],
    "issuer_detail": ["1", "down", "enter"],
    "reason_dialog": ["2", "e"],
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", list(SCREENS))
def test_snapshot(snap_compare, desk_db, make_app, name, size):
    async def run_before(pilot):
        await settle(pilot)
        await press_and_settle(pilot, *SCREENS[name])
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_home_on_a_busy_day(snap_compare, db, make_app, size):
    """Every pane full: no pane scrolls sideways, codes whole (OPERATING_UNIT_MISMATCH), the
    header's counts and the footer's Quit and Keys kept, as many rows as the screen allows."""
    populate_busy(db)

    async def run_before(pilot):
        await settle(pilot, rounds=3)

    assert snap_compare(make_app(), terminal_size=size, run_before=run_before)
