"""Find anything (`g`, screens/shell/find.py): each kind of identifier opens its screen; completion
as the operator types; an identifier nothing matches says so; the palette offers the same."""

from __future__ import annotations

import asyncio

import pytest

from ediops import store
from ediops.screens.shell.find import FindScreen
from ediops.screens.findings.findings import FindingsScreen
from ediops.screens.licences.issuer_detail import IssuerDetailScreen
from ediops.screens.licences.licence_browser import LicenceBrowserScreen
from ediops.screens.licences.licence_detail import LicenceDetailScreen
from ediops.screens.hotline.ticket_detail import TicketDetailScreen
from ediops.screens.hotline.ticket_list import TicketListScreen
from ediops.views.find import find
from tests.desk.conftest import messages, press_and_settle, settle
from tests.desk.fixtures import TORTURE, at


def _writeoffs(db) -> None:
    with store.write(db):
        for i, (number, declaration) in enumerate(
            (("00-AA-000001", "530020000000777"), ("00-ZZ-999999", "530020000000888"))
        ):
            db.execute(
                "INSERT INTO writeoffs (licence_no, customs_code, declaration_no, action, quantity, unit, released_on, "
                "record, content_hash, received_at, source) VALUES (?, '5300', ?, 'release', '1', 'TNE', "
                "'2000-10-09', '{}', ?, ?, 'test')",
                [number, declaration, f"h{i}", at(5)],
            )


async def _find(pilot, text: str, *, wait: bool = True) -> None:
    await press_and_settle(pilot, "g")
    assert isinstance(pilot.app.screen, FindScreen)
    pilot.app.screen.query_one("#find-input").value = text
    if wait:  # completions come after the debounce
        for _ in range(40):
            await asyncio.sleep(0.05)
            await settle(pilot)
            if pilot.app.screen.hits_for == text:
                break
    await press_and_settle(pilot, "enter")
    await settle(pilot, 3)


@pytest.mark.parametrize(
    "text, screen, check",
    [
        ("00-AA-000001", LicenceDetailScreen, lambda s: s.licence_no == "00-AA-000001"),
        ("AA-20001009-01", IssuerDetailScreen, lambda s: s.code == "AA"),
        ("530020000000777", LicenceDetailScreen, lambda s: s.licence_no == "00-AA-000001"),
        ("530020000000888", FindingsScreen, lambda s: s.query_one("#findings").filter_text == "530020000000888"),
        ("T-000003", TicketDetailScreen, lambda s: s.ticket_id == "T-000003"),
        ("4403120001", LicenceBrowserScreen, lambda s: s.query_text == "4403120001"),
        ("ab", IssuerDetailScreen, lambda s: s.code == "AB"),
        ("010-1234", TicketListScreen, lambda s: s.query_text == "010-1234"),
    ],
)
async def test_each_kind_of_identifier_opens_its_screen(desk_db, make_app, text, screen, check):
    _writeoffs(desk_db)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await _find(pilot, text)
        assert isinstance(app.screen, screen) and check(app.screen)


async def test_enter_before_the_completions_came_still_opens_it(desk_db, make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await _find(pilot, "00-AB-000011", wait=False)
        assert isinstance(app.screen, LicenceDetailScreen) and app.screen.licence_no == "00-AB-000011"


async def test_completion_as_the_operator_types_and_an_unknown_one_says_so(desk_db, make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press_and_settle(pilot, "g")
        for key in ("0", "0", "minus", "a", "b"):
            await pilot.press(key)
        for _ in range(40):
            await asyncio.sleep(0.05)
            await settle(pilot)
            if app.screen.hits_for == "00-ab":
                break
        assert [h.key for h in app.screen.hits] == ["00-AB-000011", "00-AB-000012"]
        await press_and_settle(pilot, "down", "down", "enter")
        assert isinstance(app.screen, LicenceDetailScreen) and app.screen.licence_no == "00-AB-000012"
        await press_and_settle(pilot, "escape")
        await _find(pilot, "00-QQ-123456")
        assert isinstance(app.screen, FindScreen)
        assert "nothing known as 00-QQ-123456" in str(app.screen.query_one("#find-status").render())
        assert any("nothing known as 00-QQ-123456" in m for m in messages(app))


def test_hostile_text_in_the_store_is_only_a_label(desk_db):
    from tests.desk.fixtures import add_ticket

    with store.write(desk_db):
        add_ticket(desk_db, "T-000099", caller=TORTURE, org=TORTURE)
    hits = find(desk_db, "T-000099", issuers=[])
    assert [h.kind for h in hits] == ["ticket"] and TORTURE in hits[0].label


async def test_the_palette_offers_the_same(desk_db, make_app):
    from ediops.screens.shell.palette import DeskCommands

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        provider = DeskCommands(app.screen)
        hits = [h async for h in provider.search("T-000002")]
        assert any("ticket T-000002" in str(h.match_display) for h in hits)
        next(h for h in hits if "ticket T-000002" in str(h.match_display)).command()
        await settle(pilot)
        assert isinstance(app.screen, TicketDetailScreen) and app.screen.ticket_id == "T-000002"


def _seagull(db) -> None:
    from tests.desk.fixtures import add_licence

    with store.write(db):
        add_licence(db, "00-AA-000077", batch_id="AA-20001009-01", trader="青岛海鸥食品进出口有限公司")


async def test_four_characters_of_a_traders_name_open_its_licences(desk_db, make_app):
    _seagull(desk_db)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await _find(pilot, "海鸥食品")
        assert isinstance(app.screen, LicenceBrowserScreen) and app.screen.query_text == "4403120001"
        await settle(pilot, 3)
        assert "00-AA-000077" in app.screen.query_one("#licences").rows


async def test_the_palette_finds_a_name_too(desk_db, make_app):
    from ediops.screens.shell.palette import DeskCommands

    _seagull(desk_db)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        hits = [h async for h in DeskCommands(app.screen).search("海鸥")]
        assert any("enterprise 4403120001 · 青岛海鸥食品进出口有限公司" in str(h.match_display) for h in hits)


def test_what_the_find_lists_says_its_kinds_in_the_chosen_language(desk_db):
    """The find box's lines (an enterprise, a licence, a ticket) in Chinese: 企业, 许可证, 工单."""
    from ediops import i18n

    _seagull(desk_db)
    i18n.use("zh")
    try:
        by_name = [h.label for h in find(desk_db, "海鸥", issuers=[])]
        by_number = [h.label for h in find(desk_db, "00-AA-000077", issuers=[])]
        by_ticket = [h.label for h in find(desk_db, "T-000001", issuers=[])]
    finally:
        i18n.use("en")
    assert by_name[0].startswith("企业 ") and "青岛海鸥食品进出口有限公司" in by_name[0]
    assert not any(label.startswith(("enterprise", "licence", "ticket")) for label in by_name + by_number + by_ticket)
    assert by_number[0].startswith("许可证 00-AA-000077") and by_ticket[0].startswith("工单 T-000001")
