"""`ediops inspection FILE...`: inspection bureau reports of the 2002 notice (docs/inspection.md)."""

from __future__ import annotations

from pathlib import Path

from ediops.i18n import _
from ediops.inspection.reports import load_reports, validate_report
from ediops.text import json_line


def register(sub, common) -> None:
    parser = sub.add_parser(
        "inspection", parents=[common], help=_("load inspection bureau reports (JSON object, array or JSON Lines)")
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parser.set_defaults(func=run_inspection)


def run_inspection(ctx, args) -> int:
    """Each file checked and stored in one transaction (a bad one changes nothing and is named);
    prints one JSON line per report: its status, counts and the findings it opened."""
    from ediops.cli.records import each_file

    def one(path: str, records) -> list[str]:
        reports = [validate_report(obj, where) for where, obj in records]
        results = load_reports(ctx.db, ctx.config, reports, now=ctx.clock.now(), source=f"file:{path}")
        return [json_line(result) for result in results]

    return each_file(ctx, args.files, one)
