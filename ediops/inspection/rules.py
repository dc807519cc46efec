"""The 2002 notice's findings (国质检通函[2002]365号, docs/inspection.md) as pure functions: the
stored rows of one subject (an enterprise's month or day, or one ticket) in, a `Cause` or
None out. Electronic declaration, pre-entry, platform fees, certificate-of-origin e-visas
and the vendors' 24-hour service; `ediops.inspection.reports` gathers the rows and syncs."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Iterable, Mapping

from ediops.clock import parse_instant
from ediops.i18n import N_
from ediops.vocabulary import TICKET_ACTIVE, Cause

EDECL_REQUIRED = "EDECL_REQUIRED"
PRE_ENTRY_SELF_DECLARER = "PRE_ENTRY_SELF_DECLARER"
PLATFORM_FEE_CHARGED = "PLATFORM_FEE_CHARGED"
CO_EVISA_REQUIRED = "CO_EVISA_REQUIRED"
VENDOR_SUPPORT_OVERDUE = "VENDOR_SUPPORT_OVERDUE"
INSPECTION_CODES = (
    EDECL_REQUIRED,
    PRE_ENTRY_SELF_DECLARER,
    PLATFORM_FEE_CHARGED,
    CO_EVISA_REQUIRED,
    VENDOR_SUPPORT_OVERDUE,
)
# 二(二): direct client software, the browser mode and the self-service kiosk are electronic;
# pre-entry by a third party and paper accepted by hand are not.
ELECTRONIC_CHANNELS = frozenset({N_("direct"), N_("browser"), N_("kiosk")})  # N_: the desk names them
DECLARATION_CHANNELS = ELECTRONIC_CHANNELS | {N_("pre_entry"), N_("manual")}
CERTIFICATE_CHANNELS = frozenset({N_("electronic"), N_("paper")})
MONTHLY_THRESHOLD = 5  # 二: 月申报量5批以上
VENDOR_SERVICE_HOURS = 24  # 四: 提供24小时服务


def enterprise_subject(code: str, period: str) -> str:
    """`enterprise:<code>:<YYYY-MM>` or `enterprise:<code>:<YYYY-MM-DD>`."""
    return f"enterprise:{code}:{period}"


def _batches_by_channel(rows: Iterable[Mapping]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows:
        if row["batches"] > 0:
            counts[row["channel"]] = counts.get(row["channel"], 0) + row["batches"]
    return dict(sorted(counts.items()))


def _bureaus(rows: Iterable[Mapping]) -> list[str]:
    return sorted({row["bureau"] for row in rows})


def edecl_required(enterprise: str, month: str, declarations: Iterable[Mapping]) -> Cause | None:
    """Notice 二: an enterprise declaring 5 or more batches a month must declare electronically.

    `declarations`: the enterprise's rows of that month across every bureau (bureau, channel,
    batches). Agents are not excepted: the 5-batch rule names every enterprise."""
    rows = list(declarations)
    by_channel = _batches_by_channel(rows)
    total = sum(by_channel.values())
    not_electronic = {ch: n for ch, n in by_channel.items() if ch not in ELECTRONIC_CHANNELS}
    if total < MONTHLY_THRESHOLD or not not_electronic:
        return None
    return Cause(
        EDECL_REQUIRED,
        enterprise_subject(enterprise, month),
        detail={
            "batches": total,
            "not_electronic": not_electronic,
            "by_channel": by_channel,
            "bureaus": _bureaus(rows),
        },
        enterprise=enterprise,
        period=month,
    )


def pre_entry_self_declarer(enterprise: str, month: str, declarations: Iterable[Mapping]) -> Cause | None:
    """Notice 二(一): self-declaring enterprises use true direct filing, never pre-entry
    (杜绝准电子报检); 二(四) orders paid pre-entry cleared. Agents (代理报检企业) are excepted.

    `declarations`: the enterprise's rows of that month (bureau, business_date, agent, channel, batches)."""
    rows = [r for r in declarations if not r["agent"] and r["channel"] == "pre_entry" and r["batches"] > 0]
    if not rows:
        return None
    return Cause(
        PRE_ENTRY_SELF_DECLARER,
        enterprise_subject(enterprise, month),
        detail={
            "pre_entry_batches": sum(r["batches"] for r in rows),
            "dates": sorted({r["business_date"] for r in rows}),
            "bureaus": _bureaus(rows),
        },
        enterprise=enterprise,
        period=month,
    )


def platform_fee_charged(enterprise: str, day: str, declarations: Iterable[Mapping]) -> Cause | None:
    """Notice 三: the platform fee is paid by AQSIQ; no enterprise but an agent is charged.

    `declarations`: the enterprise's rows of that business date (bureau, agent, platform_fee)."""
    rows = [r for r in declarations if not r["agent"] and Decimal(r["platform_fee"]) > 0]
    if not rows:
        return None
    fees: dict[str, Decimal] = {}
    for row in rows:
        fees[row["bureau"]] = fees.get(row["bureau"], Decimal(0)) + Decimal(row["platform_fee"])
    return Cause(
        PLATFORM_FEE_CHARGED,
        enterprise_subject(enterprise, day),
        detail={"total": str(sum(fees.values())), "by_bureau": {b: str(f) for b, f in sorted(fees.items())}},
        enterprise=enterprise,
        period=day,
    )


def co_evisa_required(enterprise: str, month: str, certificates: Iterable[Mapping]) -> Cause | None:
    """Notice 二: 5 or more certificate-of-origin applications a month move to e-visas.

    `certificates`: the enterprise's applications of that month, one per certificate
    (certificate_no, bureau, channel)."""
    rows = list(certificates)
    paper = sorted(r["certificate_no"] for r in rows if r["channel"] == "paper")
    if len(rows) < MONTHLY_THRESHOLD or not paper:
        return None
    return Cause(
        CO_EVISA_REQUIRED,
        enterprise_subject(enterprise, month),
        detail={
            "applications": len(rows),
            "paper": len(paper),
            "paper_certificates": paper[:20],
            "bureaus": _bureaus(rows),
        },
        enterprise=enterprise,
        period=month,
    )


def vendor_support_overdue(ticket: Mapping, vendors: Mapping[str, str], now: datetime) -> Cause | None:
    """Notice 四: approved enterprise-software vendors give 24-hour service.

    `ticket`: id, status, routed_to, routed_at (None: routed when opened), opened_at.
    `vendors`: the approved vendors' names by id. The 24 hours run from the moment the
    ticket was handed to the vendor (its opening, for a ticket routed without a time)."""
    vendor = vendors.get(ticket.get("routed_to") or "")
    if vendor is None or ticket["status"] not in TICKET_ACTIVE:
        return None
    since = parse_instant(ticket.get("routed_at") or ticket["opened_at"])
    if now - since < timedelta(hours=VENDOR_SERVICE_HOURS):
        return None
    return Cause(
        VENDOR_SUPPORT_OVERDUE,
        f"ticket:{ticket['id']}",
        detail={
            "vendor": ticket["routed_to"],
            "vendor_name": vendor,
            "since": since.isoformat(),
            "hours": int((now - since).total_seconds() // 3600),
        },
        ticket_id=ticket["id"],
    )
