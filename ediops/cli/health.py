"""`ediops health [--json]`: a check for Nagios-style monitors (docs/monitoring.md). Its exit
status is the monitoring convention's, not the other commands': 0 ok, 1 warning, 2 critical,
3 unknown (the store cannot be read), with one line saying why."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from ediops.i18n import _
from ediops import store
from ediops.errors import EdiopsError
from ediops.text import clean

UNKNOWN = 3


def _health(ctx, args) -> int:
    from ediops.monitoring import heartbeat
    from ediops.views import health

    path = Path(ctx.db_path) if ctx.db_path else store.default_path()
    try:
        if not store.is_migrated(path):  # never creates a store: a monitor only looks
            raise EdiopsError(_("no ediops store at {path}").format(path=path))
        verdict = health.check(
            path, ctx.config, now=ctx.clock.now(), last_pass=heartbeat.read(heartbeat.path_for(path))
        )
    except (EdiopsError, sqlite3.Error, OSError) as exc:
        line = f"UNKNOWN: {clean(exc)}"
        print(json.dumps({"status": "unknown", "exit": UNKNOWN, "line": line, "checks": []}) if args.json else line)
        return UNKNOWN
    print(json.dumps(verdict.as_json(), ensure_ascii=False) if args.json else clean(verdict.line))
    return verdict.code


def register(sub, common) -> None:
    p = sub.add_parser(
        "health", parents=[common], help="a monitor's check: exit 0 ok, 1 warning, 2 critical, 3 unknown"
    )
    p.add_argument("--json", action="store_true", help="one JSON object: status, exit, line, checks")
    p.set_defaults(func=_health)
