"""The docs/inspection.md rules as pure functions: their details, and the rows they ignore."""

from __future__ import annotations

from datetime import datetime, timedelta

from ediops.clock import SHANGHAI
from ediops.inspection import rules

ENT = "3302000001"


def row(channel, batches, *, bureau="4700", agent=False, fee="0.00", day="2002-07-01"):
    return {
        "bureau": bureau,
        "business_date": day,
        "agent": agent,
        "channel": channel,
        "batches": batches,
        "platform_fee": fee,
    }


def test_edecl_detail_names_the_channels_not_electronic_and_ignores_empty_rows():
    cause = rules.edecl_required(
        ENT, "2002-07", [row("direct", 3), row("manual", 0), row("pre_entry", 2, bureau="3100")]
    )
    assert cause.detail == {
        "batches": 5,
        "not_electronic": {"pre_entry": 2},
        "by_channel": {"direct": 3, "pre_entry": 2},
        "bureaus": ["3100", "4700"],
    }
    assert rules.edecl_required(ENT, "2002-07", [row("direct", 4), row("manual", 0)]) is None


def test_fees_add_up_exactly_per_bureau():
    cause = rules.platform_fee_charged(
        ENT,
        "2002-07-01",
        [row("direct", 1, fee="0.10"), row("kiosk", 1, fee="0.20"), row("direct", 1, fee="9.99", agent=True)],
    )
    assert cause.detail == {"total": "0.30", "by_bureau": {"4700": "0.30"}}


def test_vendor_clock_starts_at_routing_else_at_opening():
    now = datetime(2002, 7, 20, 10, 0, tzinfo=SHANGHAI)
    vendors = {"vendor-jiucheng": "Jiucheng"}
    ticket = {
        "id": "T-1",
        "status": "waiting",
        "routed_to": "vendor-jiucheng",
        "opened_at": (now - timedelta(hours=30)).isoformat(),
        "routed_at": (now - timedelta(hours=2)).isoformat(),
    }
    assert rules.vendor_support_overdue(ticket, vendors, now) is None
    cause = rules.vendor_support_overdue({**ticket, "routed_at": None}, vendors, now)
    assert (cause.subject, cause.ticket_id, cause.detail["hours"]) == ("ticket:T-1", "T-1", 30)
