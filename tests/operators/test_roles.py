"""docs/safeguards.md roles: every operator action checks the OS user's role in the domain, so the
command line is held to it as the desk is; refused = exit 1, one line, nothing changed, no audit."""

from __future__ import annotations

import os

import pytest

from ediops import config as config_mod, store
from ediops.errors import InputError, Refused
from ediops.clock import parse_instant
from ediops.licensing import actions, findings
from ediops.operators import roles
from ediops.scheduling import windows as scheduler
from tests.conftest import ANYONE
from tests.support.store import put_licence

NOW = parse_instant("2000-10-09T12:50:00+08:00")
TABLES = ("audit", "commands", "licence_events", "window_state", "tickets", "ticket_notes", "findings")


def fingerprint(db) -> list:
    counts = [db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES]
    return counts + db.execute("SELECT group_concat(status) FROM findings").fetchall()


@pytest.fixture
def viewer_config(tmp_path):
    folder = tmp_path / "config"
    folder.mkdir()
    (folder / "roles.toml").write_text('default = "duty"\n[users]\nroot = "viewer"\n')
    os.chmod(folder / "roles.toml", 0o644)
    return folder


def _seed(cli, db, config_dir):
    """A ticket and an open finding, made by a supervisor (the bundled roles give root one)."""
    cli(
        "ticket",
        "new",
        "--caller",
        "Li",
        "--phone",
        "021-1",
        "--org",
        "2200",
        "--category",
        "other",
        "--text",
        "x",
        check=True,
    )
    with store.write(db):
        findings.raise_cause(db, findings.Cause("FEED_LATE", "issuer:AA", issuer="AA"), at="2000-10-09T17:00:00+08:00")
    return db.execute("SELECT id FROM findings").fetchone()[0]


COMMANDS = [
    ("findings", "resolve", "{finding}", "--note", "done"),
    ("run", "reconcile", "--wait", "0"),
    ("pause", "forward-customs", "--reason", "x"),
    ("resume", "forward-customs", "--reason", "x"),
    ("ticket", "new", "--caller", "Li", "--phone", "021", "--org", "2200", "--category", "other", "--text", "x"),
    ("ticket", "note", "T-000001", "--text", "more"),
    ("ticket", "close", "T-000001", "--note", "bye"),
    ("ticket", "resolve", "T-000001", "--note", "answer"),
    ("ticket", "wait", "T-000001", "--on", "customs"),
    ("resend", "00-AA-000001", "--reason", "port has no data", "--wait", "0"),
    ("resend", "--ack", "AA-20001009-01", "--reason", "issuer lost it", "--wait", "0"),
    ("alerts", "ack", "1", "--note", "seen"),
]


@pytest.mark.parametrize("argv", COMMANDS, ids=[" ".join(c[:2]) for c in COMMANDS])
def test_a_viewer_is_refused_on_the_command_line(cli, db, viewer_config, argv):
    finding = _seed(cli, db, viewer_config)
    before = fingerprint(db)
    result = cli("--config", str(viewer_config), *[a.format(finding=finding) for a in argv])
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr.count("\n") == 1 and "root (viewer) may not" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert fingerprint(db) == before


def test_the_domain_refuses_before_it_writes(db):
    put_licence(db, "00-AA-000001", urgent=True)
    viewer = {"default": "viewer"}
    before = fingerprint(db)
    calls = [
        lambda: scheduler.request_urgent_forward(db, "00-AA-000001", roles=viewer, actor="x", reason=None, now=NOW),
        lambda: scheduler.request_run(db, "reconcile", roles=viewer, actor="x", reason=None, now=NOW),
        lambda: scheduler.set_paused(db, "reconcile", True, roles=viewer, actor="x", reason=None, now=NOW),
        lambda: actions.record_phone_confirmation(db, "00-AA-000001", note="", roles=viewer, actor="x", now=NOW),
        lambda: actions.escalate(db, "00-AA-000001", reason="r", roles=viewer, actor="x", now=NOW),
        lambda: actions.resolve_finding(db, 1, note="n", roles=viewer, actor="x", now=NOW),
    ]
    for call in calls:
        with pytest.raises(Refused, match="x \\(viewer\\) may not"):
            call()
    assert fingerprint(db) == before
    with pytest.raises(TypeError):  # a door that forgets the roles does not act
        scheduler.request_run(db, "reconcile", actor="x", reason=None, now=NOW)


def test_hotline_may_log_tickets_but_not_run_windows(db):
    hotline = {"users": {"li": "hotline"}}
    roles.require(hotline, "li", "ticket")
    with pytest.raises(Refused):
        scheduler.request_run(db, "reconcile", roles=hotline, actor="li", reason=None, now=NOW)
    scheduler.request_run(db, "reconcile", roles=ANYONE, actor="li", reason=None, now=NOW)


def test_an_unlisted_user_is_a_viewer_in_the_bundled_roles():
    bundled = config_mod.load().roles
    assert roles.role_for(bundled, "mallory") == "viewer"
    assert roles.role_for(bundled, "root") == "supervisor"


def test_unknown_action_names_are_a_programming_error_not_a_refusal():
    with pytest.raises(ValueError):
        roles.require(ANYONE, "x", "windows")


@pytest.mark.parametrize("mode,owner", [(0o664, 0), (0o646, 0), (0o644, 4321)])
def test_a_roles_file_a_desk_user_could_write_grants_nothing(cli, tmp_path, mode, owner):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "roles.toml").write_text('default = "supervisor"\n')
    os.chmod(folder / "roles.toml", mode)
    os.chown(folder / "roles.toml", owner, -1)
    with pytest.raises(InputError, match="owned by root and writable by no one else"):
        config_mod.load(folder)
    result = cli("--config", str(folder), "pause", "reconcile")
    assert result.returncode == 1 and "roles are read only from a file owned by root" in result.stderr


def test_the_demos_supervisor_is_granted_where_the_domain_reads_roles():
    """`ediops demo` opens its desk with role="supervisor" on its own scratch data: the grant is
    made in the desk's copy of the configuration, so the domain's checks agree; the files and
    every other process keep the configured roles."""
    config = config_mod.load()
    granted = roles.granting(config, "alice", "supervisor")
    roles.require(granted.roles, "alice", "pause")
    with pytest.raises(Refused):
        roles.require(config.roles, "alice", "pause")
