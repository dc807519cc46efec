"""`ediops inspection FILE...`: inspection bureau reports of the 2002 notice (contract §11)."""

from __future__ import annotations

from pathlib import Path

from ediops import store
from ediops.licensing.contract import load_records
from ediops.inspection.reports import load_reports, validate_report
from ediops.text import json_line


def register(sub, common) -> None:
    parser = sub.add_parser(
        "inspection", parents=[common], help="load inspection bureau reports (JSON object, array or JSON Lines)"
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parser.set_defaults(func=run_inspection)


def run_inspection(ctx, args) -> int:
    """Reads and checks every file before storing anything, so one bad file changes nothing;
    then prints one JSON line per report: its status, counts and the findings it opened."""
    files = [(path, [validate_report(obj, where) for where, obj in load_records(path)]) for path in args.files]
    now = ctx.clock.now()
    with store.write(ctx.db):
        results = [
            result
            for path, reports in files
            for result in load_reports(ctx.db, ctx.config, reports, now=now, source=f"file:{path}")
        ]
    for result in results:
        print(json_line(result))
    return 0
