"""docs/safeguards.md with real processes: known tokens appear in no log, crash log or data file;
a window run cut off by its leader's death is failed and run again by the next leader; the
simulator's /control works from every port, its own included."""

from __future__ import annotations

import re
import shutil
import signal

import httpx
import pytest

from ediops import config as config_mod
from ediops import store
from tests.support.harness import wait_until

pytestmark = pytest.mark.integration
EVENING = "2000-10-09T23:00:00+08:00"
OCCURRENCE = "2000-10-09T23:00:00+08:00"


def _rows(db_path, sql, args=()):
    db = store.connect(db_path)
    try:
        return db.execute(sql, args).fetchall()
    finally:
        db.close()


def test_known_tokens_reach_no_log_crash_log_or_data_file(world):
    world.configure(issuers=3)
    config = config_mod.load(world.config_dir)
    aa, ab = config.issuers[0], config.issuers[1]
    # AA's token from a file with a comment line (before: the whole file went into the header
    # and the error text); AB's a non-ASCII token (before: an uncaught UnicodeEncodeError).
    token_file = world.folder / "aa.token"
    token_file.write_text(f"{world.env[aa.token_env]}\n# rotated by ops, old one was {world.env[aa.token_env]}x\n")
    bad_file = world.folder / "ab.token"
    bad_file.write_text("tøken-with-ümlauts\n", encoding="utf-8")
    peers = (world.config_dir / "peers.toml").read_text(encoding="utf-8")
    peers = peers.replace(f'token_env = "{aa.token_env}"', f'token_file = "{token_file}"')
    peers = peers.replace(f'token_env = "{ab.token_env}"', f'token_file = "{bad_file}"')
    daemon_config = world.folder / "daemon-config"
    shutil.copytree(world.config_dir, daemon_config)
    (daemon_config / "peers.toml").write_text(peers, encoding="utf-8")
    sim = world.simulator(now=EVENING, faults=("unauthorized=customs",))  # 401s: error texts everywhere
    from tests.support.harness import Proc

    env = {k: v for k, v in world.env.items() if k not in (aa.token_env, ab.token_env)}
    daemon = Proc(
        "daemon",
        ["daemon", "--db", str(world.db_path), "--config", str(daemon_config), "--now", EVENING],
        env=env | {"EDIOPS_LOG_DIR": str(world.folder / "logs")},
        folder=world.folder,
    )
    world.procs.append(daemon)
    wait_until(
        lambda: _rows(world.db_path, "SELECT count(*) FROM batches WHERE issuer = ?", [aa.code])[0][0],
        timeout=40,
        what="issuer AA polled with its token file's first line",
    )
    wait_until(
        lambda: _rows(world.db_path, "SELECT last_error FROM peer_health WHERE peer = ?", [ab.name]),
        timeout=20,
        what="issuer AB's bad token recorded",
    )
    assert daemon.stop() == 0
    sim.stop()
    [(error,)] = _rows(world.db_path, "SELECT last_error FROM peer_health WHERE peer = ?", [ab.name])
    assert str(bad_file) in error and "visible ASCII" in error
    output = daemon.output()
    assert "Traceback" not in output and "UnicodeEncodeError" not in output
    secrets_ = [v for v in world.env.values()] + ["tøken-with-ümlauts"]
    leaks = []
    for path in world.folder.rglob("*"):
        if not path.is_file() or path in (token_file, bad_file) or path.parent.name.endswith("config"):
            continue
        data = path.read_bytes()
        leaks += [(path.name, s) for s in secrets_ if s.encode() in data]
    assert leaks == []


def test_a_run_cut_off_by_its_leaders_death_is_failed_and_run_again(world):
    world.configure(
        issuers=2,
        windows={"forward-customs": 'hour = "23", minute = "0"'},
        settings={"lease_seconds": 3, "peer_deadline_seconds": 120},
    )
    sim = world.simulator(now="2000-10-09T22:59:52+08:00", faults=("slow=customs:60",))
    first = world.daemon("first", now="2000-10-09T22:59:52+08:00")  # polls first; the window at 23:00
    wait_until(
        lambda: _rows(
            world.db_path,
            "SELECT 1 FROM window_runs WHERE window = 'forward-customs' AND outcome = 'running' AND occurrence = ?",
            [OCCURRENCE],
        ),
        timeout=30,
        what="the forward-customs run under way",
    )
    wait_until(lambda: sim.stats()["customs"]["posts"] >= 1, timeout=30, what="its POST waiting on customs")
    first.signal(signal.SIGKILL)
    first.proc.wait(10)
    sim.control(slow={})
    second = world.daemon("second", now="2000-10-09T23:00:40+08:00")
    second.wait_for("took the lease", timeout=20)

    def rerun():
        rows = _rows(
            world.db_path,
            "SELECT outcome, detail, interrupted_at FROM window_runs WHERE window = 'forward-customs' AND occurrence = ?",
            [OCCURRENCE],
        )
        return rows if rows and rows[0][0] not in ("running", "failed") else None

    [(outcome, detail, interrupted_at)] = wait_until(rerun, timeout=40, what="the interrupted run run again")
    assert interrupted_at is not None and "run again: its leader died mid-run" in detail, detail
    assert re.search(r"interrupted: marked failed", second.output())


def test_control_works_from_every_port_its_own_included(world):
    world.configure(issuers=2)
    sim = world.simulator(now=EVENING)
    config = config_mod.load(world.config_dir)
    answer = httpx.post(f"{config.customs.url}/control", json={"down": ["customs"]}, timeout=10)
    assert answer.status_code == 200 and answer.json()["down"] == ["customs"]  # before: cancelled, no answer

    def refused():
        try:
            httpx.get(f"{config.customs.url}/stats", timeout=2)
        except httpx.ConnectError:
            return True
        return False

    wait_until(refused, timeout=10, what="customs down")
    assert httpx.post(f"{config.ministry.url}/control", json={"down": []}, timeout=10).status_code == 200
    wait_until(lambda: not refused(), timeout=10, what="customs up again")  # before: down for good
    assert sim.proc.poll() is None
