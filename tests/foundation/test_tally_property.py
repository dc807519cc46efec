"""Property: the tally of `rules.writeoff_causes` equals a simple oracle over any sequence of
release / amend / cancel records, in exact decimals."""
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ediops import rules

LICENCE = {"licence_no": "00-AA-000001", "issuer": "AA", "quantity": "10.000", "unit": "TNE", "port": "5300",
           "valid_from": "2000-01-01", "valid_to": "2000-12-31", "one_batch": False, "direction": "import",
           "trader_code": "1100000001", "party_code": None, "agents": []}

amounts = st.integers(min_value=1, max_value=6000).map(lambda n: Decimal(n) / 1000)
records = st.lists(st.tuples(st.sampled_from(["release", "amend", "cancel"]),
                             st.sampled_from(["D1", "D2", "D3", "D4"]), amounts,
                             st.sampled_from(["TNE", "TNE", "KGM"])), max_size=25)


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
    writeoffs = [{"licence_no": "00-AA-000001", "declaration_no": d, "action": action, "customs_code": "5300",
                  "quantity": None if action == "cancel" else str(amount), "released_on": "2000-06-01",
                  "unit": None if action == "cancel" else unit, "operating_unit": {"code": "1100000001"}}
                 for action, d, amount, unit in sequence]
    _, tally, causes = rules.writeoff_causes("00-AA-000001", LICENCE, writeoffs)
    expected = oracle(sequence)
    assert tally.used == expected
    assert tally.remaining == Decimal("10") - expected
    assert any(c.code == rules.OVER_QUANTITY for c in causes) == (expected > Decimal("10"))
    assert tally.uses == len({d for action, d, _, _ in sequence if action == "release"})
