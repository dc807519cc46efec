"""Property: the tally of `rules.writeoff_causes`, and of the store, equals a simple oracle
over any sequence of release / amend / cancel records, in exact decimals."""

from decimal import Decimal

from hypothesis import example, given, settings
from hypothesis import strategies as st

import tempfile
from pathlib import Path

from ediops import config as config_mod
from ediops import store
from ediops.licensing import rules
from ediops.licensing.ingest import ingest_batch
from ediops.licensing.writeoffs import apply_writeoffs
from ediops.licensing.licence import licence_view

from tests.support.records import NOW, batch, licence, writeoff

LICENCE = {
    "licence_no": "00-AA-000001",
    "issuer": "AA",
    "quantity": "10.000",
    "unit": "TNE",
    "port": "5300",
    "valid_from": "2000-01-01",
    "valid_to": "2000-12-31",
    "one_batch": False,
    "direction": "import",
    "trader_code": "1100000001",
    "party_code": None,
    "agents": [],
}

amounts = st.integers(min_value=1, max_value=6000).map(lambda n: Decimal(n) / 1000)
records = st.lists(
    st.tuples(
        st.sampled_from(["release", "amend", "cancel"]),
        st.sampled_from(["D1", "D2", "D3", "D4"]),
        amounts,
        st.sampled_from(["TNE", "TNE", "KGM"]),
    ),
    max_size=25,
)


def oracle(sequence) -> Decimal:
    """A declaration counts if it was released and never cancelled; its quantity and unit are
    those of its last record other than its first release (else the first release's)."""
    used = Decimal(0)
    for declaration in {d for action, d, _, _ in sequence if action == "release"}:
        mine = [(action, amount, unit) for action, d, amount, unit in sequence if d == declaration]
        if any(action == "cancel" for action, _, _ in mine):
            continue
        first = next(i for i, (action, _, _) in enumerate(mine) if action == "release")
        later = [m for i, m in enumerate(mine) if i != first]
        _, amount, unit = later[-1] if later else mine[first]
        used += amount if unit == "TNE" else 0
    return used


@settings(max_examples=300, deadline=None)
@given(records)
def test_tally_matches_oracle(sequence):
    writeoffs = [
        {
            "licence_no": "00-AA-000001",
            "declaration_no": d,
            "action": action,
            "customs_code": "5300",
            "quantity": None if action == "cancel" else str(amount),
            "released_on": "2000-06-01",
            "unit": None if action == "cancel" else unit,
            "operating_unit": {"code": "1100000001"},
        }
        for action, d, amount, unit in sequence
    ]
    _, tally, causes = rules.writeoff_causes("00-AA-000001", LICENCE, writeoffs)
    expected = oracle(sequence)
    assert tally.used == expected
    assert tally.remaining == Decimal("10") - expected
    assert any(c.code == rules.OVER_QUANTITY for c in causes) == (expected > Decimal("10"))
    assert tally.uses == len({d for action, d, _, _ in sequence if action == "release"})


@settings(max_examples=40, deadline=None)
@given(records)
@example(
    [
        ("release", "D1", Decimal(1), "TNE"),
        ("amend", "D1", Decimal(2), "TNE"),
        ("amend", "D1", Decimal(11), "TNE"),
        ("amend", "D1", Decimal(2), "TNE"),
    ]
)
def test_store_tally_and_finding_match_oracle(sequence):
    """The same property through the store, three records a page. The store keeps a record
    sent twice once (content hash), so the oracle sees each distinct record once."""
    config = config_mod.load()
    with tempfile.TemporaryDirectory() as folder:
        db = store.connect(Path(folder) / "p.db")
        ingest_batch(db, config, batch(licence(quantity="10", valid_to="2000-12-31")), now=NOW, source="test")
        records = [writeoff(d, action, quantity=str(amount), unit=unit) for action, d, amount, unit in sequence]
        for start in range(0, len(records), 3):
            apply_writeoffs(db, config, records[start : start + 3], now=NOW, source="test")
        expected = oracle(list(dict.fromkeys(sequence)))
        assert licence_view(db, "00-AA-000001", now=NOW)["tally"]["used"] == rules.exact(expected)
        over = db.execute("SELECT count(*) FROM findings WHERE code = 'OVER_QUANTITY' AND status = 'open'").fetchone()
        assert over == (int(expected > 10),)
        db.close()
