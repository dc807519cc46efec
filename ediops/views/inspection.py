"""Read-only queries behind the desk's inspection screen (2002 notice, docs/inspection.md): how far
each bureau has moved to electronic declaration and e-visas this month, which enterprises the
findings name, vendor tickets past their 24 hours, and one enterprise's month.

Shares are whole percentages by integer arithmetic; fees stay exact decimals."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from ediops.clock import SHANGHAI
from ediops.i18n import _, ngettext
from ediops.inspection import rules
from ediops.inspection.reports import approved_vendors
from ediops.store import findings as findings_db, inspection as inspection_db, tickets as tickets_db
from ediops.vocabulary import FINDING_OPEN

if TYPE_CHECKING:
    from ediops.config import Config
    from ediops.store import Queryable

# The findings that name an enterprise, most pressing first (the screen's order).
ENTERPRISE_CODES = (
    rules.EDECL_REQUIRED,
    rules.CO_EVISA_REQUIRED,
    rules.PRE_ENTRY_SELF_DECLARER,
    rules.PLATFORM_FEE_CHARGED,
)


def month_of(now: datetime) -> str:
    """The calendar month of `now` in Asia/Shanghai, `YYYY-MM`."""
    return now.astimezone(SHANGHAI).strftime("%Y-%m")


def configured_bureaus(config: Config) -> tuple[str, ...]:
    """The codes of the bureau peers in peers.toml (peer names are `bureau <code>`)."""
    return tuple(peer.name.split()[-1] for peer in getattr(config, "bureaus", ()))


def share(part: int, whole: int) -> int | None:
    """Whole percent, rounded down; None when there is nothing to share."""
    return part * 100 // whole if whole else None


def _fee_sum(values) -> Decimal:
    return sum((Decimal(v) for v in values), Decimal(0))


def bureau_month(db: Queryable, month: str, *, configured: tuple[str, ...] = ()) -> list[dict]:
    """Per bureau (configured ones even before their first report): batches and the share
    filed electronically, certificate applications and the share on e-visas, pre-entry batches
    by self-declarers, fees charged to non-agents, and the daily electronic share."""
    rows: dict[str, dict] = {code: _empty(code) for code in configured}
    for bureau, total, electronic, pre_entry, enterprises in inspection_db.declarations_by_bureau(
        db, month, rules.ELECTRONIC_CHANNELS
    ):
        rows.setdefault(bureau, _empty(bureau)).update(
            batches=total, electronic=electronic, pre_entry=pre_entry, enterprises=enterprises
        )
    for bureau, applications, evisas in inspection_db.applications_by_bureau(db, month):
        rows.setdefault(bureau, _empty(bureau)).update(applications=applications, evisas=evisas)
    fees: dict[str, list[str]] = {}
    for bureau, fee in inspection_db.fees_charged(db, month):
        fees.setdefault(bureau, []).append(fee)
    for bureau, day, total, electronic in inspection_db.daily_by_bureau(db, month, rules.ELECTRONIC_CHANNELS):
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


def channel_word(channel: str) -> str:
    """A declaration's or certificate's channel (docs/glossary.md) in the chosen language; the
    stored codes stay codes, an unknown one is shown as is."""
    known = channel in rules.DECLARATION_CHANNELS or channel in rules.CERTIFICATE_CHANNELS
    return _(channel) if known else channel


def summary_of(code: str, detail: dict) -> str:
    """One line saying why a finding holds, from its detail, in the chosen language."""
    if code == "EDECL_REQUIRED":
        other = ", ".join(f"{channel_word(ch)} {n}" for ch, n in detail.get("not_electronic", {}).items())
        n = detail.get("batches") or 0
        return ngettext("{n} batch, not electronic: {other}", "{n} batches, not electronic: {other}", n).format(
            n=n, other=other
        )
    if code == "CO_EVISA_REQUIRED":
        n = detail.get("applications") or 0
        return ngettext("{n} application, {paper} on paper", "{n} applications, {paper} on paper", n).format(
            n=n, paper=detail.get("paper")
        )
    if code == "PRE_ENTRY_SELF_DECLARER":
        n = detail.get("pre_entry_batches") or 0
        return ngettext(
            "{n} batch keyed in by a third party (pre-entry)", "{n} batches keyed in by a third party (pre-entry)", n
        ).format(n=n)
    if code == "PLATFORM_FEE_CHARGED":
        return _("charged {total} platform fee").format(total=detail.get("total"))
    return ""


def findings_of_month(
    db: Queryable, month: str, *, enterprise: str | None = None, open_only: bool = True
) -> list[dict]:
    """The docs/inspection.md enterprise findings of a month (daily fee findings included), most pressing first."""
    found = findings_db.find(
        db,
        fields=("id", "code", "status", "enterprise", "period", "detail", "opened_at"),
        status=FINDING_OPEN if open_only else None,
        codes=ENTERPRISE_CODES,
        enterprise=enterprise,
        month=month,
        order="oldest",
    )
    found.sort(key=lambda f: (ENTERPRISE_CODES.index(f["code"]), f["enterprise"], f["period"]))
    names = inspection_db.enterprise_names(db, sorted({f["enterprise"] for f in found if f["enterprise"]}))
    for item in found:
        item["name"] = names.get(item["enterprise"])
        item["detail"] = json.loads(item["detail"] or "{}")
        item["summary"] = summary_of(item["code"], item["detail"])
    return found


def overdue_vendor_tickets(db: Queryable, config: Config, *, now: datetime) -> list[dict]:
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


def enterprise_month(db: Queryable, enterprise: str, month: str) -> dict | None:
    """One enterprise's month: what it filed where and how, its certificate applications,
    fees and findings. None when it filed nothing that month."""
    declarations = inspection_db.declarations_of_month(db, enterprise, month)
    applications = inspection_db.applications_of_month(db, enterprise, month)
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
