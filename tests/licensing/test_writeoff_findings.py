"""The write-off findings of docs/findings.md, one test per code, through `apply_writeoffs` on a real store."""

from ediops.licensing import rules
from ediops.licensing.ingest import ingest_batch
from ediops.licensing.writeoffs import apply_writeoffs

from tests.support.records import AGENT, NOW, PARTY, batch, licence, writeoff


def _accept(db, config, *records):
    ack = ingest_batch(db, config, batch(*records), now=NOW, source="test")
    assert ack["rejected"] == []


def _apply(db, config, *records):
    return apply_writeoffs(db, config, list(records), now=NOW, source="test")


def _open(db, code=None):
    sql = "SELECT code, subject FROM findings WHERE status = 'open'" + (" AND code = ?" if code else "")
    return sorted(db.execute(sql + " ORDER BY code, subject", [code] if code else []).fetchall())


def _declarations(db, code):
    return [subject.split(":", 1)[1] for _, subject in _open(db, code)]


def test_UNKNOWN_LICENCE(db, config):
    """docs/findings.md: write-off for a licence the centre never accepted (notice clause 1: 纸面证书与许可证电子
    数据同时作为监管依据 - paper and electronic data are both needed); closes once it is accepted."""
    _apply(db, config, writeoff("D1"))
    assert _open(db) == [("UNKNOWN_LICENCE", "declaration:D1")]
    _accept(db, config, licence())
    assert _open(db) == []


def test_UNIT_MISMATCH(db, config):
    """Notice clause 6: 核销(放行)时使用的计量单位应与许可证使用的计量单位相一致; the quantity is
    then left out of the tally."""
    _accept(db, config, licence(quantity="100"))
    _apply(db, config, writeoff("D1", quantity="50"), writeoff("D2", quantity="90000", unit="KGM"))
    assert _open(db) == [("UNIT_MISMATCH", "declaration:D2")]
    row = db.execute("SELECT quantity, unit FROM releases WHERE declaration_no = 'D2'").fetchone()
    assert row == ("90000", "KGM")


def test_PORT_MISMATCH(db, config):
    """Notice clause 5: 报关口岸 is checked; 8(5): 可在同一口岸多次报关 (at the same port)."""
    _accept(db, config, licence())
    _apply(db, config, writeoff("D1"), writeoff("D2", customs_code="4200"))
    assert _open(db) == [("PORT_MISMATCH", "declaration:D2")]


def test_OUTSIDE_VALIDITY(db, config):
    """Notice clause 5: 有效期 is checked: released_on outside valid_from..valid_to."""
    _accept(db, config, licence())
    _apply(
        db,
        config,
        writeoff("D1", released_on="2000-10-09"),
        writeoff("D2", released_on="2000-12-31"),
        writeoff("D3", released_on="2001-01-01"),
        writeoff("D4", released_on="2000-10-08"),
    )
    assert _declarations(db, "OUTSIDE_VALIDITY") == ["D3", "D4"]


def test_ONE_BATCH_REUSED(db, config):
    """Notice clause 8(5): only a "非一批一证" licence may be declared more than once; a
    one-batch (一批一证) licence flags its second release declaration, cancelled or not."""
    _accept(db, config, licence(one_batch=True))
    _apply(db, config, writeoff("D1", quantity="10"), writeoff("D1", "cancel", quantity=None, unit=None))
    assert _open(db) == []
    _apply(db, config, writeoff("D2", quantity="10"))
    assert _open(db) == [("ONE_BATCH_REUSED", "declaration:D2")]


def test_USE_LIMIT_EXCEEDED(db, config):
    """Notice clause 8(5): "非一批一证"的进出口许可证，可在同一口岸多次报关，但最多不能超过十二次.
    The 12th release is fine, the 13th is flagged."""
    _accept(db, config, licence())
    _apply(db, config, *[writeoff(f"D{i:02}", quantity="1") for i in range(1, 13)])
    assert _open(db) == []
    _apply(db, config, writeoff("D13", quantity="1"))
    assert _open(db) == [("USE_LIMIT_EXCEEDED", "declaration:D13")]


def test_USE_LIMIT_EXCEEDED_counts_cancelled_releases(db, config):
    """Notice clause 6: after 退关 the endorsement is annotated, not erased: the slot stays used."""
    _accept(db, config, licence())
    _apply(db, config, *[writeoff(f"D{i:02}", quantity="1") for i in range(1, 13)])
    _apply(db, config, writeoff("D05", "cancel"), writeoff("D13", quantity="1"))
    assert _open(db) == [("USE_LIMIT_EXCEEDED", "declaration:D13")]
    assert db.execute("SELECT status, slot FROM releases WHERE declaration_no = 'D05'").fetchone() == ("cancelled", 5)


def test_OVER_QUANTITY(db, config):
    """Notice clauses 5-6: 数量 is checked and 签注数量应与反馈的核销(放行)数量的电子数据相一致; the
    releases that stand may not exceed the licence. An amend or a cancel closes it."""
    _accept(db, config, licence(quantity="100"))
    _apply(db, config, writeoff("D1", quantity="60"), writeoff("D2", quantity="50"))
    assert _open(db) == [("OVER_QUANTITY", "licence:00-AA-000001")]
    _apply(db, config, writeoff("D2", "amend", quantity="40"))
    assert _open(db) == []
    _apply(db, config, writeoff("D3", quantity="0.001"))
    assert _open(db) == [("OVER_QUANTITY", "licence:00-AA-000001")]
    _apply(db, config, writeoff("D3", "cancel", quantity=None, unit=None))
    assert _open(db) == []


def test_exact_decimals_are_not_over(db, config):
    """0.1 + 0.1 + 0.1 against 0.3 is exactly 0.3, not over (it would be in float)."""
    _accept(db, config, licence(quantity="0.3"))
    _apply(db, config, *[writeoff(f"D{i}", quantity="0.1") for i in range(3)])
    assert _open(db) == []


def test_unit_mismatch_is_left_out_of_the_tally(db, config):
    _accept(db, config, licence(quantity="100"))
    _apply(db, config, writeoff("D1", quantity="100"), writeoff("D2", quantity="5", unit="KGM"))
    assert _open(db, "OVER_QUANTITY") == []


def test_OPERATING_UNIT_MISMATCH(db, config):
    """Notice clause 8(1)-(2): 经营单位应与许可证上的进(出)口商或收(发)货人一致; for export it may
    also be an enterprise named in the remarks (agents)."""
    _accept(db, config, licence(), licence("00-AA-000002", direction="import"))
    _apply(
        db,
        config,
        writeoff("E1", operating_unit=PARTY),
        writeoff("E2", operating_unit={"code": AGENT, "name": "a"}),
        writeoff("E3", operating_unit={"code": "9999999999", "name": "x"}),
        writeoff("I1", number="00-AA-000002", operating_unit={"code": AGENT, "name": "a"}),
        writeoff("I2", number="00-AA-000002", operating_unit=PARTY),
    )
    assert _declarations(db, "OPERATING_UNIT_MISMATCH") == ["E3", "I1"]
    enterprise = db.execute("SELECT enterprise FROM findings WHERE declaration_no = 'E3'").fetchone()
    assert enterprise == ("9999999999",)


def test_ORPHAN_CORRECTION(db, config):
    """Notice clause 6: 因故退关或签注发生更改 ... 同时应对电子数据作相应修改 - a correction needs a
    release to correct. If the release arrives later, the finding closes and the correction applies."""
    _accept(db, config, licence(quantity="100"))
    _apply(db, config, writeoff("D1", "amend", quantity="150"))
    assert _open(db) == [("ORPHAN_CORRECTION", "declaration:D1")]
    _apply(db, config, writeoff("D1", quantity="50"))
    assert _open(db) == [("OVER_QUANTITY", "licence:00-AA-000001")]
    assert db.execute("SELECT quantity FROM releases").fetchone() == ("150",)


def test_same_writeoff_twice_is_a_no_op(db, config):
    _accept(db, config, licence())
    assert _apply(db, config, writeoff("D1"))["stored"] == 1
    assert _apply(db, config, writeoff("D1")) == {"received": 1, "stored": 0, "duplicates": 1, "invalid": 0}
    assert db.execute("SELECT count(*) FROM writeoffs").fetchone() == (1,)
    assert db.execute("SELECT event FROM licence_events ORDER BY id").fetchall() == [("received",), ("released",)]


def test_invalid_writeoff_is_kept_and_flagged_not_applied(db, config):
    _accept(db, config, licence())
    counts = _apply(db, config, writeoff("D1", quantity="lots"), writeoff("D1", quantity="lots"))
    assert counts["invalid"] == 2
    assert db.execute("SELECT count(*) FROM writeoffs").fetchone() == (0,)
    assert db.execute("SELECT count(*) FROM rejections").fetchone() == (1,)
    assert [code for code, _ in _open(db)] == ["RECORD_REJECTED"]


def test_every_writeoff_code_has_its_test():
    names = set(globals())
    assert {f"test_{code}" for code in rules.WRITEOFF_CODES} <= names
