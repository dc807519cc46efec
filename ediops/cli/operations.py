"""Commands of contract §14, operating the store: `backup`, `check`, `config check`, `report`,
and `archive` (docs/retention.md)."""

from __future__ import annotations

import sys
from pathlib import Path

from ediops import store
from ediops.cli import _instant
from ediops.errors import InputError
from ediops.operators import audit
from ediops.text import clean


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
    ctx.out(f"backup of {source} written to {dest} ({dest.stat().st_size / 1e6:.1f} MB)")
    for copy in archives:
        ctx.out(f"archive copied to {copy} ({copy.stat().st_size / 1e6:.1f} MB)")
    return 0


def _archive(ctx, args) -> int:
    from ediops.operations import archive

    settings, now = ctx.config.settings, ctx.clock.now()
    if args.dry_run:
        planned = archive.plan(ctx.db, settings, now=now)
        ctx.out(f"dry run: licences whose valid_to and last write-off are on or before {planned['cutoff']}")
        for y in planned["years"]:
            kept = ", ".join(f"{y[k]} {k.replace('_', ' ')}" for k in archive.KEPT if y[k])
            ctx.out(
                f"  archive-{y['year']}.db: {y['movable']} would move of {y['due']} past retention"
                + (f" (kept: {kept})" if kept else "")
            )
        if not planned["years"]:
            ctx.out("  nothing past retention")
        return 0
    done = archive.archive(ctx.db, _store_path(ctx), settings, roles=ctx.config.roles, actor=ctx.actor, now=now)
    for name, moved in done["years"].items():
        rows = ", ".join(f"{t} {n}" for t, n in moved["rows"].items() if n)
        ctx.out(f"{name}: {moved['licences']} licence(s) moved ({rows})")
    if not done["years"]:
        ctx.out(f"nothing to archive (cutoff {done['cutoff']})")
    ctx.out(
        f"{done['chunks']} chunk(s), longest write lock {done['longest_lock_ms']} ms"
        + (f"; {done['dropped']} stale archive copies dropped" if done["dropped"] else "")
    )
    return 0


def _check(ctx, args) -> int:
    from ediops.store.maintenance import check

    path = _store_path(ctx)
    problems = check(path)  # read-only: neither migrates nor creates the store
    for problem in problems:
        ctx.out(problem)
    if problems:
        print(f"ediops check: {path}: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    ctx.out("ok")
    return 0


def _config_check(ctx, args) -> int:
    from ediops.operations.config_check import check

    problems = check(ctx.config_dir)
    for problem in problems:
        ctx.out(str(problem))
    errors = sum(not p.warning for p in problems)
    warnings = len(problems) - errors
    if errors:
        print(f"ediops config check: {errors} problem(s), {warnings} warning(s)", file=sys.stderr)
        return 1
    ctx.out(f"ok ({warnings} warning(s))" if warnings else "ok")
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
            raise InputError(f"--from {start.isoformat()} is not before --to {end.isoformat()}")
        built = report.build(ctx.db, ctx.config, start=start, end=end)
    if args.format == "json":
        print(json_line(built))
    elif args.format == "csv":
        sys.stdout.write(clean(report.csv_text(built), multiline=True))
    else:
        for line in report.text(built):
            ctx.out(line)
    return 0


def register(sub, common) -> None:
    p = sub.add_parser("backup", parents=[common], help="a consistent copy of the live store, written to DEST")
    p.add_argument("dest", type=Path, metavar="DEST", help="the new file (an existing one is refused)")
    p.set_defaults(func=_backup)
    p = sub.add_parser(
        "archive", parents=[common], help="licences past retention into archive-YYYY.db beside the store (audited)"
    )
    p.add_argument("--dry-run", action="store_true", help="say what would move, and why the rest stays")
    p.set_defaults(func=_archive)
    p = sub.add_parser(
        "check", parents=[common], help="integrity, foreign keys and schema of the store: ok or each problem"
    )
    p.set_defaults(func=_check)
    p = sub.add_parser(
        "report", parents=[common], help="the shift handover report (default: the shift running now, so far)"
    )
    p.add_argument(
        "--shift",
        type=int,
        default=0,
        metavar="N",
        help="N shifts back (shift_starts in settings.toml): 1 is the shift before this one",
    )
    p.add_argument(
        "--from", dest="start", type=_instant, default=None, help="start (ISO 8601; default: the start of --to's shift)"
    )
    p.add_argument("--to", type=_instant, default=None, help="end (ISO 8601; default: now)")
    p.add_argument("--format", choices=("text", "csv", "json"), default="text")
    p.set_defaults(func=_report)
    p = sub.add_parser("config", parents=[common], help="the configuration: `config check`")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    checking = actions.add_parser(
        "check", parents=[common], help="every problem of the bundled files and --config DIR, with file and key"
    )
    checking.set_defaults(func=_config_check)
