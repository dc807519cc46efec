"""`ediops resend` (docs/resend.md): licences to customs again under a new key, a whole
batch's licences, or a batch's acknowledgement to its issuer; the reason required."""

from __future__ import annotations

import argparse

from ediops.cli.engine import command_outcome
from ediops.licensing import resend


def _resend(ctx, args) -> int:
    kw = dict(reason=args.reason, actor=ctx.actor, now=ctx.clock.now(), ticket_id=args.ticket)
    if args.ack:
        asked = resend.request_ack(ctx.db, ctx.config.roles, args.ack, **kw)
        what = f"acknowledgement of {args.ack}"
    elif args.batch:
        asked = resend.request_batch(ctx.db, ctx.config.roles, args.batch, **kw)
        what = f"{len(asked['licences'])} licences of batch {args.batch}"
    else:
        asked = resend.request_licences(ctx.db, ctx.config.roles, args.numbers, **kw)
        what = ", ".join(asked["licences"])
    ctx.out(f"resend {asked['resend_id']}: {what} under new key {asked['key']}")
    outcome = command_outcome(ctx, asked["command_id"], f"resend {asked['resend_id']}", args.wait)
    if outcome is None:
        return 0
    for row in resend.outcomes(ctx.db, asked["resend_id"]):
        subject = row.get("licence_no") or f"ack of {row['batch_id']}"
        ctx.out(f"{subject}: {row['outcome']}" + (f" ({row['detail']})" if row["detail"] else ""))
    return 1 if outcome.startswith(("failed", "not run")) else 0


def _reason(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("a resend needs a reason that says something")
    return text


def register(sub, common) -> None:
    p = sub.add_parser(
        "resend",
        parents=[common],
        help="send licences (or a batch's ack) again under a new key, with a reason (audited)",
        description="A deliberate replay, not a retry: a new Idempotency-Key, through the scheduler leader "
        "(or this process when no leader holds the lease). A licence the centre never accepted refuses "
        "the whole request.",
    )
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("numbers", nargs="*", metavar="LICENCE_NO", default=[], help="licences to resend to customs")
    what.add_argument("--batch", metavar="BATCH_ID", help="every accepted licence of this batch")
    what.add_argument("--ack", metavar="BATCH_ID", help="this batch's acknowledgement to its issuer")
    p.add_argument("--reason", required=True, type=_reason, help="why (audited; required)")
    p.add_argument("--ticket", metavar="ID", help="the hotline ticket this answers (linked; its notes get the resend)")
    p.add_argument("--wait", type=float, default=120.0, help="seconds to wait for the leader's outcome")
    p.set_defaults(func=_resend)
