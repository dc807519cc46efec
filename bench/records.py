"""Wire records of docs/wire.md with the shapes real peers send: the measured part
feeds these through the real code, and the scale store is built from the same records."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from ediops.clock import SHANGHAI

YEAR_END = date(2000, 12, 29)  # a Friday: the measured "today"
NOW = datetime(2000, 12, 29, 15, 0, tzinfo=SHANGHAI)
PORTS = [
    f"{p:04d}"
    for p in (
        5300,
        2200,
        4200,
        5100,
        5700,
        4700,
        2300,
        1500,
        6700,
        7200,
        4000,
        6000,
        5200,
        8000,
        2900,
        3700,
        3100,
        4600,
        6400,
        900,
    )
]
UNITS = ["TNE", "KGM", "PCE", "SET", "LTR", "MTQ"]
COUNTRIES = ["JP", "US", "KR", "DE", "AU", "SG", "GB", "FR", "RU", "BR"]
GOODS = [
    ("1005901000", "玉米 maize"),
    ("1001990000", "小麦 wheat"),
    ("5201000000", "棉花 cotton"),
    ("2709000000", "原油 crude oil"),
    ("7208510000", "热轧钢板 hot-rolled steel"),
    ("8703231900", "小轿车 passenger car"),
    ("2402200000", "卷烟 cigarettes [box]"),
]
TRADE_MODES = ["一般贸易 general trade", "进料加工 processing with imported materials", "易货贸易 barter"]


def business_days(end: date = YEAR_END, count: int = 250) -> list[date]:
    """The last `count` weekdays up to `end`, oldest first."""
    days, day = [], end
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day -= timedelta(days=1)
    return days[::-1]


def qty(thousandths: int) -> str:
    """An exact decimal string with three places, from integer thousandths (never float)."""
    return f"{thousandths // 1000}.{thousandths % 1000:03d}"


def enterprise(rng: random.Random, prefix: str = "44") -> dict:
    code = f"{prefix}{rng.randrange(10**8):08d}"
    return {"code": code, "name": f"Enterprise {code} 有限公司"}


def licence(issuer: str, serial: int, day: date, rng: random.Random, *, urgent: bool = False) -> dict:
    """One licence record (docs/wire.md) with plausible, valid content."""
    hs, goods = rng.choice(GOODS)
    direction = rng.choice(("import", "export"))
    record = {
        "licence_no": f"00-{issuer}-{serial:06d}",
        "direction": direction,
        "issued_on": day.isoformat(),
        "trader": enterprise(rng),
        "party": enterprise(rng, "31"),
        "commodity": {"hs_code": hs, "name": goods},
        "quantity": qty(rng.randrange(100, 100_000) * 1000),
        "unit": rng.choice(UNITS),
        "country": rng.choice(COUNTRIES),
        "trade_mode": rng.choice(TRADE_MODES),
        "valid_from": day.isoformat(),
        "valid_to": (day + timedelta(days=364)).isoformat(),
        "port": rng.choice(PORTS),
        "one_batch": rng.random() < 0.2,
        "remarks": "代理 agent [see file]" if direction == "export" else "",
        "agents": [enterprise(rng)["code"]] if direction == "export" else [],
    }
    if urgent:
        record["urgent"] = True
    return record


def batch(issuer: str, day: date, seq: int, records: list[dict], *, kind: str = "daily") -> dict:
    """A batch envelope (docs/wire.md) around `records`."""
    return {
        "batch_id": f"{issuer}-{day:%Y%m%d}-{seq:02d}",
        "issuer": issuer,
        "business_date": day.isoformat(),
        "kind": kind,
        "record_count": len(records),
        "sent_at": f"{day.isoformat()}T16:55:00+08:00",
        "records": records,
    }


def writeoff(
    lic: dict,
    declaration_no: str,
    quantity: int,
    released_on: date,
    *,
    action: str = "release",
    customs_code: str | None = None,
    unit: str | None = None,
    operating_unit: dict | None = None,
) -> dict:
    """One write-off record (docs/wire.md) against licence record `lic`."""
    return {
        "licence_no": lic["licence_no"],
        "customs_code": customs_code or lic["port"],
        "declaration_no": declaration_no,
        "action": action,
        "quantity": qty(quantity),
        "unit": unit or lic["unit"],
        "released_on": released_on.isoformat(),
        "operating_unit": operating_unit or lic["trader"],
    }
