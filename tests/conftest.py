"""Shared fixtures: a real SQLite file per test, and the `ediops` command in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ediops import config as config_mod, i18n, store
from tests.support.world import World

ROOT = Path(__file__).resolve().parent.parent
# The suite reads English unless a test asks for Chinese (--lang zh, or LANG in its env): the
# locale of the machine running it would otherwise choose the language (docs/languages.md).
for _name in i18n.LOCALE_VARIABLES:
    os.environ.pop(_name, None)
os.environ["LANG"] = "C.UTF-8"
# roles.toml as a test's domain calls need it: everyone may act (the role tests use their own).
ANYONE = {"default": "supervisor"}


@pytest.fixture(autouse=True)
def english():
    """Each test starts in English, whatever language the one before it chose in-process."""
    i18n.use("en")
    yield
    i18n.use("en")


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "ediops.db"


@pytest.fixture
def db(db_path):
    database = store.connect(db_path)
    yield database
    database.close()


@pytest.fixture
def desk_db(db):
    """The store the desk's tests and the views' tests read: tests/desk/fixtures.py's day."""
    from tests.desk.fixtures import populate

    populate(db)
    return db


class Cli:
    """Runs the real `ediops` command (python main.py) on a temporary data file."""

    def __init__(self, db_path: Path, now: str | None):
        self.db_path = db_path
        self.now = now

    def __call__(
        self, *args: str, now: str | None = None, input: str | None = None, env: dict | None = None, check: bool = False
    ) -> subprocess.CompletedProcess:
        argv = [sys.executable, str(ROOT / "main.py"), "--db", str(self.db_path)]
        if now or self.now:
            argv += ["--now", now or self.now]
        full_env = {**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})}
        result = subprocess.run(
            argv + list(args), capture_output=True, text=True, input=input, env=full_env, cwd=ROOT, timeout=60
        )
        if check and result.returncode != 0:
            raise AssertionError(f"ediops {' '.join(args)} exited {result.returncode}: {result.stderr}")
        return result

    def json(self, *args: str, **kw):
        result = self(*args, check=True, **kw)
        return json.loads(result.stdout)


@pytest.fixture
def cli(db_path) -> Cli:
    return Cli(db_path, now="2000-10-09T18:00:00+08:00")


@pytest.fixture(scope="session")
def installed():
    """The wheel built from the checkout and pip-installed into a fresh venv outside it, once
    per session (tests/packaging/install.py); the packaging and sshd tests use it. Not under
    pytest's basetemp: another pytest session on the machine prunes old basetemps, and this
    venv must outlive a long run."""
    import shutil
    import tempfile

    from tests.packaging.install import build_wheel, install

    workdir = Path(tempfile.mkdtemp(prefix="ediops-wheel-"))
    try:
        yield install(build_wheel(workdir), workdir / "venv")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def config():
    """The bundled configuration."""
    return config_mod.load()


@pytest.fixture
def world(tmp_path):
    """Real processes on free ports (tests/support/world.py), every one stopped at the end."""
    w = World(tmp_path)
    yield w
    for proc in reversed(w.procs):
        proc.kill()
