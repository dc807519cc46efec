"""Paper against electronic (2000 notice §1, §5): the seven fields compared one by one."""

from __future__ import annotations

import pytest

from ediops.licensing import paper

LICENCE = {
    "licence_no": "00-AA-012345",
    "trader_code": "4403120001",
    "trader_name": "深圳华强进出口公司",
    "hs_code": "1005901000",
    "commodity_name": "玉米",
    "quantity": "1200.500",
    "unit": "TNE",
    "country": "JP",
    "trade_mode": "一般贸易",
    "valid_from": "2000-10-01",
    "valid_to": "2000-12-31",
    "port": "5300",
}
MATCHING = {
    "trader": "深圳华强进出口公司",
    "commodity_name": "玉米",
    "hs_code": "1005901000",
    "quantity": "1200.5",
    "country": "JP",
    "trade_mode": "一般贸易",
    "valid_from": "2000-10-01",
    "valid_to": "2000-12-31",
    "port": "5300",
}


def _verdicts(typed: dict) -> dict:
    return {c.field: c.matches for c in paper.compare(LICENCE, typed)}


def test_the_paper_that_agrees_matches_on_all_seven():
    checks = paper.compare(LICENCE, MATCHING)
    assert [c.field for c in checks] == [f for f, _ in paper.FIELDS] and len(checks) == 7
    assert all(c.matches for c in checks)
    assert paper.note("00-AA-012345", checks) == "paper check of 00-AA-012345: the 7 checked fields match"


@pytest.mark.parametrize(
    "typed, field",
    [
        ({"trader": "深圳华强进出口有限公司"}, "trader"),
        ({"commodity_name": "大米"}, "commodity"),
        ({"hs_code": "1006301000"}, "commodity"),
        ({"quantity": "1200.05"}, "quantity"),
        ({"quantity": "1200.5 KGM"}, "quantity"),
        ({"country": "KR"}, "country"),
        ({"trade_mode": "来料加工"}, "trade_mode"),
        ({"valid_to": "2001-01-31"}, "validity"),
        ({"valid_from": "2000-09-01"}, "validity"),
        ({"port": "5301"}, "port"),
    ],
)
def test_each_field_differing_alone_is_the_only_difference(typed, field):
    verdicts = _verdicts({**MATCHING, **typed})
    assert verdicts.pop(field) is False
    assert all(verdicts.values()), verdicts
    text = paper.note("00-AA-012345", paper.compare(LICENCE, {**MATCHING, **typed}))
    assert "1 of 7 checked fields differ" in text and next(iter(typed.values())) in text


@pytest.mark.parametrize("typed", ["1200.5", "1200.500", "1200.50 TNE", "1,200.5", "１２００.５", " 1200.5000 "])
def test_quantities_are_exact_decimals(typed):
    assert _verdicts({**MATCHING, "quantity": typed})["quantity"] is True


@pytest.mark.parametrize("typed", ["1200.4999", "1200", "twelve hundred", "1200.5.1", "1e3", "-1200.5"])
def test_a_different_or_unreadable_quantity_differs(typed):
    assert _verdicts({**MATCHING, "quantity": typed})["quantity"] is False


def test_codes_are_compared_as_codes_and_names_after_trimming():
    typed = {
        **MATCHING,
        "trader": "4403120001",
        "hs_code": "1005.9010.00",
        "country": " jp",
        "port": "５３００",
        "commodity_name": "  玉米　",
        "valid_from": "2000.10.01",
        "valid_to": "2000年12月31日",
    }
    assert all(_verdicts(typed).values())
    assert _verdicts({**MATCHING, "trader": "4403120001 深圳华强进出口公司"})["trader"] is True
    assert _verdicts({**MATCHING, "trade_mode": "一般 贸易"})["trade_mode"] is False  # as printed


def test_fields_left_empty_are_not_checked():
    checks = paper.compare(LICENCE, {"port": "5301"})
    assert {c.field: c.matches for c in checks} == {
        "trader": None,
        "commodity": None,
        "quantity": None,
        "country": None,
        "trade_mode": None,
        "validity": None,
        "port": False,
    }
    text = paper.note("00-AA-012345", checks)
    assert text.startswith('paper check of 00-AA-012345: 1 of 1 checked fields differ; Port: paper "5301"')
    assert "not checked: Importer / exporter" in text


def test_a_bad_date_says_so():
    check = next(c for c in paper.compare(LICENCE, {"valid_to": "2000-13-40"}) if c.field == "validity")
    assert check.matches is False and "not a date" in check.why
