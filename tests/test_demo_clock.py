"""The demo replays office hours at night, so `make demo` never opens on an empty desk."""

from ediops.clock import Clock, parse_instant
from ediops.demo import office_hours_clock


def test_night_is_replayed_from_half_past_ten_on_a_running_clock():
    night = Clock()  # real time, pinned to a night instant for the test
    night.now = lambda: parse_instant("2026-11-23T01:40:00+08:00")
    replay = office_hours_clock(night)
    assert replay.replayed
    assert replay.now() >= parse_instant("2026-11-23T10:30:00+08:00")
    assert replay.now().date().isoformat() == "2026-11-23"


def test_office_hours_keep_real_time():
    day = Clock()
    day.now = lambda: parse_instant("2026-11-23T11:00:00+08:00")
    assert office_hours_clock(day) is day


def test_an_operators_now_is_always_kept():
    given = Clock(parse_instant("2000-10-09T03:00:00+08:00"), frozen=False)
    assert office_hours_clock(given) is given
