"""Small builders shared by the engine tests."""

from __future__ import annotations

import json

from ediops.store import write


def put_licence(
    db,
    licence_no: str,
    *,
    state: str = "received",
    urgent: bool = False,
    forward_key: str | None = None,
    at: str = "2000-10-09T10:00:00+08:00",
) -> None:
    """A stored, accepted licence with just enough fields for the engine's queries."""
    record = {"licence_no": licence_no, "urgent": urgent}
    with write(db):
        db.execute(
            "INSERT INTO licences (licence_no, issuer, batch_id, business_date, direction, issued_on, "
            "trader_code, trader_name, hs_code, commodity_name, quantity, unit, country, trade_mode, "
            "valid_from, valid_to, port, one_batch, urgent, content_hash, record, received_at, state, forward_key) "
            "VALUES (?, ?, 'B', '2000-10-09', 'import', '2000-10-09', '4403120001', 'T', '1005901000', 'maize', "
            "'10', 'TNE', 'JP', 'general', '2000-10-09', '2000-12-31', '5300', 0, ?, 'h', ?, ?, ?, ?)",
            [licence_no, licence_no[3:5], int(urgent), json.dumps(record), at, state, forward_key],
        )
