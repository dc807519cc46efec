"""Commands of the transmission engine (docs/commands.md): `windows`, `run`, `pause`, `resume`,
`daemon`, `simulate`."""

from __future__ import annotations

import time

from ediops.i18n import _, when
from ediops.scheduling import windows
from ediops.errors import EdiopsError
from ediops.text import json_line, pad


def _windows(ctx, args) -> int:
    now = ctx.clock.now()
    rows = windows.window_status(ctx.db, ctx.config, now=now)
    if args.json:
        print(json_line(rows))
        return 0
    leader = windows.leader_status(ctx.db, now=now)
    ctx.out(
        _("leader: {holder} (token {token}, until {until})").format(
            holder=leader["holder"], token=leader["token"], until=when(leader["expires_at"])
        )
        if leader["healthy"]
        else _("leader: none (no process holds the lease)")
    )
    heads = (_("WINDOW"), _("NEXT RUN"), _("LAST RUN"), _("OUTCOME"))
    ctx.out(" ".join(pad(h, w) for h, w in zip(heads, (16, 26, 26, 0))).rstrip())
    for row in rows:
        outcome = row["outcome"] or "-"
        if row["detail"]:
            outcome += f": {row['detail']}"
        if row["paused"]:
            outcome = _("PAUSED by {who} ({reason}); last {outcome}").format(
                who=row["paused_by"], reason=row["paused_reason"] or _("no reason"), outcome=outcome
            )
        ctx.out(f"{row['window']:<16} {pad(when(row['next_run']), 26)} {pad(when(row['last_run']), 26)} {outcome}")
    return 0


def command_outcome(ctx, command_id: int, what: str, wait: float) -> str | None:
    """Runs a queued command here when no leader holds the lease, else waits for the leader's
    outcome; None (said so) when it is not done within `wait` seconds."""
    from ediops.scheduling.daemon import run_here

    leader = windows.leader_status(ctx.db, now=ctx.clock.now())
    outcome = None if leader["healthy"] else run_here(ctx, command_id)
    if outcome is None:
        ctx.out(_("{what}: queued as command {id} for the leader").format(what=what, id=command_id))
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            status = windows.command_status(ctx.db, command_id)
            if status["done_at"]:
                return status["outcome"]
            time.sleep(0.5)
        ctx.out(_("{what}: not finished within {wait:g} s; see `ediops windows`").format(what=what, wait=wait))
    return outcome


def _run(ctx, args) -> int:
    command_id = windows.request_run(
        ctx.db, args.window, roles=ctx.config.roles, actor=ctx.actor, reason=args.reason, now=ctx.clock.now()
    )
    outcome = command_outcome(ctx, command_id, args.window, args.wait)
    if outcome is None:
        return 0
    ctx.out(f"{args.window}: {outcome}")
    return 1 if outcome.startswith(("failed", "not run")) else 0


def _pause(ctx, args) -> int:
    windows.set_paused(
        ctx.db,
        args.window,
        args.command == "pause",
        roles=ctx.config.roles,
        actor=ctx.actor,
        reason=args.reason,
        now=ctx.clock.now(),
    )
    done = _("paused") if args.command == "pause" else _("resumed")
    ctx.out(f"{args.window}: {done}")
    return 0


def _daemon(ctx, args) -> int:
    from ediops.scheduling.daemon import run_daemon
    from ediops.views import monitor

    return run_daemon(ctx, on_start=lambda leader: monitor.serve(ctx, leader))


def _simulate(ctx, args) -> int:
    from ediops.monitoring import logs
    from ediops.simulator.run import simulate, with_port_base

    if args.scale <= 0:
        raise EdiopsError(_("--scale must be greater than 0"))
    logs.setup()
    config = with_port_base(ctx.config, args.port_base) if args.port_base else ctx.config
    return simulate(config, ctx.clock, seed=args.seed, scale=args.scale, faults=args.fault, host=args.host)


def register(sub, common) -> None:
    p = sub.add_parser("windows", parents=[common], help=_("transmission windows: next run, last run, outcome"))
    p.add_argument("--json", action="store_true", help=_("one JSON array of windows"))
    p.set_defaults(func=_windows)

    p = sub.add_parser("run", parents=[common], help=_("ask the scheduler leader to run a window now"))
    p.add_argument("window", choices=windows.WINDOWS)
    p.add_argument("--reason", help=_("why (audited)"))
    p.add_argument("--wait", type=float, default=120.0, help=_("seconds to wait for the leader's outcome"))
    p.set_defaults(func=_run)

    for name, text in (
        ("pause", _("pause a window's scheduled runs (audited)")),
        ("resume", _("resume a window's scheduled runs (audited)")),
    ):
        p = sub.add_parser(name, parents=[common], help=text)
        p.add_argument("window", choices=windows.WINDOWS)
        p.add_argument("--reason", help=_("why (audited)"))
        p.set_defaults(func=_pause)

    p = sub.add_parser("daemon", parents=[common], help=_("the scheduler leader and poller without a screen"))
    p.set_defaults(func=_daemon)

    from ediops.simulator.run import FAULT_HELP

    p = sub.add_parser("simulate", parents=[common], help=_("simulated issuers, customs and ministry on loopback"))
    p.add_argument("--seed", type=int, default=2000, help=_("seed of the simulated traffic (same seed, same day)"))
    p.add_argument("--scale", type=float, default=1.0, help=_("multiplies the issuers' daily volumes"))
    p.add_argument("--fault", action="append", default=[], metavar="SWITCH", help=FAULT_HELP)
    p.add_argument("--host", help=_("listen on this address instead of the peers' URL hosts"))
    p.add_argument("--port-base", type=int, help=_("customs on BASE+1, ministry BASE+2, issuers BASE+10"))
    p.set_defaults(func=_simulate)
