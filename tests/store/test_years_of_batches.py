"""The desk's reads that the years would slow (docs/retention.md: batches are kept): each
issuer's last batch is found by index lookups, never by reading every batch ever received."""

from __future__ import annotations

from ediops import store
from ediops.store import reads


def test_last_batches_reads_by_index_and_answers_as_before(db):
    assert reads.last_batches(db) == {}
    with store.write(db):
        db.conn.executemany(
            "INSERT INTO batches (batch_id, issuer, business_date, kind, record_count, received_count, "
            "accepted_count, rejected_count, received_at, source) VALUES (?, ?, ?, 'daily', 1, 1, 1, 0, ?, 'test')",
            [
                (
                    f"{issuer}-{year}{day:04d}-01",
                    issuer,
                    f"{year}-01-01",
                    f"{year}-01-{day % 28 + 1:02d}T10:00:00+08:00",
                )
                for issuer in ("AA", "AB", "ZZ")
                for year in (2000, 2001, 2004)
                for day in range(20)
            ],
        )
    grouped = {r[0]: r[1] for r in db.execute("SELECT issuer, max(received_at) FROM batches GROUP BY issuer")}
    assert reads.last_batches(db) == grouped == {i: "2004-01-20T10:00:00+08:00" for i in ("AA", "AB", "ZZ")}
    plan = " | ".join(r[3] for r in db.execute("EXPLAIN QUERY PLAN " + reads._LAST_BATCHES))
    assert "SCAN batches" not in plan and "SEARCH b USING COVERING INDEX batches_issuer_received (issuer=?)" in plan
