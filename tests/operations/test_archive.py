"""Years of data (docs/retention.md): the archive case end to end through the real command
line: a dry run, a legal hold, the archive run, the archived licence still found (and
refused for resend), `check`, `backup`, and a second run moving nothing."""

from __future__ import annotations

import json
import sqlite3

import pytest

from ediops import store
from ediops.licensing import findings
from ediops.store import maintenance
from tests.support.records import batch, licence, writeoff

LATER = "2004-06-01T10:00:00+08:00"  # valid_to 2000-12-31 + 1095 days = 2003-12-31: past retention
NUMBERS = [f"00-AA-00000{i}" for i in range(1, 7)]
OWNED = ("licences", "licence_events", "releases", "writeoffs", "findings", "tickets", "ticket_notes")


def _write(path, values) -> str:
    path.write_text("".join(json.dumps(v, ensure_ascii=False) + "\n" for v in values), encoding="utf-8")
    return str(path)


def _count(db_path, table: str, number: str) -> int:
    conn = sqlite3.connect(db_path)
    try:
        if table == "ticket_notes":
            sql = "SELECT count(*) FROM ticket_notes n JOIN tickets t ON t.id = n.ticket_id WHERE t.licence_no = ?"
        else:
            sql = f"SELECT count(*) FROM {table} WHERE licence_no = ?"
        return conn.execute(sql, [number]).fetchone()[0]
    finally:
        conn.close()


@pytest.fixture
def years(cli, tmp_path, db_path):
    """Six licences of 2000: 1 written off late (2001-07-01, still within retention), 2 with a
    closed ticket and a resolved finding, 3 with an open ticket, 4 with an open finding, 5 to
    be held, 6 plain."""
    records = [licence(n) for n in NUMBERS]
    assert cli("ingest", _write(tmp_path / "b.jsonl", [batch(*records)])).returncode == 0
    offs = [
        writeoff("530020000000001", number=NUMBERS[0], released_on="2001-07-01"),
        writeoff("530020000000002", number=NUMBERS[1]),
        writeoff("530020000000006", number=NUMBERS[5]),
    ]
    assert cli("writeoffs", _write(tmp_path / "w.jsonl", offs)).returncode == 0

    def ticket(number: str) -> str:
        made = cli(
            "ticket", "new", "--caller", "Li", "--phone", "021-1", "--org", "5300", "--category", "other",
            "--licence", number, "--text", "where is it", check=True,
        )  # fmt: skip
        return made.stdout.strip()

    closed = ticket(NUMBERS[1])
    cli("ticket", "close", closed, "--note", "answered", check=True)
    ticket(NUMBERS[2])
    db = store.connect(db_path)
    with store.write(db):
        for number in (NUMBERS[1], NUMBERS[3]):
            findings.raise_cause(
                db,
                findings.Cause("URGENT_OVERDUE", f"licence:{number}", licence_no=number),
                at="2000-10-09T17:00:00+08:00",
            )
    resolved = db.execute("SELECT id FROM findings WHERE licence_no = ?", [NUMBERS[1]]).fetchone()[0]
    db.close()
    cli("findings", "resolve", str(resolved), "--note", "sent", check=True)
    return closed


def test_the_archive_case(cli, years, db_path, tmp_path):
    before = {n: {t: _count(db_path, t, n) for t in OWNED} for n in NUMBERS}
    assert before[NUMBERS[1]]["tickets"] == 1 and before[NUMBERS[1]]["ticket_notes"] >= 1
    assert before[NUMBERS[1]]["findings"] == 1 and before[NUMBERS[1]]["writeoffs"] == 1

    # a duty officer may not hold; a supervisor (the bundled roles make root one) may
    duty = tmp_path / "duty"
    duty.mkdir()
    (duty / "roles.toml").write_text('default = "duty"\n')
    refused = cli("--config", str(duty), "licence", NUMBERS[4], "--hold", "--reason", "court", now=LATER)
    assert refused.returncode == 1 and "may not hold" in refused.stderr
    held = cli("licence", NUMBERS[4], "--hold", "--reason", "court order 2004-17", now=LATER)
    assert held.returncode == 0, held.stderr
    assert cli.json("licence", NUMBERS[4], "--json", now=LATER)["legal_hold"]["reason"] == "court order 2004-17"

    dry = cli("archive", "--dry-run", now=LATER)
    assert dry.returncode == 0, dry.stderr
    assert "archive-2000.db: 2 would move of 5 past retention" in dry.stdout
    assert "1 held" in dry.stdout and "1 open finding" in dry.stdout and "1 open ticket" in dry.stdout
    assert {n: {t: _count(db_path, t, n) for t in OWNED} for n in NUMBERS} == before  # a dry run moves nothing

    run = cli("archive", now=LATER)
    assert run.returncode == 0, run.stderr
    assert "archive-2000.db: 2 licence(s) moved" in run.stdout and "longest write lock" in run.stdout
    archive = db_path.parent / "archive-2000.db"
    for n in (NUMBERS[1], NUMBERS[5]):  # gone from the store, every row of them in the archive
        assert all(_count(db_path, t, n) == 0 for t in OWNED)
        assert {t: _count(archive, t, n) for t in OWNED} == before[n]
    for n in (NUMBERS[0], NUMBERS[2], NUMBERS[3], NUMBERS[4]):  # kept whole
        assert {t: _count(db_path, t, n) for t in OWNED} == before[n]
    assert _count(db_path, "forward_items", NUMBERS[1]) == 0

    shown = cli.json("licence", NUMBERS[1], "--json", now=LATER)
    assert shown["archived"] is True and shown["archive"] == "archive-2000.db"
    assert [t["status"] for t in shown["tickets"]] == ["closed"] and shown["findings"][0]["status"] == "resolved"
    assert len(shown["releases"]) == 1 and shown["tally"]["uses"] == 1
    assert cli.json("licence", NUMBERS[0], "--json", now=LATER)["archived"] is False
    text = cli("licence", NUMBERS[1], now=LATER)
    assert "ARCHIVED (archive-2000.db, read-only)" in text.stdout
    statement = cli("licence", NUMBERS[1], "--statement", now=LATER)
    assert "declaration 530020000000002" in statement.stdout

    resend = cli("resend", NUMBERS[1], "--reason", "customs lost it", now=LATER)
    assert resend.returncode == 1 and len(resend.stderr.strip().splitlines()) == 1
    assert "archived (archive-2000.db" in resend.stderr and "nothing was resent" in resend.stderr
    hold_archived = cli("licence", NUMBERS[1], "--hold", "--reason", "late", now=LATER)
    assert hold_archived.returncode == 1 and "is archived" in hold_archived.stderr

    assert cli("check").stdout.strip() == "ok"
    backup = cli("backup", str(tmp_path / "copy.db"))
    assert backup.returncode == 0 and (tmp_path / "copy.archive-2000.db").exists()
    assert maintenance.integrity_problems(tmp_path / "copy.archive-2000.db") == []

    again = cli("archive", now=LATER)
    assert again.returncode == 0 and "nothing to archive (cutoff 2001-06-02)" in again.stdout
    released = cli("licence", NUMBERS[4], "--release-hold", "--reason", "case closed", now=LATER)
    assert released.returncode == 0, released.stderr
    assert "archive-2000.db: 1 licence(s) moved" in cli("archive", now=LATER).stdout

    audit = sqlite3.connect(db_path).execute("SELECT action, actor FROM audit ORDER BY id").fetchall()
    actions = [a for a, _ in audit]
    assert actions.count("store.archive") == 3 and actions.count("store.archive-chunk") == 2
    assert "licence.hold" in actions and "licence.release-hold" in actions


def test_check_reports_an_archive_left_half_done(cli, years, db_path):
    """A licence copied into the archive but not yet deleted (a killed run) is named by
    `check`, and the next run finishes it: moved once, held once."""
    db = store.connect(db_path)
    maintenance.copy_to_archive(db, db_path.parent / "archive-2000.db", [NUMBERS[5], NUMBERS[3]])
    db.close()
    problems = cli("check")
    assert problems.returncode == 1 and "2 licence(s) also in the store" in problems.stdout
    cli("archive", now=LATER, check=True)
    assert cli("check").stdout.strip() == "ok"
    archive = db_path.parent / "archive-2000.db"
    assert _count(archive, "licences", NUMBERS[5]) == 1 and _count(db_path, "licences", NUMBERS[5]) == 0
    assert _count(archive, "licences", NUMBERS[3]) == 0 and _count(db_path, "licences", NUMBERS[3]) == 1


def test_the_monthly_window_archives_as_the_command_does(cli, years, db_path):
    """`ediops run archive` with no leader runs the window's work here (the leader's is the same)."""
    result = cli("run", "archive", "--reason", "month end", now=LATER)
    assert result.returncode == 0, result.stderr
    assert "archived (cutoff 2001-06-02): archive-2000.db 3" in result.stdout
    assert _count(db_path.parent / "archive-2000.db", "licences", NUMBERS[5]) == 1
    assert _count(db_path, "licences", NUMBERS[5]) == 0
