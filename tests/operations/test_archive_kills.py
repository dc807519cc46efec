"""`ediops archive` killed (SIGKILL) at random points loses nothing and, once a run completes,
doubles nothing (docs/retention.md). A handful of kills here; `python -m bench.archive_kills`
runs many more."""

from __future__ import annotations

import random

from bench.archive_kills import kill_at_random, setup


def test_archive_killed_at_random_points_loses_and_doubles_nothing(tmp_path):
    db_path, config = setup(tmp_path, licences=400, releases=1000, chunk=10)
    seed = random.randrange(1_000_000)
    done = kill_at_random(db_path, config, kills=4, seed=seed)
    assert done["rows_left_in_store"] < done["rows"] / 10, (done, seed)  # the run did move the licences
