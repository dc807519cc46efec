"""`ediops resend` (docs/resend.md): licences to customs again under a new key, a whole
batch's licences, or a batch's acknowledgement to its issuer; the reason required."""

from __future__ import annotations

import argparse

from ediops.i18n import _
from ediops.cli.engine import command_outcome
from ediops.licensing import resend


def _resend(ctx, args) -> int:
    kw = dict(reason=args.reason, actor=ctx.actor, now=ctx.clock.now(), ticket_id=args.ticket)
    if args.ack:
        asked = resend.request_ack(ctx.db, ctx.config.roles, args.ack, **kw)
        what = _("acknowledgement of {batch}").format(batch=args.ack)
    elif args.batch:
        asked = resend.request_batch(ctx.db, ctx.config.roles, args.batch, **kw)
        what = _("{n} licences of batch {batch}").format(n=len(asked["licences"]), batch=args.batch)
    else:
        asked = resend.request_licences(ctx.db, ctx.config.roles, args.numbers, **kw)
        what = ", ".join(asked["licences"])
    ctx.out(_("resend {id}: {what} under new key {key}").format(id=asked["resend_id"], what=what, key=asked["key"]))
    outcome = command_outcome(ctx, asked["command_id"], _("resend {id}").format(id=asked["resend_id"]), args.wait)
    if outcome is None:
        return 0
    for row in resend.outcomes(ctx.db, asked["resend_id"]):
        subject = row.get("licence_no") or _("ack of {batch}").format(batch=row["batch_id"])
        ctx.out(f"{subject}: {row['outcome']}" + (f" ({row['detail']})" if row["detail"] else ""))
    return 1 if outcome.startswith(("failed", "not run")) else 0


def _reason(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError(_("a resend needs a reason that says something"))
    return text


def register(sub, common) -> None:
    p = sub.add_parser(
        "resend",
        parents=[common],
        help=_("send licences (or a batch's ack) again under a new key, with a reason (audited)"),
        description=_(
            "A deliberate replay, not a retry: a new Idempotency-Key, through the scheduler leader "
            "(or this process when no leader holds the lease). A licence the centre never accepted refuses "
            "the whole request."
        ),
    )
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("numbers", nargs="*", metavar="LICENCE_NO", default=[], help=_("licences to resend to customs"))
    what.add_argument("--batch", metavar="BATCH_ID", help=_("every accepted licence of this batch"))
    what.add_argument("--ack", metavar="BATCH_ID", help=_("this batch's acknowledgement to its issuer"))
    p.add_argument("--reason", required=True, type=_reason, help=_("why (audited; required)"))
    p.add_argument(
        "--ticket", metavar="ID", help=_("the hotline ticket this answers (linked; its notes get the resend)")
    )
    p.add_argument("--wait", type=float, default=120.0, help=_("seconds to wait for the leader's outcome"))
    p.set_defaults(func=_resend)
