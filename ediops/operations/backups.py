"""The daily `backup` window (docs/operations.md): a copy of the store in `backup_dir`, keeping the
newest `backup_keep` (settings.toml). A relative `backup_dir` is taken from the data file's
own directory, so the bundled `backups` lands beside the store whatever the working directory.
The archive files (docs/retention.md) are copied there too, as `archive-YYYY.db`, each only
when it was written since its last copy (they change once a month, at most)."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from ediops.store import maintenance

NAME = re.compile(r"^ediops-\d{8}-\d{6}\.db$")
DEFAULT_DIR = "backups"
DEFAULT_KEEP = 7


def folder(settings: dict, db_path: Path) -> Path:
    configured = Path(str(settings.get("backup_dir") or DEFAULT_DIR)).expanduser()
    return configured if configured.is_absolute() else Path(db_path).parent / configured


def take(db_path: Path, settings: dict, now: datetime) -> tuple[str, str]:
    """One backup named by its instant (Asia/Shanghai), then the oldest beyond the count go.
    Returns (outcome, detail) for the run ledger."""
    target = folder(settings, db_path)
    target.mkdir(parents=True, exist_ok=True)
    dest = maintenance.backup(db_path, target / f"ediops-{now:%Y%m%d-%H%M%S}.db")
    keep = int(settings.get("backup_keep", DEFAULT_KEEP))
    copies = sorted(p for p in target.iterdir() if NAME.match(p.name))
    removed = copies[:-keep] if keep > 0 else []
    for old in removed:
        old.unlink()
    archives = maintenance.backup_archives(db_path, target, "", replace=True)
    size_mb = dest.stat().st_size / 1e6
    copied = f"; archives copied: {', '.join(a.name for a in archives)}" if archives else ""
    return "ok", f"{dest} ({size_mb:.1f} MB); {len(copies) - len(removed)} kept, {len(removed)} removed{copied}"
