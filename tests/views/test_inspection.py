"""The read-only queries of the inspection screen, on a real store."""

from __future__ import annotations

from ediops.inspection import reports as inspection
from ediops.views import inspection as view

from tests.inspection.reports import ENT, NOW, certificate, declaration, report


def _load(db):
    inspection.load_reports(
        db,
        None,
        [
            report(
                "2002-07-01",
                [
                    declaration("direct", 3),
                    declaration("manual", 1, fee="2.50"),
                    declaration("pre_entry", 2, code="3302000002", agent=True, fee="9.00"),
                ],
                [certificate("C1"), certificate("C2", "paper")],
            ),
            report("2002-07-02", [declaration("kiosk", 1), declaration("pre_entry", 1, code="3302000003", fee="1.25")]),
            report("2002-07-02", [declaration("browser", 4, code="3302000004")], bureau="3100"),
            report("2002-06-30", [declaration("manual", 7)]),
        ],
        now=NOW,
        source="test",
    )


def test_bureau_month_shares_fees_and_daily_series(db):
    _load(db)
    found = view.bureau_month(db, "2002-07", configured=("9900",))
    assert [b["bureau"] for b in found] == ["3100", "4700", "9900"]
    rows = {b["bureau"]: b for b in found}
    b = rows["4700"]
    assert (b["batches"], b["electronic"], b["edecl_share"]) == (8, 4, 50)
    assert (b["applications"], b["evisas"], b["evisa_share"]) == (2, 1, 50)
    assert (b["pre_entry"], b["fees"], b["fees_charged"]) == (1, "3.75", 2)
    assert b["daily"] == [50, 50]
    assert rows["3100"]["edecl_share"] == 100 and rows["3100"]["evisa_share"] is None
    assert rows["9900"]["batches"] == 0 and rows["9900"]["edecl_share"] is None


def test_findings_of_month_are_this_months_only_most_pressing_first(db):
    _load(db)
    found = view.findings_of_month(db, "2002-07")
    assert [(f["code"], f["enterprise"], f["period"]) for f in found] == [
        ("EDECL_REQUIRED", ENT, "2002-07"),
        ("PRE_ENTRY_SELF_DECLARER", "3302000003", "2002-07"),
        ("PLATFORM_FEE_CHARGED", ENT, "2002-07-01"),
        ("PLATFORM_FEE_CHARGED", "3302000003", "2002-07-02"),
    ]
    assert found[0]["name"] == "Ningbo Textiles"
    assert found[0]["summary"] == "5 batches, not electronic: manual 1"


def test_enterprise_month_drill_down(db):
    _load(db)
    month = view.enterprise_month(db, ENT, "2002-07")
    assert (month["batches"], month["electronic"], month["edecl_share"]) == (5, 4, 80)
    assert month["by_channel"] == {"direct": 3, "kiosk": 1, "manual": 1}
    assert (month["applications"], month["evisas"], month["fees"]) == (2, 1, "2.50")
    assert [f["code"] for f in month["findings"]] == ["EDECL_REQUIRED", "PLATFORM_FEE_CHARGED"]
    assert view.enterprise_month(db, ENT, "2002-08") is None


def test_month_of_is_the_shanghai_month():
    from datetime import datetime, timezone

    assert view.month_of(datetime(2002, 6, 30, 16, 30, tzinfo=timezone.utc)) == "2002-07"
