"""Commands of docs/alerts.md: `alerts [--open] [--json]`, `alerts ack ID --note T`,
`alerts test CHANNEL`."""

from __future__ import annotations

import asyncio

from ediops.clock import parse_instant
from ediops.errors import EdiopsError
from ediops.text import json_line


def _when(value: str | None) -> str:
    return parse_instant(value).strftime("%m-%d %H:%M") if value else "-"


def _list(ctx, args) -> int:
    from ediops.alerts.actions import listing

    rows = listing(ctx.db, open_only=args.open)
    if args.json:
        print(json_line(rows))
        return 0
    if not rows:
        ctx.out("no alerts" + (" open" if args.open else ""))
        return 0
    ctx.out(f"{'ID':>5} {'CODE':<20} {'SUBJECT':<26} {'STATUS':<12} {'OPENED':<11} {'STEPS':>5} ACKNOWLEDGED")
    for r in rows:
        ack = f"{r['acknowledged_by']} {_when(r['acknowledged_at'])}" if r["acknowledged_by"] else "-"
        ctx.out(
            f"{r['id']:>5} {r['code']:<20} {r['subject']:<26} {r['status']:<12} {_when(r['opened_at']):<11} "
            f"{r['steps_sent']:>5} {ack}"
        )
    return 0


def _ack(ctx, args) -> int:
    from ediops.alerts.actions import acknowledge

    before = acknowledge(ctx.db, args.id, note=args.note, roles=ctx.config.roles, actor=ctx.actor, now=ctx.clock.now())
    ctx.out(f"alert {args.id} acknowledged ({before['code']} {before['subject']}): no further steps are sent")
    return 0


def _test(ctx, args) -> int:
    from ediops.alerts import channels, config, message
    from ediops.operators import audit
    from ediops.store import write

    alerts = config.load(ctx.config)
    channel = alerts.channels.get(args.channel)
    if channel is None:
        known = ", ".join(sorted(alerts.channels)) or "none"
        raise EdiopsError(f"no channel {args.channel!r} in alerts.toml (channels: {known})")
    url = channel.resolve()
    if url is None:
        raise EdiopsError(f"{channel.unset_reason()}: nothing sent")
    title, body = message.test_message(channel.name, ctx.clock.iso())
    outcome = asyncio.run(channels.deliver(url, title, body, now=ctx.clock.iso, attempts=1))
    with write(ctx.db):
        audit.record(
            ctx.db,
            "alert.test",
            f"channel:{channel.name}",
            at=ctx.clock.iso(),
            actor=ctx.actor,
            detail={"outcome": "sent" if outcome.sent else "failed", "error": outcome.error},
        )
    if not outcome.sent:
        raise EdiopsError(f"channel {channel.name} ({channel.source}): {outcome.error}")
    ctx.out(f"channel {channel.name}: test message sent ({channel.source})")
    return 0


def register(sub, common) -> None:
    p = sub.add_parser("alerts", parents=[common], help="alerts and their notifications (docs/alerts.md)")
    p.add_argument("--open", action="store_true", help="only alerts not yet closed")
    p.add_argument("--json", action="store_true", help="one JSON array of alerts")
    p.set_defaults(func=_list)
    actions = p.add_subparsers(dest="alerts_action", metavar="ACTION")

    a = actions.add_parser("ack", parents=[common], help="acknowledge an alert: no further steps (audited)")
    a.add_argument("id", type=int, help="the alert's id")
    a.add_argument("--note", required=True, help="what is being done about it (audited)")
    a.set_defaults(func=_ack)

    t = actions.add_parser("test", parents=[common], help="send a test message through one channel now")
    t.add_argument("channel", help="a channel name of alerts.toml")
    t.set_defaults(func=_test)
