"""Roles from config/roles.toml: a viewer's action keys do nothing but say so; hotline staff
open tickets but do not forward; the audited actor stays the OS user."""

from __future__ import annotations

import pytest

from ediops import config as config_mod
from ediops.errors import InputError
from ediops.screens.kit.dialogs import ReasonDialog
from ediops.operators.roles import role_for
from ediops.screens.kit.pane import PaneTable
from tests.desk.conftest import messages, press_and_settle, settle


def _store_fingerprint(db):
    return [
        db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("audit", "commands", "licence_events", "window_state")
    ] + [db.execute("SELECT count(*) FROM findings WHERE status = 'open'").fetchone()[0]]


@pytest.mark.parametrize(
    "pane,key", [("urgent", "f"), ("urgent", "p"), ("urgent", "e"), ("mismatches", "r"), ("urgent", "n")]
)
async def test_viewer_action_keys_do_nothing_but_say_so(desk_db, make_app, pane, key):
    app = make_app(role="viewer")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        before = _store_fingerprint(desk_db)
        app.screen.query_one(f"#{pane}", PaneTable).focus()
        await press_and_settle(pilot, key)
        assert not isinstance(app.screen, ReasonDialog)
        assert type(app.screen).__name__ == "HomeScreen"
        assert _store_fingerprint(desk_db) == before
        assert any("role viewer may not" in m for m in messages(app))


async def test_viewer_cannot_run_or_pause_windows(desk_db, make_app):
    app = make_app(role="viewer")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        before = _store_fingerprint(desk_db)
        await press_and_settle(pilot, "w", "r", "p", "s")
        assert _store_fingerprint(desk_db) == before
        assert sum("role viewer may not" in m for m in messages(app)) == 3


async def test_hotline_may_not_forward(desk_db, make_app):
    app = make_app(role="hotline")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press_and_settle(pilot, "2", "f")
        assert not isinstance(app.screen, ReasonDialog)
        assert any("role hotline may not forward" in m for m in messages(app))


def test_role_comes_from_config_users_then_default(tmp_path):
    (tmp_path / "roles.toml").write_text('default = "viewer"\n[users]\nalice = "duty"\n')
    roles = config_mod.load(tmp_path).roles
    assert role_for(roles, "alice") == "duty"
    assert role_for(roles, "mallory") == "viewer"
    (tmp_path / "roles.toml").write_text('default = "boss"\n')
    with pytest.raises(InputError, match="unknown role 'boss'"):
        role_for(config_mod.load(tmp_path).roles, "x")


async def test_desk_takes_its_role_from_config(desk_db, make_app, tmp_path):
    (tmp_path / "roles.toml").write_text('default = "duty"\n[users]\nalice = "viewer"\n')
    from ediops.screens.shell.app import DeskApp

    probe = make_app()
    app = DeskApp(db_path=probe.db_path, config=config_mod.load(tmp_path), clock=probe.clock, actor="alice")
    assert app.role == "viewer"
