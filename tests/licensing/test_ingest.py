"""Ingesting batches and summaries: acks, idempotent resends, conflicts, stored text."""

import json

import pytest

from ediops.licensing.ingest import ingest_batch, ingest_summary
from ediops.errors import InputError

from tests.support.records import NOW, batch, licence

HOSTILE = "[/] [link=http://evil.example]x[/link] \x1b[31mred\x1b]0;title\x07 \u202egnp.exe \x9b2J"


def _open(db, code):
    return db.execute(
        "SELECT subject, detail FROM findings WHERE code = ? AND status = 'open' ORDER BY id", [code]
    ).fetchall()


def test_accepted_batch_makes_its_ack_row(db, config):
    ack = ingest_batch(db, config, batch(licence(), licence("00-AA-000002")), now=NOW, source="test")
    assert ack == {
        "batch_id": "AA-20001009-01",
        "issuer": "AA",
        "received_at": "2000-10-09T16:55:00+08:00",
        "declared_count": 2,
        "received_count": 2,
        "accepted": ["00-AA-000001", "00-AA-000002"],
        "rejected": [],
    }
    body, key, delivered = db.execute("SELECT body, idempotency_key, delivered_at FROM acks").fetchone()
    assert json.loads(body) == ack and len(key) >= 32 and delivered is None
    assert db.execute("SELECT state, business_date, urgent FROM licences ORDER BY licence_no").fetchall() == [
        ("received", "2000-10-09", 0),
        ("received", "2000-10-09", 0),
    ]
    assert db.execute("SELECT event FROM licence_events").fetchall() == [("received",), ("received",)]


def test_identical_resend_is_idempotent(db, config):
    first = ingest_batch(db, config, batch(licence()), now=NOW, source="test")
    key = db.execute("SELECT idempotency_key FROM acks").fetchone()
    again = ingest_batch(db, config, batch(licence()), now=NOW.replace(hour=17), source="test")
    assert again == first
    assert db.execute("SELECT idempotency_key FROM acks").fetchone() == key
    assert db.execute("SELECT times_received FROM batches").fetchone() == (2,)
    assert db.execute("SELECT count(*) FROM licence_events").fetchone() == (1,)


def test_same_licence_in_another_batch_is_accepted_once(db, config):
    ingest_batch(db, config, batch(licence(), kind="urgent", batch_id="AA-U1"), now=NOW, source="test")
    ack = ingest_batch(db, config, batch(licence(), licence(), batch_id="AA-D1"), now=NOW, source="test")
    assert ack["accepted"] == ["00-AA-000001"] and ack["rejected"] == []
    assert db.execute("SELECT batch_id, urgent FROM licences").fetchall() == [("AA-U1", 1)]


def test_changed_resend_gets_a_new_ack_and_keeps_what_was_accepted(db, config):
    ingest_batch(db, config, batch(licence()), now=NOW, source="test")
    key = db.execute("SELECT idempotency_key FROM acks").fetchone()
    ack = ingest_batch(db, config, batch(licence(country="KR"), licence("00-AA-000002")), now=NOW, source="test")
    assert ack["accepted"] == ["00-AA-000002"]
    assert ack["rejected"] == [{"licence_no": "00-AA-000001", "reasons": ["DUPLICATE_CONFLICT"]}]
    assert db.execute("SELECT country FROM licences WHERE licence_no = '00-AA-000001'").fetchone() == ("JP",)
    keys = db.execute("SELECT idempotency_key FROM acks ORDER BY id").fetchall()
    assert keys[0] == key and len(keys) == 2  # one ack per batch version (docs/safeguards.md)
    assert db.execute("SELECT count(*) FROM batches").fetchone() == (1,)


def test_equal_quantities_spelled_differently_are_identical(db, config):
    ingest_batch(db, config, batch(licence(quantity="1000")), now=NOW, source="test")
    ack = ingest_batch(db, config, batch(licence(quantity="1000.0"), batch_id="B2"), now=NOW, source="test")
    assert ack["accepted"] == ["00-AA-000001"]


def test_urgent_batch_marks_every_licence_urgent(db, config):
    ingest_batch(db, config, batch(licence(), kind="urgent"), now=NOW, source="test")
    assert db.execute("SELECT urgent FROM licences").fetchone() == (1,)


def test_bad_header_rejects_every_record(db, config):
    ack = ingest_batch(db, config, {**batch(licence()), "business_date": "yesterday"}, now=NOW, source="test")
    assert ack["rejected"] == [{"licence_no": "00-AA-000001", "reasons": ["BAD_VALUE"]}]
    assert db.execute("SELECT count(*) FROM licences").fetchone() == (0,)


@pytest.mark.parametrize("garbage", [[1, 2], {"records": []}, {"batch_id": "X", "records": "none"}])
def test_unacknowledgeable_batch_changes_nothing(db, config, garbage):
    with pytest.raises(InputError):
        ingest_batch(db, config, garbage, now=NOW, source="test")
    assert db.execute("SELECT count(*) FROM batches").fetchone() == (0,)


def test_hostile_text_is_stored_as_received(db, config):
    record = licence(trader={"code": "1100000001", "name": HOSTILE}, remarks=HOSTILE)
    ingest_batch(db, config, batch(record), now=NOW, source="test")
    assert db.execute("SELECT trader_name, remarks FROM licences").fetchone() == (HOSTILE, HOSTILE)
    assert json.loads(db.execute("SELECT record FROM licences").fetchone()[0]) == record


def test_rejected_licence_accepted_later_closes_its_finding(db, config):
    ingest_batch(db, config, batch(licence(unit="XXX")), now=NOW, source="test")
    assert [s for s, _ in _open(db, "RECORD_REJECTED")] == ["licence:00-AA-000001"]
    ingest_batch(db, config, batch(licence(), batch_id="B2"), now=NOW, source="test")
    assert _open(db, "RECORD_REJECTED") == []


def test_summary_is_stored_and_replaced(db, config):
    ingest_summary(
        db,
        config,
        {"issuer": "AA", "business_date": "2000-10-09", "licence_nos": ["00-AA-000001"]},
        now=NOW,
        source="test",
    )
    ingest_summary(
        db, config, {"issuer": "AA", "business_date": "2000-10-09", "licence_nos": []}, now=NOW, source="test"
    )
    assert db.execute("SELECT licence_nos FROM summaries").fetchall() == [("[]",)]


@pytest.mark.parametrize(
    "summary",
    [
        [],
        {"issuer": "A", "business_date": "2000-10-09", "licence_nos": []},
        {"issuer": "AA", "business_date": "2000-10-32", "licence_nos": []},
    ],
)
def test_bad_summary_is_refused(db, config, summary):
    with pytest.raises(InputError):
        ingest_summary(db, config, summary, now=NOW, source="test")
    assert db.execute("SELECT count(*) FROM summaries").fetchone() == (0,)
