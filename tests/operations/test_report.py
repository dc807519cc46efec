"""`ediops report` (docs/operations.md): the shift handover over (from, to], default the shift
running now on the configured boundaries, as text, CSV and one JSON object with the contract's
fields; times in the text as the centre writes them."""

from __future__ import annotations

import csv
import io
import json

import pytest

from ediops import store
from ediops.config import BUNDLED
from tests.conftest import Cli
from tests.support.records import batch, licence

SHIFT_END = "2000-10-09T22:00:00+08:00"
FIELDS = {
    "urgent": {"received", "accepted", "overdue", "median_minutes", "max_minutes"},
    "feeds": {"late", "failing"},
    "findings": {"opened", "resolved", "open_at_end"},
    "tickets": {"opened", "closed", "open_at_end"},
    "windows": {"runs", "failed"},
    "alerts": {"raised", "acknowledged", "unacknowledged"},
}


def _ingest(cli, tmp_path, name: str, body: dict, now: str) -> dict:
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(body))
    return cli.json("ingest", str(path), now=now)


@pytest.fixture(scope="module")
def shift(tmp_path_factory):
    """A shift 14:00-22:00 with what a duty officer hands over, and events either side of it
    (made once: the tests only read it)."""
    tmp_path = tmp_path_factory.mktemp("shift")
    db_path = tmp_path / "ediops.db"
    cli = Cli(db_path, now=None)
    settings = (BUNDLED / "settings.toml").read_text(encoding="utf-8")
    assert 'shift_starts = ["08:00", "16:00", "00:00"]' in settings
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "settings.toml").write_text(
        settings.replace('shift_starts = ["08:00", "16:00", "00:00"]', 'shift_starts = ["06:00", "14:00", "22:00"]')
    )
    cli.config = str(tmp_path / "config")
    urgent = [licence(f"00-AA-00010{i}") for i in range(4)]
    for i, rec in enumerate(urgent):
        at = ["2000-10-09T13:50:00+08:00", "2000-10-09T15:00:00+08:00", "2000-10-09T16:00:00+08:00", SHIFT_END][i]
        _ingest(cli, tmp_path, f"u{i}", batch(rec, batch_id=f"AA-20001009-U{i}", kind="urgent"), now=at)
    db = store.connect(db_path)
    with store.write(db):  # customs' answers, as the engine records them
        for number, answered in (("00-AA-000100", "14:01"), ("00-AA-000101", "15:10"), ("00-AA-000102", "16:30")):
            db.execute(
                "UPDATE licences SET state = 'accepted', customs_answer = 'accepted', customs_answered_at = ? "
                "WHERE licence_no = ?",
                [f"2000-10-09T{answered}:00+08:00", number],
            )
        db.execute(
            "INSERT INTO window_runs (window, occurrence, started_at, finished_at, outcome, detail) VALUES "
            "('forward-customs', '2000-10-09T15:00:00+08:00', '2000-10-09T15:00:01+08:00', "
            "'2000-10-09T15:00:09+08:00', 'failed', 'PeerError: customs: 503'), "
            "('reconcile', '2000-10-09T12:45:00+08:00', '2000-10-09T12:45:00+08:00', "
            "'2000-10-09T12:45:02+08:00', 'ok', 'before the shift')"
        )
    db.close()
    bad = batch(licence("00-AA-000200", quantity=12), batch_id="AA-20001009-07")  # a number: BAD_VALUE
    _ingest(cli, tmp_path, "bad", bad, now="2000-10-09T17:00:00+08:00")
    opened = cli("ticket", "new", "--caller", "Wang", "--phone", "010-1234", "--org", "Port", "--category",
                 "other", "--text", "where is it", now="2000-10-09T18:00:00+08:00", check=True)  # fmt: skip
    cli("ticket", "close", opened.stdout.strip(), "--note", "found", now="2000-10-09T19:00:00+08:00", check=True)
    cli("ticket", "new", "--caller", "Li", "--phone", "010-5678", "--org", "Port", "--category", "other",
        "--text", "still open", now="2000-10-09T20:00:00+08:00", check=True)  # fmt: skip
    return cli


def test_the_json_report_has_the_contract_fields_and_counts_the_shift(shift):
    report = shift.json("report", "--config", shift.config, "--format", "json", now=SHIFT_END)
    assert (report["from"], report["to"]) == ("2000-10-09T14:00:00+08:00", SHIFT_END)  # the shift 14:00-22:00
    assert report["ends"] is None  # over
    assert {k: set(report[k]) for k in FIELDS} == FIELDS
    # received 15:00, 16:00 and 22:00 (the end counts); accepted 15:10 and 16:30 (14:01 too: (from, to])
    assert report["urgent"] == {
        "received": 3,
        "accepted": 3,
        "overdue": 1,  # 16:00 + 15 min: accepted at 16:30, late; 22:00's deadline is after the shift
        "median_minutes": 11.0,
        "max_minutes": 30.0,
    }
    assert report["findings"]["opened"].get("RECORD_REJECTED") == 1
    assert report["tickets"] == {"opened": 2, "closed": 1, "open_at_end": 1}
    assert report["windows"]["runs"] == [
        {"window": "forward-customs", "occurrence": "2000-10-09T15:00:00+08:00", "outcome": "failed"}
    ]
    assert [r["detail"] for r in report["windows"]["failed"]] == ["PeerError: customs: 503"]
    assert report["alerts"] == {"raised": 0, "acknowledged": 0, "unacknowledged": 0}
    actions = [a["action"] for a in report["operator_actions"]]
    assert actions.count("ticket.open") == 2 and "ticket.close" in actions
    assert all(a["by"] and a["at"] for a in report["operator_actions"])


def test_from_and_to_choose_the_window(shift):
    early = shift.json(
        "report", "--from", "2000-10-09T13:00:00+08:00", "--to", "2000-10-09T14:30:00+08:00", "--format", "json"
    )
    assert early["urgent"]["received"] == 1 and early["urgent"]["median_minutes"] == 11.0
    assert early["tickets"] == {"opened": 0, "closed": 0, "open_at_end": 0}
    backwards = shift("report", "--from", SHIFT_END, "--to", "2000-10-09T14:00:00+08:00")
    assert backwards.returncode == 1 and "is not before" in backwards.stderr


def test_text_and_csv_say_the_same(shift):
    text = shift("report", "--config", shift.config, now=SHIFT_END, check=True).stdout
    assert text.startswith("Shift report 2000-10-09 14:00 to 22:00\n")
    assert "Urgent licences: 3 received, 3 accepted by customs, 1 overdue" in text
    assert "Tickets: 2 opened, 1 closed, 1 open at the end" in text
    assert "FAILED forward-customs 2000-10-09 15:00: PeerError: customs: 503" in text
    csv_out = shift("report", "--config", shift.config, "--format", "csv", now=SHIFT_END, check=True).stdout
    rows = list(csv.reader(io.StringIO(csv_out)))
    assert rows[0] == ["section", "item", "value"]
    values = {(r[0], r[1]): r[2] for r in rows[1:]}
    assert values[("urgent", "received")] == "3" and values[("tickets", "open_at_end")] == "1"
    assert values[("window run", "forward-customs 2000-10-09T15:00:00+08:00")] == "failed"


def test_outside_text_in_csv_never_becomes_a_formula(cli, db_path):
    cli("ticket", "new", "--caller", "Li", "--phone", "010-1234", "--org", "Port", "--category", "other",
        "--text", "x", check=True)  # fmt: skip
    db = store.connect(db_path)
    with store.write(db):
        db.execute("UPDATE audit SET actor = '=HYPERLINK(\"http://x\")'")
    db.close()
    rows = list(csv.reader(io.StringIO(cli("report", "--format", "csv", check=True).stdout)))
    [action] = [row for row in rows if row[0] == "operator action"]
    assert action[2].startswith("'=HYPERLINK(")


def test_the_default_report_is_the_centres_shift_on_its_configured_boundaries(shift):
    """08:00, 16:00, 00:00 (the bundled shift_starts): at 21:00 the shift is 16:00 so far, the one
    before 08:00 to 16:00, and the night shift ends at 00:00 the next day (issue 24, item 7)."""
    now = shift("report", now="2000-10-09T21:00:00+08:00", check=True).stdout.splitlines()
    assert now[0] == "Shift report 2000-10-09 16:00 to 21:00 (so far; ends 00:00)"
    assert all(len(line) <= 80 for line in now if not line.startswith("  ")), now
    before = shift.json("report", "--shift", "1", "--format", "json", now="2000-10-09T21:00:00+08:00")
    assert (before["from"], before["to"], before["ends"]) == (
        "2000-10-09T08:00:00+08:00",
        "2000-10-09T16:00:00+08:00",
        None,
    )
    night = shift("report", "--shift", "1", now="2000-10-10T03:00:00+08:00", check=True).stdout
    assert night.startswith("Shift report 2000-10-09 16:00 to 2000-10-10 00:00\n")
    assert "T" not in night.splitlines()[0] and "+08:00" not in night
