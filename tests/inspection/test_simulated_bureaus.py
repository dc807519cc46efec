"""The simulator's inspection bureaus: valid docs/inspection.md reports, realistic channel mixes, a day's
report re-sent as filings come in, and the same month for the same seed."""

from __future__ import annotations

from datetime import datetime, timedelta

from ediops.clock import SHANGHAI
from ediops.inspection.reports import validate_report
from ediops.inspection.rules import ELECTRONIC_CHANNELS
from ediops.simulator.bureaus import Bureaus

from tests.desk.inspection.desk import config_with_bureaus

START = datetime(2002, 7, 10, 12, 0, tzinfo=SHANGHAI)


class StepClock:
    def __init__(self, at):
        self.at = at

    def now(self):
        return self.at


def _all(bureaus, code):
    page = bureaus.page(code, None)
    assert page["next"] == str(len(page["reports"]))
    return page["reports"]


def test_reports_are_valid_one_per_day_then_the_day_grows(tmp_path):
    clock = StepClock(START)
    bureaus = Bureaus(config_with_bureaus(tmp_path), clock, seed=7)
    reports = _all(bureaus, "4700")
    assert [r["business_date"] for r in reports] == [f"2002-07-{d:02d}" for d in range(1, 11)]
    for i, report in enumerate(reports):
        validate_report(report, f"report {i}")
    assert bureaus.page("4700", "10") == {"reports": [], "next": "10"}
    clock.at = START + timedelta(minutes=20)
    [later] = bureaus.page("4700", "10")["reports"]
    assert later["business_date"] == "2002-07-10"
    batches = lambda r: sum(d["batches"] for d in r["declarations"])  # noqa: E731
    assert batches(later) >= batches(reports[-1])


def test_channel_mixes_differ_by_bureau_as_the_notice_describes(tmp_path):
    bureaus = Bureaus(config_with_bureaus(tmp_path), StepClock(START + timedelta(days=20)), seed=7)

    def shares(code):
        rows = [d for r in _all(bureaus, code) for d in r["declarations"]]
        total = sum(d["batches"] for d in rows)
        electronic = sum(d["batches"] for d in rows if d["channel"] in ELECTRONIC_CHANNELS)
        kiosk = sum(d["batches"] for d in rows if d["channel"] == "kiosk")
        return electronic * 100 // total, kiosk * 100 // total

    shanghai, ningbo, sichuan = shares("3100"), shares("4700"), shares("5100")
    assert shanghai[0] >= 75 and sichuan[0] <= 60 and ningbo[1] > shanghai[1]


def test_the_same_seed_replays_the_same_month_and_another_differs(tmp_path):
    config = config_with_bureaus(tmp_path)
    first = _all(Bureaus(config, StepClock(START), seed=7), "5100")
    assert first == _all(Bureaus(config, StepClock(START), seed=7), "5100")
    assert first != _all(Bureaus(config, StepClock(START), seed=8), "5100")


def test_hostile_text_gives_one_enterprise_a_hostile_name(tmp_path):
    reports = _all(Bureaus(config_with_bureaus(tmp_path), StepClock(START), seed=7, hostile=True), "3100")
    names = {d["enterprise"]["name"] for r in reports for d in r["declarations"] + r["certificates"]}
    assert any("[" in n or "\x1b" in n or "\u202e" in n or "\x07" in n for n in names)
