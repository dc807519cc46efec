"""`ediops resend` against a real simulator process (docs/resend.md): a new key each time,
customs counts it, and the lifecycle, audit and `licence --json` show who, why and the
answer; refusals send nothing; with a daemon running, the leader sends it."""

from __future__ import annotations

import json

import pytest

from ediops import store

pytestmark = pytest.mark.integration
EVENING = "2000-10-09T23:00:00+08:00"


def _ediops(world, *args):
    return world.cli(*args, now=EVENING)


def _customs_keys(sim, number: str) -> list[str]:
    return sim.stats(detail=True)["customs"]["by_licence"].get(number, [])


@pytest.fixture
def forwarded(world):
    """Three issuers' evening: batches polled and forwarded by hand (no leader)."""
    world.configure(issuers=3, windows={})
    sim = world.simulator(now=EVENING, scale=0.05)
    for window in ("poll-feeds", "forward-customs"):
        result = _ediops(world, "run", window)
        assert result.returncode == 0, result.stderr
    db = store.connect(world.db_path)
    number, batch = db.execute(
        "SELECT licence_no, batch_id FROM licences WHERE state = 'accepted' ORDER BY licence_no LIMIT 1"
    ).fetchone()
    return sim, db, number, batch


def test_a_resend_goes_under_a_new_key_each_time_and_is_shown_everywhere(world, forwarded):
    sim, db, number, _ = forwarded
    first_key = _customs_keys(sim, number)
    assert len(first_key) == 1
    ticket = _ediops(
        world,
        "ticket",
        "new",
        "--caller",
        "Wang",
        "--phone",
        "0755-1234",
        "--org",
        "Port 5300",
        "--category",
        "not-received",
        "--licence",
        number,
        "--text",
        "no electronic data",
    ).stdout.strip()

    result = _ediops(world, "resend", number, "--reason", "port 5300 has no data", "--ticket", ticket)
    assert result.returncode == 0, result.stderr
    assert f"{number}: accepted" in result.stdout and "queued" not in result.stdout
    again = _ediops(world, "resend", number, "--reason", "still nothing at the port")
    assert again.returncode == 0, again.stderr

    keys = _customs_keys(sim, number)
    assert len(keys) == 3 and len(set(keys)) == 3 and keys[0] == first_key[0]
    view = json.loads(_ediops(world, "licence", number, "--json").stdout)
    resends = view["resends"]
    assert [(r["reason"], r["ticket_id"], r["outcome"]) for r in resends] == [
        ("port 5300 has no data", ticket, "accepted"),
        ("still nothing at the port", None, "accepted"),
    ]
    assert [r["key"] for r in resends] == keys[1:]
    assert all(r["by"] == world_actor(db) and r["at"] == EVENING for r in resends)
    events = [e["event"] for e in view["lifecycle"]]
    assert events.count("resend_requested") == 2 and events.count("resent") == 2
    assert events.count("customs_accepted") == 3
    audit = db.execute("SELECT actor, reason, detail FROM audit WHERE action = 'licence.resend' ORDER BY id").fetchall()
    assert [a[1] for a in audit] == ["port 5300 has no data", "still nothing at the port"]
    assert json.loads(audit[0][2])["ticket_id"] == ticket and json.loads(audit[0][2])["key"] == keys[1]
    notes = json.loads(_ediops(world, "ticket", "show", ticket, "--json").stdout)["notes"]
    assert any("resend to customs" in n["text"] and "port 5300 has no data" in n["text"] for n in notes)
    assert any(f"{number} accepted" in n["text"] and n["by"] == "engine" for n in notes)
    text = _ediops(world, "licence", number).stdout
    assert "Resends:" in text and "port 5300 has no data" in text


def world_actor(db) -> str:
    return db.execute("SELECT actor FROM audit WHERE action = 'window.run' LIMIT 1").fetchone()[0]


def test_refusals_send_nothing(world, forwarded):
    sim, db, number, batch = forwarded
    posts = sim.stats()["customs"]["posts"]
    unknown = _ediops(world, "resend", number, "00-ZZ-999999", "--reason", "port asks")
    assert unknown.returncode == 1 and "00-ZZ-999999" in unknown.stderr and number not in unknown.stderr
    assert _ediops(world, "resend", number).returncode == 2  # no --reason
    assert _ediops(world, "resend", number, "--reason", "  ").returncode == 2
    assert _ediops(world, "resend", "--batch", "ZZ-20001009-09", "--reason", "x").returncode == 1
    assert _ediops(world, "resend", "--ack", "ZZ-20001009-09", "--reason", "x").returncode == 1
    viewer = world.config_dir / "roles.toml"
    viewer.write_text('default = "viewer"\n', encoding="utf-8")
    refused = _ediops(world, "resend", number, "--reason", "port asks")
    assert refused.returncode == 1 and "may not resend" in refused.stderr
    viewer.unlink()
    assert sim.stats()["customs"]["posts"] == posts
    assert db.execute("SELECT count(*) FROM resends").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM audit WHERE action LIKE '%resend%'").fetchone()[0] == 0


def test_a_batch_and_its_ack(world, forwarded):
    sim, db, number, batch = forwarded
    accepted = [r[0] for r in db.execute("SELECT licence_no FROM licences WHERE batch_id = ?", [batch])]
    result = _ediops(world, "resend", "--batch", batch, "--reason", "issuer asks for the whole batch")
    assert result.returncode == 0, result.stderr
    by_licence = sim.stats(detail=True)["customs"]["by_licence"]
    assert all(len(by_licence[n]) >= 2 for n in accepted)
    acks_before = sim.stats()["issuers"]["ack_keys"]
    result = _ediops(world, "resend", "--ack", batch, "--reason", "issuer lost our receipt")
    assert result.returncode == 0, result.stderr
    assert f"ack of {batch}: delivered" in result.stdout
    assert sim.stats()["issuers"]["ack_keys"] == acks_before + 1
    row = db.execute("SELECT reason, status FROM resends WHERE kind = 'ack'").fetchone()
    assert row == ("issuer lost our receipt", "delivered")


def test_with_a_daemon_the_leader_sends_it(world, forwarded):
    sim, db, number, _ = forwarded
    daemon = world.daemon(now=EVENING)
    daemon.wait_for("took the lease")
    result = _ediops(world, "resend", number, "--reason", "port asks again")
    assert result.returncode == 0, result.stderr
    assert "queued as command" in result.stdout and f"{number}: accepted" in result.stdout
    taken_by = db.execute("SELECT taken_by FROM commands WHERE action = 'resend'").fetchone()[0]
    assert taken_by.startswith("daemon@")
    assert len(_customs_keys(sim, number)) == 2
    assert daemon.stop() == 0
