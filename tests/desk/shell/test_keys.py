"""Every key of the desk: panes, screens, filter, help, palette, back, quit; and every binding
has an id (so keys can be remapped)."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from textual.binding import Binding
from textual.widgets import HelpPanel

from ediops.screens.shell.app import DeskApp
from ediops.screens.kit.pane import PaneTable
from ediops.screens.kit.widgets import FilterBar, KeyedTable
from tests.desk.conftest import messages, press_and_settle, settle, type_text


def _desk_modules():
    """Every module of the desk (ediops.screens and its area packages)."""
    import ediops.screens

    return [info.name for info in pkgutil.walk_packages(ediops.screens.__path__, "ediops.screens.")]


def _bindings(cls):
    for klass in cls.__mro__:
        for binding in klass.__dict__.get("BINDINGS", []):
            if isinstance(binding, Binding):
                yield klass, binding


def test_every_desk_binding_has_an_id():
    classes = [DeskApp]
    names = _desk_modules()
    assert "ediops.screens.kit.dialogs" in names and "ediops.screens.shell.app" in names
    for name in names:
        module = importlib.import_module(name)
        classes += [v for v in vars(module).values() if isinstance(v, type) and v.__module__ == module.__name__]
    found = [
        (klass.__name__, b.key, b.id)
        for cls in classes
        for klass, b in _bindings(cls)
        if klass.__module__.startswith("ediops.screens.")
    ]
    assert len(found) > 20
    assert [f for f in found if not f[2]] == []


@pytest.mark.parametrize("key,pane", [("1", "feeds"), ("2", "urgent"), ("3", "mismatches"), ("4", "tickets")])
async def test_number_keys_jump_to_panes(desk_db, make_app, key, pane):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press_and_settle(pilot, "4" if key != "4" else "1", key)
        assert app.focused.id == pane


@pytest.mark.parametrize(
    "key,screen",
    [
        ("u", "UrgentQueueScreen"),
        ("m", "FindingsScreen"),
        ("w", "WindowsScreen"),
        ("a", "AuditLogScreen"),
        ("b", "LicenceBrowserScreen"),
        ("t", "TicketListScreen"),
    ],
)
async def test_letter_keys_open_screens_and_escape_and_h_come_back(desk_db, make_app, key, screen):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press_and_settle(pilot, key)
        assert type(app.screen).__name__ == screen
        await press_and_settle(pilot, "escape")
        assert type(app.screen).__name__ == "HomeScreen"
        await press_and_settle(pilot, key, "h")
        assert type(app.screen).__name__ == "HomeScreen"


async def test_enter_opens_the_detail_of_the_row(desk_db, make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press_and_settle(pilot, "2", "enter")
        assert type(app.screen).__name__ == "LicenceDetailScreen"
        assert app.screen.licence_no == "00-AA-000010"
        await press_and_settle(pilot, "escape", "1", "enter")
        assert type(app.screen).__name__ == "IssuerDetailScreen" and app.screen.code == "AD"
        await press_and_settle(pilot, "escape", "4", "enter")
        assert type(app.screen).__name__ == "TicketDetailScreen"


async def test_slash_filters_the_focused_table_and_escape_clears(desk_db, make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press_and_settle(pilot, "3", "slash")
        assert isinstance(app.focused, FilterBar)
        await type_text(pilot, "feed_late")
        table = app.screen.query_one("#mismatches", PaneTable)
        assert [table.get_row(k)[0].plain for k in table.row_keys()] == ["FEED_LATE"]
        assert "filter: feed_late (1/4)" in table.border_subtitle
        await press_and_settle(pilot, "enter")
        assert app.focused is table and table.row_count == 1  # enter keeps the filter
        urgent = app.screen.query_one("#urgent", PaneTable)
        assert urgent.row_count == 3  # only the focused table was filtered
        await press_and_settle(pilot, "slash", "escape")
        assert table.row_count == 4 and app.focused is table


async def test_question_mark_toggles_the_keys_panel(desk_db, make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press_and_settle(pilot, "question_mark")
        assert app.screen.query(HelpPanel)
        await press_and_settle(pilot, "question_mark")
        assert not app.screen.query(HelpPanel)


async def test_q_quits(desk_db, make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_ctrl_q_quits_even_from_a_dialog(desk_db, make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press_and_settle(pilot, "2", "e")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running


async def _palette(pilot, query: str) -> list[str]:
    await press_and_settle(pilot, "ctrl+p")
    await type_text(pilot, query)
    await pilot.pause(0.3)
    from textual.command import CommandList

    options = pilot.app.screen.query_one(CommandList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_palette_finds_a_licence_by_number(desk_db, make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        prompts = await _palette(pilot, "00-AB-000011")
        assert any("Open licence 00-AB-000011" in p for p in prompts)
        await press_and_settle(pilot, "enter")
        assert type(app.screen).__name__ == "LicenceDetailScreen" and app.screen.licence_no == "00-AB-000011"


async def test_palette_runs_a_window_and_has_no_screenshot(desk_db, make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        prompts = await _palette(pilot, "screenshot")
        assert not any("Screenshot" in p for p in prompts)
        await press_and_settle(pilot, "escape")
        prompts = await _palette(pilot, "run window reconcile")
        assert "Run window reconcile" in prompts[0]
        await press_and_settle(pilot, "enter", "enter")  # the command, then the default reason
        assert desk_db.execute("SELECT window, requested_by FROM commands").fetchall() == [("reconcile", "alice")]


async def test_palette_new_ticket_and_screens(desk_db, make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await _palette(pilot, "new ticket")
        await press_and_settle(pilot, "enter")
        assert type(app.screen).__name__ == "TicketFormScreen"
        app.pop_screen()
        await _palette(pilot, "audit log")
        await press_and_settle(pilot, "enter")
        assert type(app.screen).__name__ == "AuditLogScreen"


async def test_screenshot_action_writes_nothing(desk_db, make_app, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.action_screenshot()
        await settle(pilot)
        assert not list(tmp_path.glob("*.svg"))
        assert any("screenshots are disabled" in m for m in messages(app))


async def test_findings_screen_code_list_and_status_toggle(desk_db, make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        desk_db.execute(
            "UPDATE findings SET status = 'resolved', closed_by = 'bob', note = 'ok' WHERE code = 'FEED_LATE'"
        )
        await press_and_settle(pilot, "m")
        codes = app.screen.query_one("#codes", KeyedTable)
        codes.focus()
        codes.move_cursor(row=codes.get_row_index("URGENT_OVERDUE"))
        await press_and_settle(pilot, "enter")
        findings = app.screen.query_one("#findings", KeyedTable)
        assert [findings.get_row(r.key)[2].plain for r in findings.ordered_rows] == ["URGENT_OVERDUE"]
        codes.move_cursor(row=0)
        codes.focus()
        await press_and_settle(pilot, "enter", "s")
        statuses = {findings.get_row(r.key)[4].plain for r in findings.ordered_rows}
        assert statuses == {"open", "resolved"}


async def test_audit_log_search_goes_to_the_store(desk_db, make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press_and_settle(pilot, "a")
        table = app.screen.query_one(KeyedTable)
        assert table.row_count == 1
        await press_and_settle(pilot, "slash")
        await type_text(pilot, "nothing-like-this")
        await press_and_settle(pilot, "enter")
        assert table.row_count == 0
