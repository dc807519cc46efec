"""A window run's detail says its peer once (issue 24, item 10: `customs: customs: GET ...`)."""

from __future__ import annotations

import pytest

from ediops import store

pytestmark = pytest.mark.integration
EVENING = "2000-10-09T23:00:00+08:00"


def test_pull_writeoffs_with_customs_down_names_customs_once(world):
    world.configure(issuers=1, windows={}, settings={"peer_attempts": 1})
    world.simulator(now=EVENING, faults=("down=customs",))
    result = world.cli("run", "pull-writeoffs", now=EVENING)
    assert result.returncode in (0, 1), result.stderr
    db = store.connect(world.db_path)
    detail = db.execute("SELECT detail FROM window_runs WHERE window = 'pull-writeoffs'").fetchone()[0]
    assert detail.startswith("customs: ") and "customs: customs:" not in detail, detail
