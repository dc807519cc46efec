"""The date-sensitive tests again, with the wall clock of every process pinned at each of
tests/calendar/pinned.py's instants: no test may pass only on some days (issue 10: the suite
failed on 1 December, when the demo's bureaus had no certificate application yet).

The tests run in a child pytest (their own processes inherit the pinned clock); the child's
first test checks that the pin took, so a run that silently used the real date fails."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.calendar.pinned import INSTANTS, environment
from tests.packaging.install import ROOT

# the tests that read the wall clock: the demo (which replays office hours at night, and
# whose simulated bureaus build the month so far), and the desk and windows shown on it
DATE_SENSITIVE = [
    "tests/calendar/test_clock_is_pinned.py",
    "tests/test_demo_clock.py",
    "tests/inspection/test_demo.py",
    "tests/e2e/test_demo.py::test_demo_acts_on_an_urgent_licence_and_stops_all_it_started",
]


@pytest.mark.e2e
@pytest.mark.parametrize("name", list(INSTANTS))
def test_the_date_sensitive_tests_pass_at(name, tmp_path):
    env = environment(INSTANTS[name]) | {"EDIOPS_TEST_PINNED_AT": INSTANTS[name]}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "-W", "ignore::pytest.PytestAssertRewriteWarning", "--basetemp", str(tmp_path / "t"),
         *DATE_SENSITIVE],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, f"at {INSTANTS[name]}:\n{done.stdout[-6000:]}\n{done.stderr[-2000:]}"
    assert " passed" in done.stdout and "skipped" not in done.stdout, done.stdout[-2000:]
