"""Every operator action through its key: what lands in the store (with the audit row) and what
the operator is told, including when another operator acted first."""

from __future__ import annotations

from ediops.licensing import actions
from ediops.scheduling import windows as scheduler
from ediops.screens.kit.dialogs import ReasonDialog
from ediops.screens.kit.pane import PaneTable
from ediops.screens.kit.widgets import KeyedTable
from tests.desk.conftest import messages, press_and_settle, settle
from tests.desk.fixtures import NOW
from tests.conftest import ANYONE


def _audit(db, action):
    return db.execute("SELECT actor, subject, reason FROM audit WHERE action = ? ORDER BY id", [action]).fetchall()


async def _select(pilot, pane: str, key: str) -> None:
    table = pilot.app.screen.query_one(f"#{pane}", PaneTable)
    table.focus()
    table.move_cursor(row=table.get_row_index(key))
    await pilot.pause()


async def _answer(pilot, text: str | None) -> None:
    """Types `text` into the reason dialog (replacing any default) and confirms."""
    assert isinstance(pilot.app.screen, ReasonDialog)
    if text is not None:
        pilot.app.screen.query_one("#dialog-input").value = ""
        for ch in text:
            await pilot.press(ch if ch != " " else "space")
    await press_and_settle(pilot, "enter")


async def test_forward_now_queues_the_licence_for_the_leader_audited(desk_db, make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await _select(pilot, "urgent", "00-AA-000010")
        await press_and_settle(pilot, "f")
        await _answer(pilot, "issuer phoned")
        assert desk_db.execute("SELECT action, subject, requested_by, reason FROM commands").fetchall() == [
            ("forward-licence", "00-AA-000010", "alice", "issuer phoned")
        ]
        assert _audit(desk_db, "licence.forward") == [("alice", "licence:00-AA-000010", "issuer phoned")]
        assert any("forward of 00-AA-000010 requested" in m for m in messages(app))
        assert app.screen.query_one("#urgent", PaneTable).get_cell("00-AA-000010", "state").plain == "requested!"


async def test_forward_of_a_licence_already_being_forwarded_is_refused(desk_db, make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await _select(pilot, "urgent", "00-AB-000012")  # state forwarded
        await press_and_settle(pilot, "f")
        await _answer(pilot, None)
        assert desk_db.execute("SELECT count(*) FROM commands").fetchone()[0] == 0
        assert any("already being forwarded" in m for m in messages(app))


async def test_second_operator_forwarding_is_told_who_was_first(desk_db, make_app):
    app = make_app(actor="carol")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await _select(pilot, "urgent", "00-AA-000010")
        scheduler.request_urgent_forward(desk_db, "00-AA-000010", roles=ANYONE, actor="bob", reason="first", now=NOW)
        await press_and_settle(pilot, "f")
        await _answer(pilot, None)
        assert [r[0] for r in desk_db.execute("SELECT requested_by FROM commands")] == ["bob"]
        assert any("already requested by bob" in m for m in messages(app))


async def test_phone_confirmation_recorded_with_note_and_event(desk_db, make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await _select(pilot, "urgent", "00-AA-000010")
        await press_and_settle(pilot, "p")
        await _answer(pilot, "Li at AA")
        assert desk_db.execute(
            "SELECT phoned_by, phoned_at FROM licences WHERE licence_no = '00-AA-000010'"
        ).fetchone() == ("alice", "2000-10-09T18:00:00+08:00")
        assert desk_db.execute(
            "SELECT event, actor FROM licence_events WHERE licence_no = '00-AA-000010' ORDER BY id DESC LIMIT 1"
        ).fetchone() == ("phoned", "alice")
        assert _audit(desk_db, "licence.phoned") == [("alice", "licence:00-AA-000010", "Li at AA")]
        urgent = app.screen.query_one("#urgent", PaneTable)
        assert urgent.get_cell("00-AA-000010", "state").plain == "phoned!"  # refreshed after the action


async def test_phone_confirmation_twice_tells_the_second_operator(desk_db, make_app):
    app = make_app(actor="carol")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await _select(pilot, "urgent", "00-AB-000011")  # phoned by alice in the fixture
        await press_and_settle(pilot, "p")
        await _answer(pilot, "")
        assert _audit(desk_db, "licence.phoned") == []
        assert any("already by alice" in m for m in messages(app))


async def test_escalate_needs_a_reason_and_is_audited(desk_db, make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await _select(pilot, "urgent", "00-AB-000011")
        await press_and_settle(pilot, "e")
        await press_and_settle(pilot, "enter")  # empty: refused, the dialog stays
        assert isinstance(app.screen, ReasonDialog)
        await _answer(pilot, "customs silent")
        assert desk_db.execute("SELECT escalated_by FROM licences WHERE licence_no = '00-AB-000011'").fetchone() == (
            "alice",
        )
        assert _audit(desk_db, "licence.escalate") == [("alice", "licence:00-AB-000011", "customs silent")]


async def test_escalate_cancelled_with_escape_changes_nothing(desk_db, make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await _select(pilot, "urgent", "00-AB-000011")
        await press_and_settle(pilot, "e", "escape")
        assert not isinstance(app.screen, ReasonDialog)
        assert _audit(desk_db, "licence.escalate") == []


async def test_escalating_twice_tells_who_was_first(desk_db, make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await _select(pilot, "urgent", "00-AA-000010")  # escalated by alice in the fixture
        await press_and_settle(pilot, "e")
        await _answer(pilot, "again")
        assert any("already by alice" in m for m in messages(app))


async def test_resolve_finding_with_note(desk_db, make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        finding = desk_db.execute("SELECT id FROM findings WHERE code = 'FEED_LATE'").fetchone()[0]
        await _select(pilot, "mismatches", str(finding))
        await press_and_settle(pilot, "r")
        await _answer(pilot, "batch came by fax")
        assert desk_db.execute("SELECT status, closed_by, note FROM findings WHERE id = ?", [finding]).fetchone() == (
            "resolved",
            "alice",
            "batch came by fax",
        )
        assert _audit(desk_db, "finding.resolve")[-1] == ("alice", f"finding:{finding}", "batch came by fax")
        assert str(finding) not in app.screen.query_one("#mismatches", PaneTable).row_keys()


async def test_resolving_a_finding_someone_resolved_first(desk_db, make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        finding = desk_db.execute("SELECT id FROM findings WHERE code = 'FEED_LATE'").fetchone()[0]
        await _select(pilot, "mismatches", str(finding))
        actions.resolve_finding(desk_db, finding, note="mine", roles=ANYONE, actor="bob", now=NOW)
        await press_and_settle(pilot, "r")
        await _answer(pilot, "also mine")
        assert desk_db.execute("SELECT closed_by, note FROM findings WHERE id = ?", [finding]).fetchone() == (
            "bob",
            "mine",
        )
        assert any("already resolved by bob" in m for m in messages(app))


async def test_resolve_on_a_licence_row_asks_for_a_finding(desk_db, make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await _select(pilot, "urgent", "00-AA-000010")
        await press_and_settle(pilot, "r")
        assert not isinstance(app.screen, ReasonDialog)
        assert any("select a finding" in m for m in messages(app))


async def test_new_ticket_from_a_finding_carries_licence_and_finding(desk_db, make_app):
    from ediops.screens.hotline.ticket_form import TicketFormScreen

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        finding = desk_db.execute("SELECT id FROM findings WHERE code = 'URGENT_OVERDUE'").fetchone()[0]
        await _select(pilot, "mismatches", str(finding))
        await press_and_settle(pilot, "n")
        assert isinstance(app.screen, TicketFormScreen)
        assert (app.screen.licence_no, app.screen.finding_id) == ("00-AA-000010", finding)


async def test_new_ticket_from_a_licence_detail(desk_db, make_app):
    from ediops.screens.hotline.ticket_form import TicketFormScreen

    app = make_app(role="hotline")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.open_licence("00-AA-000002")
        await settle(pilot)
        await press_and_settle(pilot, "n")
        assert isinstance(app.screen, TicketFormScreen)
        assert app.screen.licence_no == "00-AA-000002"


async def _on_windows(pilot, window: str) -> None:
    await press_and_settle(pilot, "w")
    table = pilot.app.screen.query_one("#windows", KeyedTable)
    table.focus()
    table.move_cursor(row=table.get_row_index(window))
    await pilot.pause()


async def test_run_window_now(desk_db, make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await _on_windows(pilot, "pull-writeoffs")
        await press_and_settle(pilot, "r")
        await _answer(pilot, "customs asked")
        assert desk_db.execute("SELECT window, action, requested_by, reason FROM commands").fetchall() == [
            ("pull-writeoffs", "run", "alice", "customs asked")
        ]
        assert _audit(desk_db, "window.run")[0][:2] == ("alice", "window:pull-writeoffs")
        assert any("run of pull-writeoffs requested" in m for m in messages(app))


async def test_pause_and_resume_window(desk_db, make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await _on_windows(pilot, "send-acks")
        await press_and_settle(pilot, "p")
        await _answer(pilot, "issuer down")
        assert desk_db.execute(
            "SELECT paused, changed_by, reason FROM window_state WHERE window = 'send-acks'"
        ).fetchone() == (1, "alice", "issuer down")
        assert "paused by alice" in app.screen.query_one("#windows", KeyedTable).get_row("send-acks")[4].plain
        await press_and_settle(pilot, "s")
        await _answer(pilot, "back up")
        assert desk_db.execute("SELECT paused FROM window_state WHERE window = 'send-acks'").fetchone() == (0,)
        assert [r[2] for r in _audit(desk_db, "window.pause") + _audit(desk_db, "window.resume")] == [
            "issuer down",
            "back up",
        ]
