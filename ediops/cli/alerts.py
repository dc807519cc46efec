"""Commands of docs/alerts.md: `alerts [--open] [--json]`, `alerts ack ID --note T`,
`alerts test CHANNEL`."""

from __future__ import annotations

import asyncio

from ediops.i18n import _, language
from ediops.clock import parse_instant
from ediops.errors import EdiopsError
from ediops.text import json_line, pad


def _when(value: str | None) -> str:
    if not value:
        return "-"
    at = parse_instant(value)
    return f"{at.month}月{at.day}日 {at:%H:%M}" if language() == "zh" else at.strftime("%m-%d %H:%M")


def _list(ctx, args) -> int:
    from ediops.alerts.actions import listing

    rows = listing(ctx.db, open_only=args.open)
    if args.json:
        print(json_line(rows))
        return 0
    if not rows:
        ctx.out(_("no open alerts") if args.open else _("no alerts"))
        return 0
    heads = (_("ID"), _("CODE"), _("SUBJECT"), _("STATUS"), _("OPENED"), _("STEPS"), _("ACKNOWLEDGED"))
    ctx.out(" ".join(pad(h, w, right=w == 5) for h, w in zip(heads, (5, 20, 26, 12, 11, 5, 0))))
    for r in rows:
        ack = f"{r['acknowledged_by']} {_when(r['acknowledged_at'])}" if r["acknowledged_by"] else "-"
        ctx.out(
            f"{r['id']:>5} {r['code']:<20} {r['subject']:<26} {r['status']:<12} {pad(_when(r['opened_at']), 11)} "
            f"{r['steps_sent']:>5} {ack}"
        )
    return 0


def _ack(ctx, args) -> int:
    from ediops.alerts.actions import acknowledge

    before = acknowledge(ctx.db, args.id, note=args.note, roles=ctx.config.roles, actor=ctx.actor, now=ctx.clock.now())
    ctx.out(
        _("alert {id} acknowledged ({code} {subject}): no further steps are sent").format(
            id=args.id, code=before["code"], subject=before["subject"]
        )
    )
    return 0


def _test(ctx, args) -> int:
    from ediops.alerts import channels, config, message
    from ediops.operators import audit
    from ediops.store import write

    alerts = config.load(ctx.config)
    channel = alerts.channels.get(args.channel)
    if channel is None:
        known = ", ".join(sorted(alerts.channels)) or _("none")
        raise EdiopsError(
            _("no channel {name!r} in alerts.toml (channels: {known})").format(name=args.channel, known=known)
        )
    url = channel.resolve()
    if url is None:
        raise EdiopsError(_("{reason}: nothing sent").format(reason=channel.unset_reason()))
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
        raise EdiopsError(
            _("channel {name} ({source}): {error}").format(
                name=channel.name, source=channel.source, error=outcome.error
            )
        )
    ctx.out(_("channel {name}: test message sent ({source})").format(name=channel.name, source=channel.source))
    return 0


def register(sub, common) -> None:
    p = sub.add_parser("alerts", parents=[common], help=_("alerts and their notifications (docs/alerts.md)"))
    p.add_argument("--open", action="store_true", help=_("only alerts not yet closed"))
    p.add_argument("--json", action="store_true", help=_("one JSON array of alerts"))
    p.set_defaults(func=_list)
    actions = p.add_subparsers(dest="alerts_action", metavar="ACTION")

    a = actions.add_parser("ack", parents=[common], help=_("acknowledge an alert: no further steps (audited)"))
    a.add_argument("id", type=int, help=_("the alert's id"))
    a.add_argument("--note", required=True, help=_("what is being done about it (audited)"))
    a.set_defaults(func=_ack)

    t = actions.add_parser("test", parents=[common], help=_("send a test message through one channel now"))
    t.add_argument("channel", help=_("a channel name of alerts.toml"))
    t.set_defaults(func=_test)
