"""The simulated customs gateway: accepts forwarded licences (once per idempotency key) and
produces write-off records for them, with the anomalies the notice's rules look for."""

from __future__ import annotations

import hashlib
import random
from datetime import date, timedelta
from decimal import Decimal

ANOMALIES = (
    "unit",
    "port",
    "validity",
    "one_batch",
    "use_limit",
    "over_quantity",
    "operating_unit",
    "orphan",
    "unknown_licence",
)
REJECT_REASONS = ("PORT_NOT_CONNECTED", "ENTERPRISE_NOT_REGISTERED", "HS_CODE_NOT_LICENSABLE")


def _rng(seed: int, *parts) -> random.Random:
    return random.Random(hashlib.sha256(":".join(map(str, (seed, *parts))).encode()).hexdigest())


def rejects(seed: int, licence: dict) -> str | None:
    """About one licence in 200 is refused by customs, with a reason."""
    rng = _rng(seed, "reject", licence.get("licence_no"))
    return rng.choice(REJECT_REASONS) if rng.random() < 0.005 else None


def _share(quantity: str, fraction: float) -> str:
    amount = (Decimal(quantity) * Decimal(str(round(fraction, 3)))).quantize(Decimal("0.001"))
    return format(max(amount, Decimal("0.001")), "f") if "." in quantity else str(max(int(amount), 1))


class WriteoffMaker:
    """Write-offs for an accepted licence: most are released once or a few times; a share
    carries one anomaly (rate 2 %, or 30 % with the write-off-anomalies switch)."""

    def __init__(self, seed: int):
        self.seed = seed
        self.declarations = 0

    def _declaration(self, port: str, day: date) -> str:
        self.declarations += 1
        return f"{port}{day:%Y}{self.declarations:010d}"

    def for_licence(self, licence: dict, today: date, *, anomaly_rate: float) -> list[dict]:
        rng = _rng(self.seed, "writeoff", licence.get("licence_no"))
        if rng.random() > 0.7:
            return []
        port, unit, quantity = licence["port"], licence["unit"], licence["quantity"]
        operating = licence["trader"]
        released_on = max(today, date.fromisoformat(licence["valid_from"]))
        uses = 1 if licence["one_batch"] else rng.choice((1, 1, 2, 3))

        def release(qty: str, **over) -> dict:
            record = {
                "licence_no": licence["licence_no"],
                "customs_code": port,
                "declaration_no": self._declaration(port, released_on),
                "action": "release",
                "quantity": qty,
                "unit": unit,
                "released_on": released_on.isoformat(),
                "operating_unit": {"code": operating["code"], "name": operating["name"]},
            }
            record.update(over)
            return record

        records = [release(_share(quantity, 0.9 / uses)) for _ in range(uses)]
        if rng.random() < 0.05:
            records.append({**records[0], "action": "amend", "quantity": _share(quantity, 0.5 / uses)})
        if rng.random() < 0.03:
            cancelled = {k: v for k, v in records[-1].items() if k not in ("quantity", "unit")}
            records.append({**cancelled, "action": "cancel"})
        if rng.random() < anomaly_rate:
            records.extend(self._anomaly(rng, rng.choice(ANOMALIES), licence, release, records[0]))
        return records

    def _anomaly(self, rng, kind, licence, release, first) -> list[dict]:
        quantity = licence["quantity"]
        if kind == "unit":
            return [release(_share(quantity, 0.05), unit="KGM" if licence["unit"] != "KGM" else "TNE")]
        if kind == "port":
            return [release(_share(quantity, 0.05), customs_code="9999")]
        if kind == "validity":
            late = date.fromisoformat(licence["valid_to"]) + timedelta(days=rng.randint(1, 30))
            return [release(_share(quantity, 0.05), released_on=late.isoformat())]
        if kind == "one_batch" or (kind == "use_limit" and licence["one_batch"]):
            return [release(_share(quantity, 0.01))]
        if kind == "use_limit":
            return [release(_share(quantity, 0.001)) for _ in range(12)]
        if kind == "over_quantity":
            return [release(_share(quantity, 0.5))]
        if kind == "operating_unit":
            return [release(_share(quantity, 0.05), operating_unit={"code": "9999999999", "name": "某贸易公司"})]
        if kind == "orphan":
            return [
                {
                    **first,
                    "declaration_no": self._declaration(
                        first["customs_code"], date.fromisoformat(first["released_on"])
                    ),
                    "action": "amend",
                }
            ]
        return [release(_share(quantity, 0.1), licence_no=licence["licence_no"][:6] + "999999")]
