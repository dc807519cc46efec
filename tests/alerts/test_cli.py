"""`ediops alerts [--open] [--json]`, `alerts ack ID --note`, `alerts test CHANNEL` as real
commands: exactly the JSON fields of docs/alerts.md, exit 1 with one line for a closed or unknown
alert and for a channel that fails, and no channel URL (nor its secret) anywhere it could leak."""

from __future__ import annotations

import json
import os

from ediops.store import alerts as store
from ediops.store import write
from tests.alerts.harness import alerts_toml

FIELDS = {
    "id",
    "code",
    "subject",
    "licence_no",
    "issuer",
    "batch_id",
    "status",
    "opened_at",
    "closed_at",
    "steps_sent",
    "acknowledged_by",
    "acknowledged_at",
    "notifications",
}
NOW = "2000-10-09T18:00:00+08:00"
SECRET = "Tok3nSecret98765"


def seed(db) -> None:
    with write(db):
        for n, status in enumerate(("open", "closed"), 1):
            alert = store.insert(
                db,
                {
                    "rule": "FEED_LATE",
                    "code": "FEED_LATE",
                    "subject": f"issuer:A{n}:2000-10-09",
                    "issuer": f"A{n}",
                    "since": NOW,
                    "status": status,
                    "opened_at": NOW,
                    "closed_at": NOW if status == "closed" else None,
                    "steps_sent": 1,
                },
            )
            store.add_intent(db, alert, step=1, round_=0, channel="duty", due_at=NOW, at=NOW)
        ids = [r["id"] for r in store.pending(db, NOW)]
        store.record_attempts(db, ids, [(NOW, "failed", "refused"), (NOW, "sent", None)])
        store.mark_sent(db, ids, at=NOW, tries=2)


def config_dir(tmp_path, url_env: str = "EDIOPS_ALERT_DUTY_URL"):
    folder = tmp_path / "config"
    folder.mkdir()
    rules = [{"codes": ["FEED_LATE"], "steps": [(0, ["duty"])]}]
    (folder / "alerts.toml").write_text(alerts_toml({"duty": url_env}, rules))
    return folder


def test_the_listing_has_exactly_the_contracts_fields(db, cli):
    seed(db)
    listed = cli.json("alerts", "--json")
    assert [a["status"] for a in listed] == ["open", "closed"]
    assert all(set(a) == FIELDS for a in listed)
    assert listed[0]["notifications"] == [
        {"channel": "duty", "step": 1, "at": NOW, "outcome": "failed", "error": "refused"},
        {"channel": "duty", "step": 1, "at": NOW, "outcome": "sent", "error": None},
    ]
    assert [a["status"] for a in cli.json("alerts", "--open", "--json")] == ["open"]
    text = cli("alerts", check=True).stdout
    assert "FEED_LATE" in text and "issuer:A1:2000-10-09" in text


def test_ack_is_audited_and_refuses_a_closed_or_unknown_alert(db, cli):
    seed(db)
    assert cli("alerts", "ack", "1", "--note", "issuer phoned: batch on its way", check=True).returncode == 0
    row = db.execute("SELECT action, subject, reason FROM audit WHERE action = 'alert.ack'").fetchone()
    assert row == ("alert.ack", "alert:1", "issuer phoned: batch on its way")
    closed = cli("alerts", "ack", "2", "--note", "x")
    assert closed.returncode == 1 and "alert 2 is closed" in closed.stderr and len(closed.stderr.splitlines()) == 1
    unknown = cli("alerts", "ack", "99", "--note", "x")
    assert unknown.returncode == 1 and "alert 99 does not exist" in unknown.stderr
    assert cli("alerts", "ack", "1").returncode == 2  # --note is required
    assert db.execute("SELECT count(*) FROM audit WHERE action = 'alert.ack'").fetchone()[0] == 1


def test_ack_is_refused_to_a_viewer(db, cli, tmp_path):
    seed(db)
    folder = config_dir(tmp_path)
    (folder / "roles.toml").write_text('default = "viewer"\n')
    os.chmod(folder / "roles.toml", 0o644)
    refused = cli("alerts", "ack", "1", "--note", "x", "--config", str(folder))
    assert refused.returncode == 1 and "may not alert-ack" in refused.stderr
    assert db.execute("SELECT status FROM alerts WHERE id = 1").fetchone()[0] == "open"
    assert db.execute("SELECT count(*) FROM audit").fetchone()[0] == 0


def test_a_test_message_goes_through_the_channel_or_says_why_not(db_path, cli, sink, tmp_path):
    folder = config_dir(tmp_path)
    env = {"EDIOPS_ALERT_DUTY_URL": sink.url("duty") + f"?token={SECRET}"}
    sent = cli("alerts", "test", "duty", "--config", str(folder), env=env)
    assert sent.returncode == 0, sent.stderr
    (message,) = sink.messages("duty")
    assert "test of channel duty" in message["title"]

    sink.control(refuse=["duty"])
    failed = cli("alerts", "test", "duty", "--config", str(folder), env=env)
    assert failed.returncode == 1 and "channel duty ($EDIOPS_ALERT_DUTY_URL)" in failed.stderr
    unset = cli("alerts", "test", "duty", "--config", str(folder), env={"EDIOPS_ALERT_DUTY_URL": ""})
    assert unset.returncode == 1 and "EDIOPS_ALERT_DUTY_URL is not set" in unset.stderr
    unknown = cli("alerts", "test", "pager", "--config", str(folder))
    assert unknown.returncode == 1 and "no channel 'pager'" in unknown.stderr
    for result in (sent, failed, unset, unknown):
        assert SECRET not in result.stdout + result.stderr
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("ediops.db*"))
    assert stored and SECRET.encode() not in stored
    outcomes = [
        json.loads(d)["outcome"] for (d,) in _rows(db_path, "SELECT detail FROM audit WHERE action = 'alert.test'")
    ]
    assert outcomes == ["sent", "failed"]


def _rows(path, sql):
    import sqlite3

    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


def test_a_run_with_no_daemon_leads_for_its_while_and_raises_the_alerts(cli):
    """`ediops run` takes the lease when no leader holds it: its alert pass runs too."""
    from tests.alerts.harness import DATA

    cli("ingest", str(DATA / "aa_urgent.json"), now="2000-10-09T16:51:00+08:00", check=True)
    run = cli("run", "reconcile", now="2000-10-09T17:10:00+08:00", check=True)
    assert "EDIOPS_ALERT" not in run.stderr  # unset channels are the journal's news, not a command's
    (alert,) = cli.json("alerts", "--json")
    assert (alert["code"], alert["licence_no"], alert["status"]) == ("URGENT_OVERDUE", "00-AA-000101", "open")
