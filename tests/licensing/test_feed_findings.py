"""The feed, ack, customs and reconciliation findings of docs/findings.md, one test per code. The engine's
part (acks delivered, forwards, peer health) is played by writing those tables directly."""

from datetime import timedelta

from ediops.licensing import findings, rules
from ediops.clock import iso
from ediops.licensing.customs_answers import record_customs_answer
from ediops.licensing.ingest import ingest_batch, ingest_summary
from ediops.licensing.reconcile import check_deadlines, reconcile

from tests.support.records import NOW, batch, licence

MINUTE = timedelta(minutes=1)


def _open(db, code):
    return [
        r[0]
        for r in db.execute(
            "SELECT subject FROM findings WHERE status = 'open' AND code = ? ORDER BY subject", [code]
        ).fetchall()
    ]


def _forward(db, key, *numbers, at=NOW):
    db.execute(
        "INSERT INTO forwards (idempotency_key, created_at, urgent, licence_count) VALUES (?, ?, 0, ?)",
        [key, iso(at), len(numbers)],
    )
    for number in numbers:
        db.execute("INSERT INTO forward_items VALUES (?, ?)", [key, number])
        db.execute(
            "UPDATE licences SET state = 'forwarded', forward_key = ?, forwarded_at = ? WHERE licence_no = ?",
            [key, iso(at), number],
        )


def test_RECORD_REJECTED(db, config):
    """docs/findings.md and notice clause 4 (每日务必审核EDI中心反馈的上报数据接收情况): each rejected record is
    flagged with its reasons; one that shows no licence number is flagged on its batch."""
    ingest_batch(db, config, batch(licence(unit="XXX"), ["garbage"]), now=NOW, source="test")
    assert _open(db, "RECORD_REJECTED") == ["batch:AA-20001009-01", "licence:00-AA-000001"]
    detail = db.execute("SELECT detail FROM findings WHERE subject = 'licence:00-AA-000001'").fetchone()[0]
    assert '"reasons":["BAD_VALUE"]' in detail and "unit" in detail


def test_BATCH_COUNT_MISMATCH(db, config):
    """Notice clause 4 (与上报数据进行核对): record_count differs from the records received;
    closes when a corrected resend of the batch arrives."""
    ingest_batch(db, config, batch(licence(), record_count=3), now=NOW, source="test")
    assert _open(db, "BATCH_COUNT_MISMATCH") == ["batch:AA-20001009-01"]
    ingest_batch(db, config, batch(licence()), now=NOW, source="test")
    assert _open(db, "BATCH_COUNT_MISMATCH") == []


def test_MISSING_FROM_FEED(db, config):
    """Notice clause 4 (每日务必及时将当日签发的许可证电子数据全部上报): in the issuer's summary but
    never received; closes when the licence arrives."""
    summary = {"issuer": "AA", "business_date": "2000-10-09", "licence_nos": ["00-AA-000001", "00-AA-000002"]}
    ingest_batch(db, config, batch(licence()), now=NOW, source="test")
    ingest_summary(db, config, summary, now=NOW, source="test")
    assert _open(db, "MISSING_FROM_FEED") == ["licence:00-AA-000002"]
    ingest_batch(db, config, batch(licence("00-AA-000002"), batch_id="AA-2"), now=NOW, source="test")
    assert _open(db, "MISSING_FROM_FEED") == []


def test_NOT_IN_SUMMARY(db, config):
    """Notice clause 4 (并与上报数据进行核对): received for a business date, absent from that date's
    summary; a corrected summary closes it."""
    ingest_batch(db, config, batch(licence(), licence("00-AA-000002")), now=NOW, source="test")
    ingest_batch(
        db, config, batch(licence("00-AA-000003"), business_date="2000-10-08", batch_id="AA-8"), now=NOW, source="test"
    )
    summary = {"issuer": "AA", "business_date": "2000-10-09", "licence_nos": ["00-AA-000001"]}
    ingest_summary(db, config, summary, now=NOW, source="test")
    assert _open(db, "NOT_IN_SUMMARY") == ["licence:00-AA-000002"]
    summary["licence_nos"].append("00-AA-000002")
    ingest_summary(db, config, summary, now=NOW, source="test")
    assert _open(db, "NOT_IN_SUMMARY") == []


def test_FEED_LATE(db, config):
    """Notice clause 4 (每日务必及时...上报): no daily batch from a configured issuer by its cutoff
    (AA: 17:00). An urgent batch is not the daily one; the daily batch closes it."""
    ingest_batch(db, config, batch(licence(), kind="urgent", batch_id="AA-U"), now=NOW, source="test")
    reconcile(db, config, now=NOW.replace(hour=17, minute=0))
    assert "issuer:AA:2000-10-09" not in _open(db, "FEED_LATE")
    reconcile(db, config, now=NOW.replace(hour=17, minute=1))
    assert "issuer:AA:2000-10-09" in _open(db, "FEED_LATE")
    assert "issuer:AD:2000-10-09" not in _open(db, "FEED_LATE")  # AD's cutoff is 18:00
    ingest_batch(db, config, batch(licence("00-AA-000002")), now=NOW, source="test")
    assert "issuer:AA:2000-10-09" not in _open(db, "FEED_LATE")


def test_FEED_UNREACHABLE(db, config):
    """Notice clause 2 (必须及时传送和接收许可证电子数据): an issuer's feed failing for longer than
    feed_grace_minutes (30)."""
    db.execute("INSERT INTO peer_health (peer, failing_since) VALUES ('issuer AB', ?)", [iso(NOW)])
    reconcile(db, config, now=NOW + 30 * MINUTE)
    assert _open(db, "FEED_UNREACHABLE") == []
    reconcile(db, config, now=NOW + 31 * MINUTE)
    assert _open(db, "FEED_UNREACHABLE") == ["issuer:AB"]
    db.execute("UPDATE peer_health SET failing_since = NULL, last_ok_at = ?", [iso(NOW + 32 * MINUTE)])
    reconcile(db, config, now=NOW + 33 * MINUTE)
    assert _open(db, "FEED_UNREACHABLE") == []


def test_ACK_UNDELIVERED(db, config):
    """Notice clause 4 (每日务必审核EDI中心反馈的上报数据接收情况): the acknowledgement was not taken
    within ack_grace_minutes (30); closes once delivered."""
    ingest_batch(db, config, batch(licence()), now=NOW, source="test")
    reconcile(db, config, now=NOW + 30 * MINUTE)
    assert _open(db, "ACK_UNDELIVERED") == []
    reconcile(db, config, now=NOW + 31 * MINUTE)
    assert _open(db, "ACK_UNDELIVERED") == ["batch:AA-20001009-01"]
    db.execute("UPDATE acks SET delivered_at = ?", [iso(NOW + 32 * MINUTE)])
    reconcile(db, config, now=NOW + 33 * MINUTE)
    assert _open(db, "ACK_UNDELIVERED") == []


def test_URGENT_OVERDUE(db, config):
    """Notice clause 4 (急证要随时上报，并电话通知EDI中心随时传送海关): an urgent licence not accepted
    by customs within 15 minutes of its receipt; customs' acceptance closes it."""
    ingest_batch(db, config, batch(licence(), kind="urgent"), now=NOW, source="test")
    ingest_batch(db, config, batch(licence("00-AA-000002"), batch_id="D"), now=NOW, source="test")
    reconcile(db, config, now=NOW + 15 * MINUTE)
    assert _open(db, "URGENT_OVERDUE") == []
    _forward(db, "K1", "00-AA-000001")
    reconcile(db, config, now=NOW + 16 * MINUTE)
    assert _open(db, "URGENT_OVERDUE") == ["licence:00-AA-000001"]
    record_customs_answer(db, "K1", {"accepted": ["00-AA-000001"], "rejected": []}, now=NOW + 17 * MINUTE)
    assert _open(db, "URGENT_OVERDUE") == []
    reconcile(db, config, now=NOW + 18 * MINUTE)
    assert _open(db, "URGENT_OVERDUE") == []


def test_CUSTOMS_UNACKED(db, config):
    """Notice clause 2 (必须及时传送和接收): forwarded, no answer within customs_unacked_minutes (60)."""
    ingest_batch(db, config, batch(licence(), licence("00-AA-000002")), now=NOW, source="test")
    _forward(db, "K1", "00-AA-000001", "00-AA-000002")
    reconcile(db, config, now=NOW + 60 * MINUTE)
    assert _open(db, "CUSTOMS_UNACKED") == []
    reconcile(db, config, now=NOW + 61 * MINUTE)
    assert _open(db, "CUSTOMS_UNACKED") == ["licence:00-AA-000001", "licence:00-AA-000002"]
    record_customs_answer(db, "K1", {"accepted": ["00-AA-000001"]}, now=NOW + 62 * MINUTE)
    reconcile(db, config, now=NOW + 63 * MINUTE)
    assert _open(db, "CUSTOMS_UNACKED") == ["licence:00-AA-000002"]


def test_CUSTOMS_REJECTED(db, config):
    """Notice clause 2 (海关...及时接收许可证电子数据): customs refused the licence; the answer is
    applied once, and a later acceptance closes it."""
    ingest_batch(db, config, batch(licence(), licence("00-AA-000002")), now=NOW, source="test")
    _forward(db, "K1", "00-AA-000001", "00-AA-000002")
    answer = {"accepted": ["00-AA-000002"], "rejected": [{"licence_no": "00-AA-000001", "reason": "HS unknown"}]}
    record_customs_answer(db, "K1", answer, now=NOW)
    record_customs_answer(db, "K1", answer, now=NOW + MINUTE)
    assert _open(db, "CUSTOMS_REJECTED") == ["licence:00-AA-000001"]
    states = db.execute("SELECT licence_no, state, customs_reason FROM licences ORDER BY licence_no").fetchall()
    assert states == [("00-AA-000001", "rejected", "HS unknown"), ("00-AA-000002", "accepted", None)]
    events = db.execute("SELECT event FROM licence_events WHERE event LIKE 'customs%' ORDER BY id").fetchall()
    assert events == [("customs_accepted",), ("customs_rejected",)]
    assert db.execute("SELECT status FROM forwards").fetchone() == ("answered",)
    _forward(db, "K2", "00-AA-000001")
    record_customs_answer(db, "K2", {"accepted": ["00-AA-000001"]}, now=NOW + 2 * MINUTE)
    assert _open(db, "CUSTOMS_REJECTED") == []


def test_operator_resolution_is_audited_and_stands(db, config):
    """docs/findings.md: resolved by an operator with a note (audited); the operator's word stands."""
    ingest_batch(db, config, batch(licence(), record_count=3), now=NOW, source="test")
    (finding_id,) = db.execute("SELECT id FROM findings").fetchone()
    findings.resolve(db, finding_id, note="issuer confirmed 1 record", at=iso(NOW), actor="duty1")
    assert db.execute("SELECT actor, action, reason FROM audit").fetchall() == [
        ("duty1", "finding.resolve", "issuer confirmed 1 record")
    ]
    ingest_batch(db, config, batch(licence(), record_count=4), now=NOW, source="test")
    assert db.execute("SELECT status, closed_by FROM findings").fetchone() == ("resolved", "duty1")


def test_every_code_has_its_test():
    from . import test_writeoff_findings

    names = set(globals()) | set(vars(test_writeoff_findings))
    assert {f"test_{code}" for code in rules.CODES} <= names


def test_check_deadlines_flags_overdue_urgent_licences_without_a_full_reconcile(db, config):
    ingest_batch(db, config, batch(licence(), kind="urgent"), now=NOW, source="test")
    check_deadlines(db, config, now=NOW + 16 * MINUTE)
    assert _open(db, "URGENT_OVERDUE") == ["licence:00-AA-000001"]
    assert _open(db, "FEED_LATE") == []
