"""Commands of contract §14, operating the store: `backup`, `check`, `config check`, `report`."""

from __future__ import annotations

import sys


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


def register(sub, common) -> None:
    p = sub.add_parser("config", parents=[common], help="the configuration: `config check`")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    checking = actions.add_parser(
        "check", parents=[common], help="every problem of the bundled files and --config DIR, with file and key"
    )
    checking.set_defaults(func=_config_check)
