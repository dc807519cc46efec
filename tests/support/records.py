"""Builders for contract records (docs/wire.md), so each test states only what it is about."""

from __future__ import annotations

import copy
from datetime import datetime

from ediops.clock import SHANGHAI

NOW = datetime(2000, 10, 9, 16, 55, tzinfo=SHANGHAI)
TRADER = {"code": "1100000001", "name": "China Grain Import & Export Corp."}
PARTY = {"code": "1100000002", "name": "Beijing Grain Depot"}
AGENT = "4403120001"


def licence(number: str = "00-AA-000001", **changes) -> dict:
    record = {
        "licence_no": number,
        "direction": "export",
        "issued_on": "2000-10-09",
        "trader": dict(TRADER),
        "party": dict(PARTY),
        "commodity": {"hs_code": "1005901000", "name": "Maize"},
        "quantity": "1000.000",
        "unit": "TNE",
        "country": "JP",
        "trade_mode": "General trade",
        "valid_from": "2000-10-09",
        "valid_to": "2000-12-31",
        "port": "5300",
        "one_batch": False,
        "remarks": "Agent: Shenzhen Trading",
        "agents": [AGENT],
    }
    return _changed(record, changes)


DROP = object()


def _changed(record: dict, changes: dict) -> dict:
    """`record` with `changes` applied; a change to DROP removes the field."""
    for key, value in changes.items():
        if value is DROP:
            record.pop(key, None)
        else:
            record[key] = value
    return record


def batch(
    *records,
    batch_id: str = "AA-20001009-01",
    issuer: str = "AA",
    kind: str = "daily",
    business_date: str = "2000-10-09",
    record_count: int | None = None,
) -> dict:
    records = [copy.deepcopy(r) for r in records]
    return {
        "batch_id": batch_id,
        "issuer": issuer,
        "business_date": business_date,
        "kind": kind,
        "record_count": len(records) if record_count is None else record_count,
        "sent_at": "2000-10-09T16:50:00+08:00",
        "records": records,
    }


def writeoff(declaration: str, action: str = "release", number: str = "00-AA-000001", **changes) -> dict:
    record = {
        "licence_no": number,
        "customs_code": "5300",
        "declaration_no": declaration,
        "action": action,
        "quantity": "100",
        "unit": "TNE",
        "released_on": "2000-10-20",
        "operating_unit": dict(TRADER),
    }
    return _changed(record, changes)
