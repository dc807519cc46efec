"""docs/safeguards.md file modes: a new store and its -wal/-shm files are group-writable and never
world-readable, whatever the umask (before: 0640 under UMask=0007, a traceback for the desks
of the group; world-readable under 022); in a setgid directory they take its group."""

from __future__ import annotations

import grp
import os
import stat

import pytest

from ediops import store


@pytest.fixture
def umask():
    old = os.umask(0o022)
    yield os.umask
    os.umask(old)


@pytest.mark.parametrize("mask", [0o007, 0o022, 0o077, 0o000])
def test_a_new_store_is_0660_whatever_the_umask(tmp_path, umask, mask):
    umask(mask)
    shared = tmp_path / "shared"
    shared.mkdir()
    group = grp.getgrnam("nogroup").gr_gid if _has("nogroup") else os.getgid()
    os.chown(shared, -1, group)
    os.chmod(shared, 0o2770)  # group-writable, setgid: docs/ssh.md
    path = shared / "ediops.db"
    db = store.connect(path)
    with store.write(db):
        db.execute("CREATE TABLE probe (x)")  # the -wal and -shm exist while the connection is open
    for name in ("ediops.db", "ediops.db-wal", "ediops.db-shm"):
        info = (shared / name).stat()
        assert stat.S_IMODE(info.st_mode) == 0o660, (name, oct(info.st_mode))
        assert info.st_gid == group, name
    db.close()


def test_the_mode_is_a_setting(tmp_path, cli):
    settings = tmp_path / "config"
    settings.mkdir()
    from ediops.config import BUNDLED

    text = (
        (BUNDLED / "settings.toml")
        .read_text(encoding="utf-8")
        .replace('data_file_mode = "0660"', 'data_file_mode = "0600"')
    )
    (settings / "settings.toml").write_text(text, encoding="utf-8")
    target = tmp_path / "private.db"
    result = cli("--db", str(target), "--config", str(settings), "windows")
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_an_existing_store_keeps_its_mode(tmp_path):
    path = tmp_path / "ediops.db"
    store.connect(path).close()
    os.chmod(path, 0o640)
    store.connect(path).close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def _has(name: str) -> bool:
    try:
        grp.getgrnam(name)
        return True
    except KeyError:
        return False
