"""The work of each transmission window; each returns (outcome, detail) for the run ledger.
The leader's feeds between windows, and the urgent path, are scheduling/polling.py's."""

from __future__ import annotations

import asyncio

from ediops.peers import acks, bureaus, customs, feeds, ministry
from ediops.licensing.reconcile import reconcile
from ediops.peers.runtime import Engine


def _reconcile_now(engine: Engine) -> dict:
    return reconcile(engine.db, engine.config, now=engine.clock.now())


async def poll_feeds(engine: Engine) -> tuple[str, str]:
    """Polls, ingests and acknowledges; sends urgent licences; refreshes the time-based findings
    (FEED_UNREACHABLE, ACK_UNDELIVERED, URGENT_OVERDUE...) so they never wait for `reconcile`."""
    outcome, detail = await feeds.poll_all(engine)
    urgent = await customs.forward_urgent(engine)
    inspection_outcome, inspection_detail = await bureaus.poll_bureaus(engine)  # 2002 notice, docs/inspection.md
    _reconcile_now(engine)
    outcome = outcome if inspection_outcome == "ok" else "partial"
    return outcome, f"{detail}; {urgent} urgent forwards answered; {inspection_detail}"


async def reconcile_window(engine: Engine) -> tuple[str, str]:
    stored = await feeds.fetch_summaries(engine)
    result = _reconcile_now(engine)
    opened = ", ".join(f"{code} {n}" for code, n in result["open"].items() if n) or "none"
    return "ok", f"{stored} summaries fetched; open: {opened}"


async def backup_window(engine: Engine) -> tuple[str, str]:
    """A copy of the store in `backup_dir` (docs/operations.md), made in a thread: the leader goes on."""
    from ediops.operations.backups import take
    from ediops.store.maintenance import database_path

    try:
        return await asyncio.to_thread(take, database_path(engine.db), engine.config.settings, engine.clock.now())
    except OSError as exc:  # the backup's disk (full, failing): a failed backup, not a store that cannot write
        return "failed", f"backup: {exc}"


async def archive_window(engine: Engine) -> tuple[str, str]:
    """Licences past retention into the archive files (docs/retention.md), in a thread on a
    connection of its own: the leader goes on, and each chunk's write lock stays short."""
    from ediops import store
    from ediops.operations import archive
    from ediops.operators.audit import current_actor
    from ediops.store.maintenance import database_path

    def work() -> dict:
        path = database_path(engine.db)
        db = store.connect(path, migrate=False)
        try:
            return archive.run(db, path, engine.config.settings, actor=current_actor(), now=engine.clock.now())
        finally:
            db.close()

    done = await asyncio.to_thread(work)
    moved = ", ".join(f"{name} {y['licences']}" for name, y in done["years"].items()) or "nothing"
    return "ok", f"archived (cutoff {done['cutoff']}): {moved}; longest write lock {done['longest_lock_ms']} ms"


WORK = {
    "poll-feeds": poll_feeds,
    "forward-customs": customs.forward_customs,
    "pull-writeoffs": ministry.pull_writeoffs,
    "send-acks": acks.send_acks,
    "reconcile": reconcile_window,
    "backup": backup_window,
    "archive": archive_window,
}
