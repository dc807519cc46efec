"""`licence_view`: the one licence view the CLI, the desk and the hotline share."""

import pytest

from ediops.clock import iso
from ediops.licensing.ingest import ingest_batch
from ediops.licensing.writeoffs import apply_writeoffs
from ediops.licensing.licence import add_event, licence_view

from tests.support.records import NOW, batch, licence, writeoff


def test_view_holds_fields_timeline_releases_tally_findings_and_tickets(db, config):
    ingest_batch(db, config, batch(licence(quantity="10", one_batch=True)), now=NOW, source="test")
    apply_writeoffs(db, config, [writeoff("D1", quantity="6"), writeoff("D2", quantity="6")], now=NOW, source="test")
    db.execute(
        "INSERT INTO tickets (id, caller, phone, org, category, priority, licence_no, status, text, "
        "opened_by, opened_at, updated_at) VALUES ('T-1', 'Wang', '010', 'Port customs', 'writeoff', "
        "'high', '00-AA-000001', 'open', 'two releases?', 'duty1', ?, ?)",
        [iso(NOW), iso(NOW)],
    )
    view = licence_view(db, "00-AA-000001", now=NOW)
    assert view["licence"]["one_batch"] is True and view["licence"]["agents"] == ["4403120001"]
    assert [e["event"] for e in view["events"]] == ["received", "released", "released"]
    assert [r["slot"] for r in view["releases"]] == [1, 2]
    assert view["tally"] == {
        "licensed": "10.000",
        "used": "12.000",
        "remaining": "-2.000",
        "unit": "TNE",
        "uses": 2,
        "max_uses": 12,
    }
    assert sorted(f["code"] for f in view["findings"]) == ["ONE_BATCH_REUSED", "OVER_QUANTITY"]
    assert [t["id"] for t in view["tickets"]] == ["T-1"]


def test_unknown_licence_has_no_view(db):
    assert licence_view(db, "00-AA-000404", now=NOW) is None


def test_add_event_knows_the_lifecycle(db):
    add_event(db, "00-AA-000001", "phoned", at=iso(NOW), actor="duty1", detail={"to": "customs"})
    with pytest.raises(ValueError):
        add_event(db, "00-AA-000001", "teleported", at=iso(NOW))
