"""Seeded, realistic issuer traffic for one business day: daily batches before each
issuer's cutoff, urgent licences through the day, and the daily summary.

Everything derives from (seed, issuer, date), so the same flags replay the same day."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from ediops.clock import SHANGHAI

PAGE = 400  # licences per daily batch; a big day goes out as several batches

# HS code, name, unit, typical quantity range, directions (notice §8(2): the jointly run exports).
COMMODITIES = [
    ("1005901000", "玉米 maize", "TNE", (500, 30000), ("export", "import")),
    ("1006308000", "大米 rice", "TNE", (200, 10000), ("export",)),
    ("1201009100", "大豆 soybeans", "TNE", (1000, 50000), ("import", "export")),
    ("5201000000", "棉花 cotton", "TNE", (100, 5000), ("import", "export")),
    ("2709000000", "原油 crude oil", "TNE", (10000, 200000), ("import", "export")),
    ("2710191100", "成品油 light fuel oil", "TNE", (1000, 40000), ("import", "export")),
    ("2701120010", "煤炭 coking coal", "TNE", (5000, 80000), ("export",)),
    ("8101940000", "钨 tungsten, unwrought", "KGM", (1000, 50000), ("export",)),
    ("8110101000", "锑 antimony, unwrought", "KGM", (1000, 40000), ("export",)),
    ("7208510000", "热轧钢板 hot-rolled steel plate", "TNE", (100, 8000), ("import",)),
    ("8703231990", "小轿车 passenger cars", "PCE", (1, 300), ("import",)),
    ("8528721100", "彩色电视机 colour TV sets", "SET", (50, 5000), ("import", "export")),
    ("8415101000", "空调器 air conditioners", "SET", (50, 3000), ("export",)),
    ("2401101000", "烤烟 flue-cured tobacco", "TNE", (10, 2000), ("import", "export")),
    ("3102100010", "尿素 urea", "TNE", (1000, 30000), ("import",)),
    ("1701111000", "原糖 raw cane sugar", "TNE", (500, 20000), ("import",)),
]
PORTS = ["0100", "0200", "2200", "2300", "4200", "5100", "5200", "5300", "5700", "6700", "7200", "8000", "9000"]
COUNTRIES = ["JP", "KR", "US", "DE", "HK", "SG", "RU", "AU", "BR", "TH", "MY", "NL", "GB", "CA", "IN"]
TRADE_MODES = [
    "一般贸易 general trade",
    "来料加工 processing with supplied materials",
    "进料加工 processing with imported materials",
    "补偿贸易 compensation trade",
    "易货贸易 barter",
    "还贷出口 export for loan repayment",
]
CITIES = ["北京", "天津", "上海", "广州", "大连", "青岛", "深圳", "南京", "杭州", "武汉", "成都", "厦门"]
WORDS = ["粮油", "五矿", "中化", "纺织", "机械", "轻工", "土畜产", "化工", "医保", "电子", "华润", "中粮"]
HOSTILE = [
    "[bold red]FREE[/bold red] Trading Co",
    "Evil\x1b]0;pwned\x07 Ltd",
    "\u202eLtd gnidarT",
    "[link=http://evil.example]click[/link] Import",
    "Bell\x07\x08\x1b[2J Co",
    "[/] broken [markup",
]


@dataclass
class Batch:
    issuer: str
    batch_id: str
    kind: str
    sent_at: datetime
    records: list[dict]
    record_count: int

    def body(self, business_date: date) -> dict:
        return {
            "batch_id": self.batch_id,
            "issuer": self.issuer,
            "business_date": business_date.isoformat(),
            "kind": self.kind,
            "record_count": self.record_count,
            "sent_at": self.sent_at.isoformat(),
            "records": self.records,
        }


@dataclass
class Day:
    """One issuer's business day."""

    issuer: str
    business_date: date
    batches: list[Batch] = field(default_factory=list)
    licence_nos: list[str] = field(default_factory=list)  # the summary: everything issued
    summary_at: datetime | None = None


@dataclass(frozen=True)
class Shape:
    """Data-shaping fault switches, fixed when a day is generated."""

    scale: float = 1.0
    truncated: bool = False
    conflicting_resends: bool = False
    hostile_text: bool = False


def _enterprise(rng: random.Random, port: str) -> dict:
    code = f"{port}{rng.randrange(10**6):06d}"
    return {"code": code, "name": f"{rng.choice(CITIES)}{rng.choice(WORDS)}进出口有限公司"}


def _quantity(rng: random.Random, low: int, high: int, unit: str) -> str:
    amount = Decimal(rng.randint(low, high))
    if unit in ("TNE", "KGM") and rng.random() < 0.4:
        amount += Decimal(rng.randint(1, 999)) / 1000
    return f"{amount:.3f}" if unit in ("TNE", "KGM") else str(amount)


def licence(rng: random.Random, number: str, day: date, *, urgent: bool, hostile: bool) -> dict:
    hs, name, unit, (low, high), directions = rng.choice(COMMODITIES)
    direction = rng.choice(directions)
    port = rng.choice(PORTS)
    trader = _enterprise(rng, port)
    if hostile and rng.random() < 0.1:
        trader["name"] = rng.choice(HOSTILE)
    record = {
        "licence_no": number,
        "direction": direction,
        "issued_on": day.isoformat(),
        "trader": trader,
        "commodity": {"hs_code": hs, "name": name},
        "quantity": _quantity(rng, low, high, unit),
        "unit": unit,
        "country": rng.choice(COUNTRIES),
        "trade_mode": rng.choice(TRADE_MODES),
        "valid_from": day.isoformat(),
        "valid_to": (day + timedelta(days=rng.choice((90, 180, 365)))).isoformat(),
        "port": port,
        "one_batch": rng.random() < 0.3,
        "urgent": urgent,
    }
    if rng.random() < 0.6:
        record["party"] = _enterprise(rng, port)
    if direction == "export" and rng.random() < 0.25:
        agent = _enterprise(rng, port)
        record["agents"] = [agent["code"]]
        record["remarks"] = f"代理出口 agent: {agent['code']} {agent['name']}"
    elif rng.random() < 0.2:
        record["remarks"] = rng.choice(["", "分批报关", "限" + rng.choice(CITIES) + "口岸", "see [annex 2]"])
    return record


def _at(day: date, clock_time: time, minutes: float) -> datetime:
    return datetime.combine(day, clock_time, SHANGHAI) + timedelta(seconds=round(minutes * 60))


def daily_volume(seed: int, issuer: str, day: date, scale: float) -> int:
    """Licences an issuer sends on a day: a stable size per issuer, less at weekends."""
    size = random.Random(f"{seed}:{issuer}:size").lognormvariate(4.0, 0.9)  # median ~55 a day
    rng = random.Random(f"{seed}:{issuer}:{day}:volume")
    weekend = 0.2 if day.weekday() >= 5 else 1.0
    return min(900, max(0, round(size * weekend * scale * rng.uniform(0.7, 1.3))))


def day(seed: int, issuer: str, cutoff: str, business_date: date, shape: Shape) -> Day:
    """Generates one issuer's day: its daily batches, urgent batches and summary."""
    rng = random.Random(f"{seed}:{issuer}:{business_date}")
    cut = time.fromisoformat(cutoff)
    serial = business_date.timetuple().tm_yday * 1000
    prefix = f"{business_date:%y}-{issuer}-"
    result = Day(issuer, business_date)
    stamp = business_date.strftime("%Y%m%d")

    urgent_count = sum(rng.random() < 0.5 * min(shape.scale, 1.0) + 0.1 for _ in range(3))
    urgent_times = sorted(_at(business_date, time(8, 30), rng.uniform(0, 9 * 60)) for _ in range(urgent_count))
    for u, sent in enumerate(urgent_times):
        records = []
        for _ in range(rng.choice((1, 1, 1, 2))):
            serial += 1
            records.append(
                licence(rng, f"{prefix}{serial % 10**6:06d}", business_date, urgent=True, hostile=shape.hostile_text)
            )
        result.batches.append(Batch(issuer, f"{issuer}-{stamp}-U{u + 1:02d}", "urgent", sent, records, len(records)))

    volume = daily_volume(seed, issuer, business_date, shape.scale)
    records = []
    for _ in range(volume):
        serial += 1
        records.append(
            licence(rng, f"{prefix}{serial % 10**6:06d}", business_date, urgent=False, hostile=shape.hostile_text)
        )
    sent = _at(business_date, cut, -rng.uniform(5, 90))
    for part, start in enumerate(range(0, len(records), PAGE)):
        chunk = records[start : start + PAGE]
        result.batches.append(
            Batch(
                issuer, f"{issuer}-{stamp}-{part + 1:02d}", "daily", sent + timedelta(seconds=part), chunk, len(chunk)
            )
        )
    result.licence_nos = [r["licence_no"] for b in result.batches for r in b.records]
    _shape_faults(rng, result, shape)
    result.batches.sort(key=lambda b: b.sent_at)
    result.summary_at = _at(business_date, cut, 30)
    return result


def _shape_faults(rng: random.Random, result: Day, shape: Shape) -> None:
    """Data faults hit about one issuer-day in four, as a real network's would."""
    daily = [b for b in result.batches if b.kind == "daily" and len(b.records) > 2]
    if shape.truncated and daily and rng.random() < 0.25:
        batch = daily[0]
        lost = max(1, len(batch.records) // 10)
        batch.records = batch.records[:-lost]  # record_count still says the full number
    if shape.conflicting_resends and daily and rng.random() < 0.25:
        batch = daily[-1]
        changed = [dict(r) for r in batch.records]
        changed[0]["quantity"] = str(Decimal(changed[0]["quantity"]) + 1)
        result.batches.append(
            Batch(batch.issuer, batch.batch_id, "daily", batch.sent_at + timedelta(minutes=10), changed, len(changed))
        )
