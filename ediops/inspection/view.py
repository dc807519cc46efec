"""Read-only queries behind the desk's inspection screen (2002 notice, contract §11): how far
each bureau has moved to electronic declaration and e-visas this month, which enterprises the
findings name, vendor tickets past their 24 hours, and one enterprise's month.

Shares are whole percentages by integer arithmetic; fees stay exact decimals."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal

from ediops.inspection import rules
from ediops.store import tickets as tickets_db
from ediops.clock import SHANGHAI
from ediops.inspection.reports import approved_vendors

ENTERPRISE_CODES = ("EDECL_REQUIRED", "CO_EVISA_REQUIRED", "PRE_ENTRY_SELF_DECLARER", "PLATFORM_FEE_CHARGED")
_ELECTRONIC = "channel IN ('direct', 'browser', 'kiosk')"
_NAME = (
    "(SELECT enterprise_name FROM inspection_declarations d WHERE d.enterprise = f.enterprise "
    "ORDER BY business_date DESC, id DESC LIMIT 1)"
)


def month_of(now: datetime) -> str:
    """The calendar month of `now` in Asia/Shanghai, `YYYY-MM`."""
    return now.astimezone(SHANGHAI).strftime("%Y-%m")


def configured_bureaus(config) -> tuple[str, ...]:
    """The codes of the bureau peers in peers.toml (peer names are `bureau <code>`)."""
    return tuple(peer.name.split()[-1] for peer in getattr(config, "bureaus", ()))


def share(part: int, whole: int) -> int | None:
    """Whole percent, rounded down; None when there is nothing to share."""
    return part * 100 // whole if whole else None


def _fee_sum(values) -> Decimal:
    return sum((Decimal(v) for v in values), Decimal(0))


def bureau_month(db, month: str, *, configured: tuple[str, ...] = ()) -> list[dict]:
    """Per bureau (configured ones even before their first report): batches and the share
    filed electronically, certificate applications and the share on e-visas, pre-entry batches
    by self-declarers, fees charged to non-agents, and the daily electronic share."""
    rows: dict[str, dict] = {code: _empty(code) for code in configured}
    for bureau, total, electronic, pre_entry, enterprises in db.execute(
        f"SELECT bureau, sum(batches), sum(CASE WHEN {_ELECTRONIC} THEN batches ELSE 0 END), "
        "sum(CASE WHEN agent = 0 AND channel = 'pre_entry' THEN batches ELSE 0 END), count(DISTINCT enterprise) "
        "FROM inspection_declarations WHERE month = ? GROUP BY bureau",
        [month],
    ):
        rows.setdefault(bureau, _empty(bureau)).update(
            batches=total, electronic=electronic, pre_entry=pre_entry, enterprises=enterprises
        )
    for bureau, applications, evisas in db.execute(
        "SELECT bureau, count(*), sum(channel = 'electronic') FROM inspection_applications "
        "WHERE month = ? GROUP BY bureau",
        [month],
    ):
        rows.setdefault(bureau, _empty(bureau)).update(applications=applications, evisas=evisas)
    fees: dict[str, list[str]] = {}
    for bureau, fee in db.execute(
        "SELECT bureau, platform_fee FROM inspection_declarations "
        "WHERE month = ? AND agent = 0 AND platform_fee GLOB '*[1-9]*'",
        [month],
    ):
        fees.setdefault(bureau, []).append(fee)
    for bureau, day, total, electronic in db.execute(
        f"SELECT bureau, business_date, sum(batches), sum(CASE WHEN {_ELECTRONIC} THEN batches ELSE 0 END) "
        "FROM inspection_declarations WHERE month = ? GROUP BY bureau, business_date "
        "ORDER BY business_date",
        [month],
    ):
        rows[bureau]["daily"].append(share(electronic, total))
    for code, row in rows.items():
        row["fees"] = str(_fee_sum(fees.get(code, [])))
        row["fees_charged"] = len(fees.get(code, []))
        row["edecl_share"] = share(row["electronic"], row["batches"])
        row["evisa_share"] = share(row["evisas"], row["applications"])
    return [rows[code] for code in sorted(rows)]


def _empty(bureau: str) -> dict:
    return {
        "bureau": bureau,
        "batches": 0,
        "electronic": 0,
        "pre_entry": 0,
        "enterprises": 0,
        "applications": 0,
        "evisas": 0,
        "daily": [],
    }


def summary_of(code: str, detail: dict) -> str:
    """One line saying why a finding holds, from its detail."""
    if code == "EDECL_REQUIRED":
        other = ", ".join(f"{ch} {n}" for ch, n in detail.get("not_electronic", {}).items())
        return f"{detail.get('batches')} batches, not electronic: {other}"
    if code == "CO_EVISA_REQUIRED":
        return f"{detail.get('applications')} applications, {detail.get('paper')} on paper"
    if code == "PRE_ENTRY_SELF_DECLARER":
        n = detail.get("pre_entry_batches")
        return f"{n} batch{'' if n == 1 else 'es'} keyed in by a third party (pre-entry)"
    if code == "PLATFORM_FEE_CHARGED":
        return f"charged {detail.get('total')} platform fee"
    return ""


def findings_of_month(db, month: str, *, enterprise: str | None = None, open_only: bool = True) -> list[dict]:
    """The §11 enterprise findings of a month (daily fee findings included), most pressing first."""
    sql = (
        f"SELECT f.id, f.code, f.status, f.enterprise, f.period, f.detail, f.opened_at, {_NAME} AS name "
        f"FROM findings f WHERE f.code IN ({', '.join('?' * len(ENTERPRISE_CODES))}) "
        "AND (f.period = ? OR f.period LIKE ?)"
    )
    args: list = [*ENTERPRISE_CODES, month, month + "-%"]
    if open_only:
        sql += " AND f.status = 'open'"
    if enterprise is not None:
        sql += " AND f.enterprise = ?"
        args.append(enterprise)
    order = " ".join(f"WHEN '{code}' THEN {i}" for i, code in enumerate(ENTERPRISE_CODES))
    sql += f" ORDER BY CASE f.code {order} END, f.enterprise, f.period"
    found = []
    for row in db.execute(sql, args).fetchall():
        item = dict(zip(("id", "code", "status", "enterprise", "period", "detail", "opened_at", "name"), row))
        item["detail"] = json.loads(item["detail"] or "{}")
        item["summary"] = summary_of(item["code"], item["detail"])
        found.append(item)
    return found


def overdue_vendor_tickets(db, config, *, now: datetime) -> list[dict]:
    """Tickets with an approved vendor unresolved for 24 hours or more, judged now by the same
    rule reconcile uses, so the screen does not wait for the next reconcile."""
    vendors = approved_vendors(config)
    if not vendors:
        return []
    found = []
    for ticket in tickets_db.routed(db, active_only=True):
        cause = rules.vendor_support_overdue(ticket, vendors, now)
        if cause is not None:
            found.append({**ticket, **cause.detail})
    return found


def enterprise_month(db, enterprise: str, month: str) -> dict | None:
    """One enterprise's month: what it filed where and how, its certificate applications,
    fees and findings. None when it filed nothing that month."""
    declarations = [
        dict(zip(("business_date", "bureau", "channel", "batches", "agent", "platform_fee", "name"), r))
        for r in db.execute(
            "SELECT business_date, bureau, channel, batches, agent, platform_fee, enterprise_name "
            "FROM inspection_declarations WHERE enterprise = ? AND month = ? "
            "ORDER BY business_date, bureau, position",
            [enterprise, month],
        )
    ]
    applications = [
        dict(zip(("certificate_no", "bureau", "channel", "submitted_at", "issued_at", "name"), r))
        for r in db.execute(
            "SELECT certificate_no, bureau, channel, submitted_at, issued_at, enterprise_name "
            "FROM inspection_applications WHERE enterprise = ? AND month = ? "
            "ORDER BY submitted_at, certificate_no",
            [enterprise, month],
        )
    ]
    if not declarations and not applications:
        return None
    by_channel: dict[str, int] = {}
    for row in declarations:
        by_channel[row["channel"]] = by_channel.get(row["channel"], 0) + row["batches"]
    batches = sum(by_channel.values())
    electronic = sum(n for ch, n in by_channel.items() if ch in rules.ELECTRONIC_CHANNELS)
    evisas = sum(1 for a in applications if a["channel"] == "electronic")
    names = [r["name"] for r in declarations + applications if r["name"]]
    return {
        "enterprise": enterprise,
        "month": month,
        "name": names[-1] if names else "",
        "agent": any(r["agent"] for r in declarations),
        "batches": batches,
        "electronic": electronic,
        "edecl_share": share(electronic, batches),
        "by_channel": dict(sorted(by_channel.items())),
        "applications": len(applications),
        "evisas": evisas,
        "evisa_share": share(evisas, len(applications)),
        "fees": str(_fee_sum(r["platform_fee"] for r in declarations if not r["agent"])),
        "declarations": declarations,
        "certificates": applications,
        "findings": findings_of_month(db, month, enterprise=enterprise, open_only=False),
    }
