"""docs/safeguards.md as a property (hypothesis): arbitrary JSON, hostile tokens included (NaN,
Infinity, huge numbers, lone surrogates, deep nesting, duplicate keys), fed through the one
parser to every validator of outside input and to ingest itself, yields nothing but the
contract's rejections: a Verdict, or an InputError with its reason. Never another exception."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ediops import config as config_mod
from ediops import store
from ediops.clock import parse_instant
from ediops.errors import InputError
from ediops.inspection.reports import validate_report
from ediops import strict_json
from ediops.licensing import contract
from ediops.licensing.customs_answers import _parse as customs_answer
from ediops.licensing.ingest import ingest_batch, ingest_summary

CONFIG = config_mod.load()
NOW = parse_instant("2000-10-09T18:00:00+08:00")
FIELDS = [
    *"licence_no direction issued_on trader party commodity quantity unit country trade_mode".split(),
    *"valid_from valid_to port one_batch remarks agents urgent textile_quota code name hs_code".split(),
    *"batch_id issuer business_date kind record_count sent_at records licence_nos".split(),
    *"customs_code declaration_no action released_on operating_unit accepted rejected reason".split(),
    *"bureau declarations certificates enterprise agent channel batches platform_fee".split(),
]
PLAUSIBLE = st.sampled_from(
    [
        "00-AA-000001",
        "٠٠-AA-٠٠٠١٠١",
        "AA",
        "2000-10-09",
        "1200.500",
        "1" * 26,
        "TNE",
        "5300",
        "export",
        "urgent",
        "release",
        "direct",
        "4700",
        "3302000001",
        "1005901000",
        "JP",
        "x" * 5000,
        "",
        "[b]",
        "\x1b[2J",
    ]
)
LEAF = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(st.characters(codec=None, exclude_categories=()), max_size=8)
    | PLAUSIBLE
)
VALUE = st.recursive(
    LEAF,
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=3), inner, max_size=6),
    max_leaves=40,
)


def _text(value, duplicate: bool, deep: int) -> str:
    text = json.dumps(value)  # NaN, Infinity, \udXXX escapes as Python writes them
    if duplicate and text.startswith("{") and text != "{}":
        text = text[:-1] + ', "batch_id": 1}' if '"batch_id"' in text else '{"x": 1, "x": 2, ' + text[1:]
    if deep:
        text = "[" * deep + text + "]" * deep
    return text


@pytest.fixture(scope="module")
def db():
    folder = Path(tempfile.mkdtemp(prefix="ediops-property-"))
    database = store.connect(folder / "ediops.db")
    yield database
    database.close()


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    value=VALUE,
    duplicate=st.booleans(),
    deep=st.sampled_from([0, 0, 0, 40, 70, 2000]),
    issuer=st.sampled_from(["AA", None]),
)
def test_nothing_but_the_contracts_rejections_comes_out(db, value, duplicate, deep, issuer):
    try:
        parsed = strict_json.loads(_text(value, duplicate, deep))
    except InputError:
        return  # not JSON at all (or too deep to parse): one clear line
    for item in [
        parsed,
        *(parsed if isinstance(parsed, list) else []),
        *(parsed.values() if isinstance(parsed, dict) else []),
    ]:
        verdict, _ = contract.validate_licence(item, issuer=issuer, units=CONFIG.units)
        assert isinstance(verdict, contract.Verdict)
        assert isinstance(contract.validate_writeoff(item, units=CONFIG.units), contract.Verdict)
        for check in (
            contract.batch_identity,
            contract.validate_summary,
            lambda v: validate_report(v, "r"),
            customs_answer,
        ):
            try:
                check(item)
            except InputError:
                pass
        if isinstance(item, dict):
            assert isinstance(contract.validate_batch_header(item), contract.Verdict)
            contract.declared_count(item)
        _ingest(db, item)


def _ingest(db, value) -> None:
    """Ingest stores the value or refuses it with an InputError, and what it stored is JSON."""
    for call in (ingest_batch, ingest_summary):
        try:
            call(db, CONFIG, value, now=NOW, source="file property")
        except InputError:
            continue
    for (raw,) in db.execute("SELECT raw FROM batches ORDER BY rowid DESC LIMIT 1"):
        json.loads(raw, parse_constant=lambda name: pytest.fail(f"{name} stored"))


BATCH_FIELDS = ["batch_id", "issuer", "business_date", "kind", "record_count", "sent_at", "records"]
LICENCE_FIELDS = FIELDS[:18]


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    where=st.sampled_from(["batch", "record", "trader", "commodity"]),
    field=st.sampled_from(BATCH_FIELDS + LICENCE_FIELDS + ["code", "name", "hs_code"]),
    value=VALUE,
    serial=st.integers(min_value=0, max_value=999_999),
)
def test_a_batch_with_any_one_field_made_hostile_is_acknowledged_or_refused(db, where, field, value, serial):
    from tests.support.records import batch, licence

    body = batch(
        licence(f"00-AA-{serial:06d}"), licence(f"00-AA-{(serial + 1) % 10**6:06d}"), batch_id=f"AA-P-{serial}"
    )
    target = {"batch": body, "record": body["records"][0]}.get(where) or body["records"][0][where]
    target[field] = value
    try:
        batch_value = strict_json.loads(json.dumps(body))
        ack = ingest_batch(db, CONFIG, batch_value, now=NOW, source="file property")
    except InputError:
        return
    assert set(ack) >= {"batch_id", "accepted", "rejected"}
    assert all(set(r["reasons"]) <= set(contract.REASONS) for r in ack["rejected"])
    raw = db.execute("SELECT raw FROM batches WHERE batch_id = ?", [ack["batch_id"]]).fetchone()[0]
    json.loads(raw, parse_constant=lambda name: pytest.fail(f"{name} stored"))
