"""Commands operating the store (docs/operations.md): `backup`, `check`, `config check`,
`report`, `archive` (docs/retention.md); and the second site's (docs/two-sites.md):
`replicate`, `replica status`, `restore`."""

from __future__ import annotations

import sys
from pathlib import Path

from ediops import store
from ediops.cli import _instant
from ediops.errors import InputError
from ediops.operators import audit
from ediops.text import clean
from ediops.i18n import N_, _, when


def _store_path(ctx) -> Path:
    return Path(ctx.db_path) if ctx.db_path else store.default_path()


def _backup(ctx, args) -> int:
    from ediops.store.maintenance import backup, backup_archives

    source = _store_path(ctx)
    dest = backup(source, args.dest)
    archives = backup_archives(source, dest.parent, f"{dest.stem}.", replace=False)
    at = ctx.clock.iso()
    with store.write(ctx.db):
        detail = {"archives": [str(a.resolve()) for a in archives]} if archives else None
        audit.record(ctx.db, "store.backup", f"file:{dest.resolve()}", at=at, actor=ctx.actor, detail=detail)
    ctx.out(
        _("backup of {source} written to {dest} ({mb:.1f} MB)").format(
            source=source, dest=dest, mb=dest.stat().st_size / 1e6
        )
    )
    for copy in archives:
        ctx.out(_("archive copied to {copy} ({mb:.1f} MB)").format(copy=copy, mb=copy.stat().st_size / 1e6))
    return 0


def _archive(ctx, args) -> int:
    from ediops.operations import archive

    settings, now = ctx.config.settings, ctx.clock.now()
    if args.dry_run:
        planned = archive.plan(ctx.db, settings, now=now)
        ctx.out(
            _("dry run: licences whose valid_to and last write-off are on or before {day}").format(
                day=planned["cutoff"]
            )
        )
        for y in planned["years"]:
            kept = ", ".join(f"{y[k]} {_(KEPT_WORDS[k])}" for k in archive.KEPT if y[k])
            line = _("  archive-{year}.db: {movable} would move of {due} past retention").format(**y)
            ctx.out(line + (_(" (kept: {kept})").format(kept=kept) if kept else ""))
        if not planned["years"]:
            ctx.out(_("  nothing past retention"))
        return 0
    done = archive.archive(ctx.db, _store_path(ctx), settings, roles=ctx.config.roles, actor=ctx.actor, now=now)
    for name, moved in done["years"].items():
        rows = ", ".join(f"{t} {n}" for t, n in moved["rows"].items() if n)
        ctx.out(_("{file}: {n} licence(s) moved ({rows})").format(file=name, n=moved["licences"], rows=rows))
    if not done["years"]:
        ctx.out(_("nothing to archive (cutoff {day})").format(day=done["cutoff"]))
    line = _("{chunks} chunk(s), longest write lock {ms} ms").format(chunks=done["chunks"], ms=done["longest_lock_ms"])
    dropped = _("; {n} stale archive copies dropped").format(n=done["dropped"]) if done["dropped"] else ""
    ctx.out(line + dropped)
    return 0


# Why a licence past retention stays, as `archive --dry-run` says it (keys: archive.KEPT).
KEPT_WORDS = {
    "held": N_("held"),
    "open_finding": N_("open finding"),
    "open_ticket": N_("open ticket"),
    "unanswered_forward": N_("unanswered forward"),
}


def _check(ctx, args) -> int:
    from ediops.store.maintenance import check

    path = _store_path(ctx)
    problems = check(path)  # read-only: neither migrates nor creates the store
    for problem in problems:
        ctx.out(problem)
    if problems:
        print(f"ediops check: {path}: " + _("{n} problem(s)").format(n=len(problems)), file=sys.stderr)
        return 1
    ctx.out(_("ok"))
    return 0


def _config_check(ctx, args) -> int:
    from ediops.operations.config_check import check

    problems = check(ctx.config_dir)
    for problem in problems:
        ctx.out(str(problem))
    errors = sum(not p.warning for p in problems)
    warnings = len(problems) - errors
    if errors:
        counted = _("{errors} problem(s), {warnings} warning(s)").format(errors=errors, warnings=warnings)
        print(f"ediops config check: {counted}", file=sys.stderr)
        return 1
    ctx.out(_("ok ({warnings} warning(s))").format(warnings=warnings) if warnings else _("ok"))
    return 0


def _report(ctx, args) -> int:
    from ediops.operations import report
    from ediops.text import json_line

    now = ctx.clock.now()
    start = args.start
    if start is None and args.to is None:
        built = report.of_shift(ctx.db, ctx.config, now=now, back=args.shift)
    else:
        end = args.to or now
        if start is not None and start >= end:
            raise InputError(
                _("--from {start} is not before --to {end}").format(start=start.isoformat(), end=end.isoformat())
            )
        built = report.build(ctx.db, ctx.config, start=start, end=end)
    if args.format == "json":
        print(json_line(built))
    elif args.format == "csv":
        sys.stdout.write(clean(report.csv_text(built), multiline=True))
    else:
        for line in report.text(built):
            ctx.out(line)
    return 0


def _replicate(ctx, args) -> int:
    from ediops.operations import replica

    path = _store_path(ctx)
    url = replica.shown(replica.replica_url(ctx.config.settings))
    said = _("{path} to {url} (Litestream; stop with SIGTERM)").format(path=path, url=url)
    print(f"ediops replicate: {said}", file=sys.stderr, flush=True)
    return replica.replicate(ctx.config.settings, path)


def _replica_status(ctx, args) -> int:
    from ediops.operations import replica
    from ediops.text import json_line

    status = replica.replica_status(ctx.config.settings, _store_path(ctx))
    if args.json:
        print(json_line(status))
    else:
        state = _("healthy") if status["healthy"] else _("LAGGING")
        ctx.out(
            _("{url}: {state}, last replicated {at}, lag {lag} s").format(
                url=status["url"], state=state, at=when(status["last_replicated_at"]), lag=status["lag_seconds"]
            )
        )
    return 0


def _restore(ctx, args) -> int:
    from ediops.operations import replica

    last = replica.restore(ctx.config.settings, args.source, args.dest)
    ctx.out(
        _("restored {source} to {dest}: check ok; last transaction {last}").format(
            source=replica.shown(args.source), dest=args.dest, last=last
        )
    )
    return 0


def register(sub, common) -> None:
    p = sub.add_parser(
        "replicate", parents=[common], help=_("replicate the store to replica_url (Litestream) until stopped")
    )
    p.set_defaults(func=_replicate)
    p = sub.add_parser("replica", parents=[common], help=_("the replica: `replica status`"))
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    status = actions.add_parser(
        "status", parents=[common], help=_("url, last replicated, lag, healthy (exit 1: unreadable)")
    )
    status.add_argument("--json", action="store_true", help=_("one JSON object"))
    status.set_defaults(func=_replica_status)
    p = sub.add_parser(
        "restore", parents=[common], help=_("a store at DEST from a replica URL or a backup file, checked")
    )
    p.add_argument("source", metavar="SOURCE", help=_("replica URL (file://, sftp://, s3://) or backup file"))
    p.add_argument("dest", type=Path, metavar="DEST", help=_("the new data file (an existing one is refused)"))
    p.set_defaults(func=_restore)
    p = sub.add_parser("backup", parents=[common], help=_("a consistent copy of the live store, written to DEST"))
    p.add_argument("dest", type=Path, metavar="DEST", help=_("the new file (an existing one is refused)"))
    p.set_defaults(func=_backup)
    p = sub.add_parser(
        "archive", parents=[common], help=_("licences past retention into archive-YYYY.db beside the store (audited)")
    )
    p.add_argument("--dry-run", action="store_true", help=_("say what would move, and why the rest stays"))
    p.set_defaults(func=_archive)
    p = sub.add_parser(
        "check", parents=[common], help=_("integrity, foreign keys and schema of the store: ok or each problem")
    )
    p.set_defaults(func=_check)
    p = sub.add_parser(
        "report", parents=[common], help=_("the shift handover report (default: the shift running now, so far)")
    )
    p.add_argument(
        "--shift",
        type=int,
        default=0,
        metavar="N",
        help=_("N shifts back (shift_starts in settings.toml): 1 is the shift before this one"),
    )
    p.add_argument(
        "--from",
        dest="start",
        type=_instant,
        default=None,
        help=_("start (ISO 8601; default: the start of --to's shift)"),
    )
    p.add_argument("--to", type=_instant, default=None, help=_("end (ISO 8601; default: now)"))
    p.add_argument("--format", choices=("text", "csv", "json"), default="text")
    p.set_defaults(func=_report)
    p = sub.add_parser("config", parents=[common], help=_("the configuration: `config check`"))
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    checking = actions.add_parser(
        "check", parents=[common], help=_("every problem of the bundled files and --config DIR, with file and key")
    )
    checking.set_defaults(func=_config_check)
