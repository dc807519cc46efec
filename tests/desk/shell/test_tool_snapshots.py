"""Snapshots of the tools' screens at 80x24 (fixed clock, fixture data): the find box with its
completions, the paper check with a difference, the bulk report, the statement, and a list
with marked rows. Regenerate with --snapshot-update and read the SVGs' text."""

from __future__ import annotations

import pytest

from tests.desk.conftest import press_and_settle, settle


async def _find(pilot):
    await press_and_settle(pilot, "g", "0", "0", "minus", "a")
    await pilot.pause(0.5)
    await settle(pilot)


async def _paper(pilot):
    pilot.app.open_licence("00-AA-000001")
    await settle(pilot)
    await press_and_settle(pilot, "c")
    screen = pilot.app.screen
    for name, value in (("trader", "Acme Trading Co"), ("quantity", "100.0 TNE"), ("port", "5301")):
        screen.query_one(f"#paper-{name}").value = value
    await settle(pilot)


async def _statement(pilot):
    pilot.app.open_licence("00-AA-000001")
    await settle(pilot)
    await press_and_settle(pilot, "d")
    await settle(pilot, 3)


async def _marked(pilot):
    await press_and_settle(pilot, "m")
    table = pilot.app.screen.query_one("#findings")
    table.focus()
    await press_and_settle(pilot, "space", "down", "space")


async def _bulk_report(pilot):
    """The report as a bulk action leaves it (the action itself: test_marks), shown over the list."""
    from ediops.screens.kit.marks import BulkOutcome, BulkReport

    await press_and_settle(pilot, "m")
    failed = [("1", "finding 1 was already resolved by bob at 2000-10-09T17:58:00+08:00")]
    pilot.app.push_screen(BulkReport(BulkOutcome("Resolve findings: 2 findings", ["3"], failed)))
    await settle(pilot)


SCREENS = {"find": _find, "paper": _paper, "statement": _statement, "marked": _marked, "bulk_report": _bulk_report}


@pytest.mark.parametrize("name", list(SCREENS))
def test_snapshot(snap_compare, desk_db, make_app, name):
    async def run_before(pilot):
        await settle(pilot)
        await SCREENS[name](pilot)
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)
