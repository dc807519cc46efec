"""The wheel installs and runs away from the checkout with only its own files (issue 10):
its top-level names are `ediops` and its dist-info; every package of the repository is in it;
the installed program reads its bundled configuration, and `--config DIR` overlays it."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.packaging.install import ROOT

NOW = "2000-10-09T18:00:00+08:00"
DATA = ROOT / "tests" / "data"
# Where each folder of the repository installs (pyproject.toml [tool.setuptools.package-dir]).
INSTALLED_AS = {"ediops": "ediops", "screens": "ediops/screens", "config": "ediops/defaults"}


@pytest.fixture
def away(tmp_path):
    """A working directory outside the checkout and an environment that knows nothing of it."""
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV", "EDIOPS_DB"}}
    env.update(HOME=str(work), XDG_DATA_HOME=str(work / "share"), XDG_STATE_HOME=str(work / "state"))
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if str(ROOT) not in p)
    return work, env


def _run(installed, away, *args, check=True, timeout=60):
    work, env = away
    done = subprocess.run(
        [str(installed.ediops), *args], cwd=work, env=env, capture_output=True, text=True, timeout=timeout
    )
    if check and done.returncode != 0:
        raise AssertionError(f"ediops {' '.join(args)} exited {done.returncode}: {done.stderr}")
    return done


def test_the_wheel_holds_only_the_ediops_package(installed):
    dist_info = [n for n in installed.top_level_names() if n.endswith(".dist-info")]
    assert installed.top_level_names() == {"ediops", *dist_info} and dist_info == ["ediops-0.1.0.dist-info"]


def test_every_package_directory_and_data_file_of_the_repository_is_in_the_wheel(installed):
    in_wheel = set(installed.files())
    tracked = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    expected = set()
    for name in tracked.splitlines():
        top, _, rest = name.partition("/")
        if top in INSTALLED_AS and rest and name.endswith((".py", ".toml", ".tcss", ".mo")):
            expected.add(f"{INSTALLED_AS[top]}/{rest}")
    assert expected, "found no package files in the checkout"
    assert sorted(expected - in_wheel) == []
    folders = {str(Path(n).parent) for n in expected}
    assert {
        "ediops/store/migrations",
        "ediops/screens/kit",
        "ediops/screens/shell",
        "ediops/defaults",
        "ediops/i18n/locale/zh/LC_MESSAGES",
    } <= folders


def test_the_installed_program_runs_from_its_own_files(installed, away):
    work, env = away
    where = subprocess.run(
        [str(installed.python), "-c", "import ediops, ediops.screens, ediops.defaults as d; print(ediops.__file__)"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(where).is_relative_to(installed.venv) and not Path(where).is_relative_to(ROOT)
    for argv in ([str(installed.ediops), "--help"], [str(installed.python), "-m", "ediops", "--help"]):
        done = subprocess.run(argv, cwd=work, env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0 and "ingest" in done.stdout and "desk" in done.stdout, done.stderr


def test_ingest_and_findings_with_the_bundle_and_with_an_overlay(installed, away, tmp_path):
    work, _ = away
    shutil.copy(DATA / "aa_urgent.json", work / "urgent.json")
    bundled = _run(installed, away, "--db", "bundled.db", "--now", NOW, "ingest", "urgent.json")
    assert json.loads(bundled.stdout)["accepted"] == ["00-AA-000101"]
    overlay = tmp_path / "etc"
    overlay.mkdir()
    (overlay / "units.toml").write_text('[units]\nKGM = "kilogram"\n')  # no TNE: the licence's unit
    over = _run(installed, away, "--db", "overlay.db", "--config", str(overlay), "--now", NOW, "ingest", "urgent.json")
    assert json.loads(over.stdout)["rejected"][0]["reasons"] == ["BAD_VALUE"]
    findings = json.loads(_run(installed, away, "--db", "overlay.db", "--now", NOW, "findings", "--json").stdout)
    assert [(f["code"], f["licence_no"]) for f in findings] == [("RECORD_REJECTED", "00-AA-000101")]
    assert json.loads(_run(installed, away, "--db", "bundled.db", "--now", NOW, "findings", "--json").stdout) == []
    assert _run(installed, away, "--config", str(overlay), "config", "check").returncode == 0


def _quiet_peers(folder: Path) -> Path:
    """peers.toml with one issuer on a port nobody listens on (never the bundled 86xx ports,
    where a developer's simulator may run)."""
    from tests.support.harness import free_port

    folder.mkdir(exist_ok=True)
    port = free_port()
    (folder / "peers.toml").write_text(
        f'[[issuers]]\ncode = "AA"\nurl = "http://127.0.0.1:{port}/issuers/AA"\ntoken_env = "EDIOPS_ISSUER_AA_TOKEN"\n'
    )
    return folder


def test_the_daemon_leads_and_stops_on_sigterm(installed, away, tmp_path):
    work, env = away
    overlay = _quiet_peers(tmp_path / "etc")
    log = (work / "daemon.log").open("w")
    daemon = subprocess.Popen(
        [str(installed.ediops), "--db", "d.db", "--config", str(overlay), "daemon"],
        cwd=work,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while "took the lease" not in (text := (work / "daemon.log").read_text()):
            assert daemon.poll() is None and time.monotonic() < deadline, f"daemon never led:\n{text}"
            time.sleep(0.1)
        daemon.send_signal(signal.SIGTERM)
        assert daemon.wait(timeout=15) == 0, (work / "daemon.log").read_text()
    finally:
        if daemon.poll() is None:
            daemon.kill()
            daemon.wait()
    windows = _run(installed, away, "--db", "d.db", "--config", str(overlay), "windows")
    assert windows.stdout.startswith("leader: none"), windows.stdout


def test_the_desk_opens_in_a_terminal(installed, away, tmp_path):
    from tests.e2e.conftest import need
    from tests.e2e.terminal import Tmux
    from tests.e2e.test_desk_ssh import PANE_TITLES

    need(tmux=True)
    work, env = away
    overlay = _quiet_peers(tmp_path / "etc")
    term = Tmux(tmp_path, width=100, height=30)
    term.env.update({k: env[k] for k in ("HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "PATH")})
    try:
        term.start_keeping_status(
            [str(installed.ediops), "--db", str(work / "desk.db"), "--config", str(overlay), "desk"], cwd=work
        )
        term.wait_for(*PANE_TITLES, timeout=30)
        term.send("q")
        assert term.wait_exit(timeout=15) == 0
    finally:
        term.close()
