"""The inspection screen on the real desk, driven by Pilot, and its snapshots."""

from __future__ import annotations

import pytest

from ediops.screens.inspection.inspection import InspectionScreen, share_bar, shift_month
from ediops.screens.inspection.inspection_enterprise import InspectionEnterpriseScreen
from ediops.screens.kit.widgets import KeyedTable

from tests.desk.inspection.desk import make_app, populate, settle
from tests.inspection.reports import ENT


def rows(app, selector) -> list[list[str]]:
    table = app.screen.query_one(selector, KeyedTable)
    return [[cell.plain for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def test_bureaus_show_shares_and_the_attention_list_names_who_must_move(db_path, tmp_path):
    populate(db_path)
    app = make_app(db_path, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(InspectionScreen())
        await settle(pilot)
        bureaus = {r[0]: r for r in rows(app, "#bureaus")}
        assert list(bureaus) == ["3100", "4700", "5100"]
        assert bureaus["4700"][1] == "██████▌░  82%" and bureaus["4700"][2] == "17"
        assert bureaus["4700"][3].endswith(" 80%") and bureaus["4700"][4] == "5"
        assert (bureaus["4700"][5], bureaus["4700"][6]) == ("1", "2.50")
        assert bureaus["3100"][6] == "0" and bureaus["5100"][1].strip() == "-"
        attention = rows(app, "#attention")
        assert [r[0] for r in attention] == ["vendor 24h", "must move", "e-visa", "pre-entry", "fee"]
        assert attention[1][1:4] == [ENT, "Ningbo Textiles", "2002-07"]
        assert attention[0][2].startswith("北京九城数码科") and attention[0][3] == "26h"
        summary = app.screen.query_one("#inspection-summary").render().plain
        assert summary == "2002 notice · 2002-07 · must move 2 · pre-entry 1 · fees 1 · vendor >24h 1"

        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, InspectionEnterpriseScreen)
        assert [r[:4] for r in rows(app, "#declarations")] == [
            ["2002-07-01", "4700", "direct", "3"],
            ["2002-07-01", "4700", "manual", "2"],
            ["2002-07-02", "4700", "direct", "2"],
        ]
        assert [r[0] for r in rows(app, "#enterprise-findings")] == ["must move", "e-visa", "fee"]
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert [r[2] for r in rows(app, "#declarations")] == ["manual"]
        await pilot.press("escape")
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert rows(app, "#attention")[-1][0:2] == ["must move", ENT]


async def test_hostile_enterprise_names_are_shown_as_typed_without_controls(db_path, tmp_path):
    populate(db_path)
    app = make_app(db_path, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(InspectionEnterpriseScreen("3302000009", "2002-07"))
        await settle(pilot)
        summary = app.screen.query_one("#enterprise-summary").render().plain
        assert "[/] [bold]Evil[/bold] Co" in summary
        assert "\x1b" not in summary and "\u202e" not in summary


def test_bars_and_months():
    assert share_bar(100).plain == "████████ 100%"
    assert share_bar(0).plain == "░░░░░░░░   0%"
    assert share_bar(50).plain == "████░░░░  50%"
    assert share_bar(None).plain.strip() == "-"
    assert (shift_month("2002-01", -1), shift_month("2002-12", 1)) == ("2001-12", "2003-01")


SCREENS = {"bureaus": InspectionScreen, "enterprise": lambda: InspectionEnterpriseScreen(ENT, "2002-07")}


@pytest.mark.parametrize("size", [(80, 24), (100, 30)], ids=["80x24", "100x30"])
@pytest.mark.parametrize("screen", sorted(SCREENS))
def test_snapshot(snap_compare, db_path, tmp_path, screen, size):
    populate(db_path)

    async def open_screen(pilot):
        pilot.app.push_screen(SCREENS[screen]())
        await settle(pilot)

    assert snap_compare(make_app(db_path, tmp_path), terminal_size=size, run_before=open_screen)


async def test_the_command_palette_opens_the_screen_from_the_desk(db_path, tmp_path):
    populate(db_path)
    app = make_app(db_path, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.press(*"inspection")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, InspectionScreen)


async def test_key_i_opens_the_screen_from_home(db_path, tmp_path):
    populate(db_path)
    app = make_app(db_path, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, InspectionScreen)


async def test_enter_on_an_inspection_finding_in_the_findings_screen_opens_the_enterprise_month(db_path, tmp_path):
    from ediops.screens.findings.findings import FindingsScreen

    populate(db_path)
    app = make_app(db_path, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(FindingsScreen(code="EDECL_REQUIRED"))
        await settle(pilot)
        app.screen.query_one("#findings", KeyedTable).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, InspectionEnterpriseScreen)
        assert (app.screen.enterprise, app.screen.month) == (ENT, "2002-06")  # newest first


async def test_the_2002_notice_screens_in_chinese_show_no_english_but_the_enterprises_names(db_path, tmp_path):
    """Why a finding holds, the channels, the month's summary: in the notice's words (直通式,
    预录入, 自理报检, 平台费用); left in English only the enterprises' own names (data)."""
    from ediops import i18n
    from tests.desk.test_chinese import english_words, screen_lines

    populate(db_path)
    i18n.use("zh")
    try:
        app = make_app(db_path, tmp_path)
        async with app.run_test(size=(100, 30)) as pilot:
            app.push_screen(InspectionScreen())
            await settle(pilot)
            month = screen_lines(app)
            await pilot.press("down", "enter")
            await settle(pilot)
            enterprise = screen_lines(app)
    finally:
        i18n.use("en")
    names = {"Ningbo", "Textiles", "Cixi", "Bearings"}  # as the bureaus reported them
    assert [w for w in english_words(month + enterprise) if w not in names] == []
    assert any("非电子报检：手工受理 2" in line for line in month)
    assert any("自理报检" in line for line in enterprise) and any("直通式" in line for line in enterprise)
