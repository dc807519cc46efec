"""One test per docs/wire.md rejection reason, each through `ingest_batch` and its ack."""

from ediops.licensing import contract
from ediops.licensing.ingest import ingest_batch

from tests.support.records import DROP, NOW, batch, licence


def _reasons(db, config, record, **batch_args):
    ack = ingest_batch(db, config, batch(record, **batch_args), now=NOW, source="test")
    assert ack["accepted"] == []
    [rejection] = ack["rejected"]
    return rejection


def test_MISSING_FIELD(db, config):
    """docs/wire.md: licence_no, direction, issued_on, trader, commodity, quantity, unit, country, trade_mode,
    valid_from, valid_to, port and one_batch are required."""
    rejection = _reasons(db, config, licence(port=DROP))
    assert rejection == {"licence_no": "00-AA-000001", "reasons": ["MISSING_FIELD"]}
    assert _reasons(db, config, licence("00-AA-000002", one_batch=DROP))["reasons"] == ["MISSING_FIELD"]


def test_BAD_VALUE(db, config):
    """docs/wire.md BAD_VALUE: malformed code, date, quantity, unknown unit."""
    cases = [
        dict(port="53"),
        dict(issued_on="2000-13-01"),
        dict(quantity="1.2345"),
        dict(quantity="0"),
        dict(quantity=1200.5),
        dict(unit="XXX"),
        dict(direction="sideways"),
        dict(trader={"code": "short", "name": "x"}),
        dict(commodity={"hs_code": "1005", "name": "Maize"}),
    ]
    for i, change in enumerate(cases, 1):
        rejection = _reasons(db, config, licence(f"00-AA-00000{i}", **change), batch_id=f"B{i}")
        assert rejection["reasons"] == ["BAD_VALUE"], change


def test_ISSUER_MISMATCH(db, config):
    """docs/wire.md: the licence number's issuer code must equal the batch's issuer."""
    assert _reasons(db, config, licence("00-AB-000001"))["reasons"] == ["ISSUER_MISMATCH"]


def test_VALIDITY_RANGE(db, config):
    """docs/wire.md: valid_to >= valid_from."""
    record = licence(valid_from="2000-12-31", valid_to="2000-10-09")
    assert _reasons(db, config, record)["reasons"] == ["VALIDITY_RANGE"]


def test_TEXTILE_EXCLUDED(db, config):
    """Notice clause 1: 对配额许可证管理的商品(纺织品配额出口许可证除外) - textile export quota
    licences are outside networked verification."""
    assert _reasons(db, config, licence(textile_quota=True))["reasons"] == ["TEXTILE_EXCLUDED"]


def test_DUPLICATE_CONFLICT(db, config):
    """docs/wire.md: the same licence number already accepted with different content is rejected and
    never overwrites what was accepted."""
    ingest_batch(db, config, batch(licence()), now=NOW, source="test")
    rejection = _reasons(db, config, licence(quantity="2000"), batch_id="AA-20001009-02")
    assert rejection["reasons"] == ["DUPLICATE_CONFLICT"]
    assert db.execute("SELECT quantity FROM licences").fetchall() == [("1000.000",)]


def test_several_reasons_are_all_given(db, config):
    record = licence("00-AB-000001", port=DROP, unit="XXX", textile_quota=True)
    assert _reasons(db, config, record)["reasons"] == [
        "MISSING_FIELD",
        "BAD_VALUE",
        "ISSUER_MISMATCH",
        "TEXTILE_EXCLUDED",
    ]


def test_unreadable_record_is_rejected_with_null_number(db, config):
    """docs/wire.md: a record that cannot be read at all is rejected with the licence number it shows, or null."""
    assert _reasons(db, config, "not a licence") == {"licence_no": None, "reasons": ["BAD_VALUE"]}


def test_every_reason_is_covered_here():
    names = {name for name in globals() if name.startswith("test_")}
    assert {f"test_{reason}" for reason in contract.REASONS} <= names
