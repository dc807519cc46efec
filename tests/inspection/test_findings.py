"""The five findings of docs/inspection.md, each at its boundary, loaded into a real store."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ediops.licensing import findings
from ediops.hotline import settings as hotline_config, tickets as hotline
from ediops.inspection import reports as inspection
from ediops.config import load as load_config
from ediops.clock import iso

from .reports import ENT, NOW, certificate, declaration, open_findings, report
from tests.conftest import ANYONE

HOTLINE = hotline_config.load()  # the bundled hotline settings, passed as the desk and CLI pass theirs


def load(db, *reports):
    return inspection.load_reports(db, None, list(reports), now=NOW, source="test")


# EDECL_REQUIRED: 5 or more declaration batches in a month, some not electronic (notice 二)


def test_four_batches_with_manual_is_no_finding(db):
    load(db, report(declarations=[declaration("direct", 3), declaration("manual", 1)]))
    assert open_findings(db) == []


def test_five_batches_one_manual_opens_edecl(db):
    [result] = load(db, report(declarations=[declaration("direct", 4), declaration("manual", 1)]))
    assert result["findings_opened"] == [{"code": "EDECL_REQUIRED", "subject": f"enterprise:{ENT}:2002-07"}]
    row = db.execute("SELECT enterprise, period, licence_no FROM findings WHERE code = 'EDECL_REQUIRED'").fetchone()
    assert row == (ENT, "2002-07", None)


def test_five_electronic_batches_through_every_electronic_channel_is_no_finding(db):
    load(db, report(declarations=[declaration("direct", 2), declaration("browser", 2), declaration("kiosk", 1)]))
    assert open_findings(db) == []


def test_batches_add_up_across_bureaus_and_days(db):
    load(
        db,
        report("2002-07-01", [declaration("direct", 3)], bureau="4700"),
        report("2002-07-15", [declaration("pre_entry", 2, agent=True)], bureau="3100"),
    )
    assert open_findings(db, "EDECL_REQUIRED") == [("EDECL_REQUIRED", f"enterprise:{ENT}:2002-07")]


def test_months_do_not_mix(db):
    load(db, report("2002-06-30", [declaration("manual", 3)]), report("2002-07-01", [declaration("direct", 2)]))
    assert open_findings(db, "EDECL_REQUIRED") == []
    load(db, report("2002-07-31", [declaration("direct", 3)]))
    assert open_findings(db, "EDECL_REQUIRED") == []
    load(db, report("2002-06-29", [declaration("direct", 2)]))
    assert open_findings(db, "EDECL_REQUIRED") == [("EDECL_REQUIRED", f"enterprise:{ENT}:2002-06")]


def test_agents_are_not_excepted_from_the_five_batch_rule(db):
    load(db, report(declarations=[declaration("manual", 5, agent=True)]))
    assert open_findings(db, "EDECL_REQUIRED") == [("EDECL_REQUIRED", f"enterprise:{ENT}:2002-07")]


def test_a_correction_closes_the_finding_by_itself_and_a_resend_changes_nothing(db):
    load(db, report(declarations=[declaration("direct", 4), declaration("manual", 1)]))
    [again] = load(db, report(declarations=[declaration("direct", 4), declaration("manual", 1)]))
    assert (again["status"], again["findings_opened"]) == ("unchanged", [])
    [fixed] = load(db, report(declarations=[declaration("direct", 5)]))
    assert fixed["status"] == "corrected"
    assert db.execute("SELECT status, closed_by FROM findings WHERE code = 'EDECL_REQUIRED'").fetchone() == (
        "resolved",
        None,
    )
    assert db.execute("SELECT times_received, corrections FROM bureau_reports").fetchone() == (3, 1)
    assert db.execute("SELECT count(*) FROM inspection_declarations").fetchone()[0] == 1


def test_an_operator_resolution_stands_when_the_cause_is_seen_again(db):
    load(db, report(declarations=[declaration("manual", 5)]))
    finding_id = db.execute("SELECT id FROM findings").fetchone()[0]
    findings.resolve(db, finding_id, note="bureau confirmed enterprise moved", at=iso(NOW), actor="alice")
    [result] = load(db, report(declarations=[declaration("manual", 6)]))
    assert result["findings_opened"] == []
    assert db.execute("SELECT status, closed_by FROM findings").fetchone() == ("resolved", "alice")


# PRE_ENTRY_SELF_DECLARER: a non-agent filed through pre_entry (notice 二(一), 二(四))


def test_self_declarer_through_pre_entry_opens_finding(db):
    load(db, report(declarations=[declaration("pre_entry", 1)]))
    assert open_findings(db) == [("PRE_ENTRY_SELF_DECLARER", f"enterprise:{ENT}:2002-07")]


@pytest.mark.parametrize(
    "row", [declaration("pre_entry", 1, agent=True), declaration("pre_entry", 0), declaration("direct", 1)]
)
def test_agents_no_batches_or_other_channels_are_not_pre_entry_findings(db, row):
    load(db, report(declarations=[row]))
    assert open_findings(db) == []


# PLATFORM_FEE_CHARGED: a non-agent charged a platform fee (notice 三), per enterprise and date


def test_the_smallest_fee_to_a_self_declarer_opens_one_finding_per_date(db):
    load(
        db,
        report("2002-07-01", [declaration(fee="0.01")]),
        report("2002-07-02", [declaration(fee="0.00")]),
        report("2002-07-03", [declaration(fee="12.50")], bureau="3100"),
    )
    assert open_findings(db) == [
        ("PLATFORM_FEE_CHARGED", f"enterprise:{ENT}:2002-07-01"),
        ("PLATFORM_FEE_CHARGED", f"enterprise:{ENT}:2002-07-03"),
    ]
    period, detail = db.execute("SELECT period, detail FROM findings ORDER BY period DESC").fetchone()
    assert period == "2002-07-03" and '"total":"12.50"' in detail


def test_agents_may_be_charged_the_platform_fee(db):
    load(db, report(declarations=[declaration(fee="30.00", agent=True)]))
    assert open_findings(db) == []


# CO_EVISA_REQUIRED: 5 or more certificate applications in a month, some on paper (notice 二)


def test_four_applications_with_paper_is_no_finding(db):
    load(db, report(certificates=[certificate(f"C{i}", "paper") for i in range(4)]))
    assert open_findings(db) == []


def test_five_applications_one_on_paper_opens_co_evisa(db):
    load(db, report(certificates=[certificate(f"C{i}") for i in range(4)] + [certificate("C4", "paper")]))
    assert open_findings(db) == [("CO_EVISA_REQUIRED", f"enterprise:{ENT}:2002-07")]


def test_an_application_reported_again_when_issued_counts_once(db):
    pending = [certificate(f"C{i}") for i in range(3)] + [certificate("C3", "paper")]
    load(db, report("2002-07-01", certificates=pending))
    load(db, report("2002-07-02", certificates=[certificate("C3", "paper", issued_at="2002-07-02T10:00:00+08:00")]))
    assert open_findings(db) == []
    load(db, report("2002-07-03", certificates=[certificate("C9", submitted_at="2002-07-03T08:00:00+08:00")]))
    assert open_findings(db) == [("CO_EVISA_REQUIRED", f"enterprise:{ENT}:2002-07")]


def test_application_months_are_shanghai_months(db):
    """23:30 UTC on 30 June is 07:30 on 1 July in Shanghai: those count in July, not June."""
    late_june_utc = [certificate(f"C{i}", "paper", submitted_at="2002-06-30T23:30:00+00:00") for i in range(3)]
    june = [certificate(f"J{i}", "paper", submitted_at="2002-06-30T15:00:00+00:00") for i in range(2)]
    load(db, report("2002-07-01", certificates=late_june_utc + june))
    assert open_findings(db) == []
    load(db, report("2002-07-02", certificates=[certificate(f"K{i}") for i in range(2)]))
    assert open_findings(db) == [("CO_EVISA_REQUIRED", f"enterprise:{ENT}:2002-07")]


# VENDOR_SUPPORT_OVERDUE: routed to an approved vendor, unresolved after 24 hours (notice 四)


def _routed_ticket(db, *, to, routed_at, category="software"):
    ticket_id = hotline.open_ticket(
        db,
        settings=HOTLINE,
        caller="Li",
        phone="0574-8800",
        org="Ningbo Textiles",
        category=category,
        priority=None,
        text="client software cannot sign",
        roles=ANYONE,
        actor="bob",
        now=routed_at - timedelta(hours=2),
    )
    hotline.route_ticket(db, ticket_id, settings=HOTLINE, to=to, roles=ANYONE, actor="bob", now=routed_at)
    return ticket_id


def test_vendor_ticket_opens_24_hours_after_routing_and_closes_when_resolved(db):
    config = load_config()
    late = _routed_ticket(db, to="vendor-jiucheng", routed_at=NOW - timedelta(hours=24))
    _routed_ticket(db, to="vendor-zhongrongji", routed_at=NOW - timedelta(hours=23, minutes=59, seconds=59))
    _routed_ticket(db, to="customs-hotline", routed_at=NOW - timedelta(days=3), category="not-received")
    done = _routed_ticket(db, to="vendor-jiucheng", routed_at=NOW - timedelta(days=3))
    hotline.resolve_ticket(db, done, note="vendor reinstalled the client", roles=ANYONE, actor="bob", now=NOW)
    assert inspection.check_vendor_tickets(db, config, now=NOW) == {"routed": 4, "overdue": 1}
    assert db.execute("SELECT subject, ticket_id FROM findings WHERE status = 'open'").fetchall() == [
        (f"ticket:{late}", late)
    ]
    hotline.resolve_ticket(db, late, note="fixed", roles=ANYONE, actor="bob", now=NOW)
    inspection.check_vendor_tickets(db, config, now=NOW)
    assert open_findings(db) == []


def test_reconcile_checks_vendor_tickets(db):
    from ediops.licensing.reconcile import reconcile

    late = _routed_ticket(db, to="vendor-zhongrongji", routed_at=NOW - timedelta(hours=30))
    reconcile(db, load_config(), now=NOW)
    assert open_findings(db) == [("VENDOR_SUPPORT_OVERDUE", f"ticket:{late}")]


def test_an_application_without_submission_time_counts_in_its_reports_month(db):
    undated = [{k: v for k, v in certificate(f"U{i}", "paper").items() if k != "submitted_at"} for i in range(5)]
    load(db, report("2002-08-01", certificates=undated))
    assert open_findings(db) == [("CO_EVISA_REQUIRED", f"enterprise:{ENT}:2002-08")]


def test_an_unreadable_vendor_directory_leaves_vendor_findings_and_reconcile_alone(db, tmp_path):
    from ediops.licensing.reconcile import reconcile

    late = _routed_ticket(db, to="vendor-jiucheng", routed_at=NOW - timedelta(hours=30))
    inspection.check_vendor_tickets(db, load_config(), now=NOW)
    (tmp_path / "contacts.toml").write_text("[[vendors]\nbroken", encoding="utf-8")
    hotline.resolve_ticket(db, late, note="fixed", roles=ANYONE, actor="bob", now=NOW)
    assert inspection.check_vendor_tickets(db, load_config(tmp_path), now=NOW) == {"routed": 1, "overdue": None}
    reconcile(db, load_config(tmp_path), now=NOW)
    assert open_findings(db) == [("VENDOR_SUPPORT_OVERDUE", f"ticket:{late}")]
