"""`ediops ticket ...`: the hotline from a plain shell (docs/commands.md: new, list, show, note,
close; and route, wait, resolve, reopen, summary for the rest of a ticket's life)."""

from __future__ import annotations

import argparse
from datetime import date

from ediops.i18n import N_, _, day, when
from ediops.hotline import settings as hotline_settings, tickets as hotline
from ediops.hotline.summary import FIELDS, daily_summary, summary_csv
from ediops.text import clean, json_line


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("not a date (YYYY-MM-DD): {text!r}").format(text=text)) from None


def _new(ctx, args) -> int:
    ticket_id = hotline.open_ticket(
        ctx.db,
        caller=args.caller,
        phone=args.phone,
        org=args.org,
        org_kind=args.org_kind,
        category=args.category,
        priority=args.priority,
        text=args.text,
        licence_no=args.licence,
        batch_id=args.batch,
        finding_id=args.finding,
        assignee=args.assignee,
        roles=ctx.config.roles,
        actor=ctx.actor,
        now=ctx.clock.now(),
        settings=ctx.hotline,
    )
    print(ticket_id)
    return 0


def _line(ticket: dict) -> str:
    cells = (
        ticket["id"],
        ticket["status"],
        ticket["priority"],
        ticket["category"],
        ticket["licence_no"] or "-",
        ticket["caller"],
        ticket["org"],
        _("due {at}").format(at=when(ticket["due_at"])),
    )
    return "  ".join(clean(c) for c in cells)


def _list(ctx, args) -> int:
    tickets = hotline.list_tickets(ctx.db, open_only=args.open, query=args.search)
    if args.json:
        print(json_line(tickets))
    else:
        for ticket in tickets:
            print(_line(ticket))
    return 0


FIELD_LABELS = {
    "phone": N_("phone"),
    "org_kind": N_("org_kind"),
    "batch_id": N_("batch_id"),
    "finding_id": N_("finding_id"),
    "waiting_on": N_("waiting_on"),
    "assignee": N_("assignee"),
    "opened_by": N_("opened_by"),
    "opened_at": N_("opened_at"),
    "resolved_at": N_("resolved_at"),
    "closed_at": N_("closed_at"),
}


def _show_text(ticket: dict, settings) -> list[str]:
    lines = [_line(ticket)]
    for field in FIELD_LABELS:
        if ticket[field] is not None:
            value = when(ticket[field]) if field.endswith("_at") else ticket[field]
            lines.append(f"{_(FIELD_LABELS[field])}: {clean(value)}")
    if ticket["routed_to"]:
        contact = settings.contacts.get(ticket["routed_to"])
        number = f" {contact.name} {contact.phone}" if contact else ""
        lines.append(
            _("routed to: {contact}{number} at {at}").format(
                contact=ticket["routed_to"], number=number, at=when(ticket["routed_at"])
            )
        )
    lines.append(_("text: {text}").format(text=clean(ticket["text"], multiline=True)))
    lines += [
        _("note {at} {by}: {text}").format(at=when(n["at"]), by=clean(n["by"]), text=clean(n["text"], multiline=True))
        for n in ticket["notes"]
    ]
    return lines


def _show(ctx, args) -> int:
    ticket = hotline.get_ticket(ctx.db, args.id)
    if args.json:
        print(json_line(ticket))
    else:
        print("\n".join(_show_text(ticket, ctx.hotline)))
    return 0


def _changed(ticket: dict) -> int:
    print(f"{ticket['id']} {ticket['status']}")
    return 0


def _note(ctx, args) -> int:
    return _changed(
        hotline.add_note(ctx.db, args.id, text=args.text, roles=ctx.config.roles, actor=ctx.actor, now=ctx.clock.now())
    )


def _close(ctx, args) -> int:
    return _changed(
        hotline.close_ticket(
            ctx.db, args.id, note=args.note, roles=ctx.config.roles, actor=ctx.actor, now=ctx.clock.now()
        )
    )


def _resolve(ctx, args) -> int:
    return _changed(
        hotline.resolve_ticket(
            ctx.db, args.id, note=args.note, roles=ctx.config.roles, actor=ctx.actor, now=ctx.clock.now()
        )
    )


def _reopen(ctx, args) -> int:
    return _changed(
        hotline.reopen_ticket(
            ctx.db,
            args.id,
            note=args.note,
            roles=ctx.config.roles,
            actor=ctx.actor,
            now=ctx.clock.now(),
            settings=ctx.hotline,
        )
    )


def _wait(ctx, args) -> int:
    return _changed(
        hotline.wait_ticket(
            ctx.db, args.id, party=args.on, note=args.note, roles=ctx.config.roles, actor=ctx.actor, now=ctx.clock.now()
        )
    )


def _route(ctx, args) -> int:
    settings = ctx.hotline
    ticket = hotline.route_ticket(
        ctx.db,
        args.id,
        to=args.to,
        note=args.note,
        roles=ctx.config.roles,
        actor=ctx.actor,
        now=ctx.clock.now(),
        settings=settings,
    )
    contact = settings.contact(args.to)
    print(
        _("{id} {status} routed to {contact}: {name} {phone}").format(
            id=ticket["id"],
            status=ticket["status"],
            contact=contact.id,
            name=clean(contact.name),
            phone=clean(contact.phone),
        )
    )
    return 0


def _summary(ctx, args) -> int:
    now = ctx.clock.now()
    summary = daily_summary(ctx.db, day=args.date or now.date(), now=now)
    if args.csv:
        print(summary_csv(summary), end="")
        return 0
    print(_("hotline {day} (as of {at})").format(day=day(summary["date"]), at=when(summary["at"])))
    print("  ".join(f"{f:>12}" for f in FIELDS))
    for row in summary["categories"] + [summary["total"]]:
        print("  ".join(f"{row[f]:>12}" for f in FIELDS))
    for ticket in summary["past_due"]:
        print(
            _("past due {at}: ").format(at=when(ticket["due_at"]))
            + "  ".join(clean(ticket[f] or "-") for f in ("id", "priority", "category", "licence_no", "caller", "org"))
        )
    return 0


def register(sub, common) -> None:
    ticket = sub.add_parser("ticket", parents=[common], help=_("hotline tickets"))
    actions = ticket.add_subparsers(dest="ticket_command", metavar="ACTION", required=True)

    def action(name, func, help_text):
        parser = actions.add_parser(name, parents=[common], help=help_text)
        parser.set_defaults(func=func)
        return parser

    new = action("new", _new, _("log a call; prints the ticket id"))
    new.add_argument("--caller", required=True, help=_("who called"))
    new.add_argument("--phone", required=True, help=_("number to call back"))
    new.add_argument("--org", required=True, help=_("organisation: name or code"))
    new.add_argument("--org-kind", choices=hotline.ORG_KINDS, help=_("kind of organisation"))
    new.add_argument("--category", required=True, choices=hotline_settings.CATEGORIES)
    new.add_argument("--priority", choices=hotline_settings.PRIORITIES, help=_("default: the category's"))
    new.add_argument("--licence", help=_("licence number YY-XX-NNNNNN"))
    new.add_argument("--batch", help=_("batch id the call is about"))
    new.add_argument("--finding", type=int, help=_("finding id the call is about"))
    new.add_argument("--assignee", help=_("who works on it"))
    new.add_argument("--text", required=True, help=_("what the caller said"))

    listing = action("list", _list, _("list tickets, newest first"))
    listing.add_argument("--open", action="store_true", help=_("only open or waiting tickets"))
    listing.add_argument("--search", help=_("full-text search in fields and notes"))
    listing.add_argument("--json", action="store_true")

    show = action("show", _show, _("one ticket with its notes"))
    show.add_argument("id")
    show.add_argument("--json", action="store_true")

    for name, func, flag, help_text in (
        ("note", _note, "--text", _("add a note")),
        ("close", _close, "--note", _("close with a note")),
        ("resolve", _resolve, "--note", _("mark resolved with a note")),
        ("reopen", _reopen, "--note", _("reopen a resolved or closed ticket")),
    ):
        parser = action(name, func, help_text)
        parser.add_argument("id")
        parser.add_argument(flag, required=True)

    wait = action("wait", _wait, _("mark the ticket waiting on a party"))
    wait.add_argument("id")
    wait.add_argument("--on", required=True, choices=hotline_settings.PARTIES)
    wait.add_argument("--note")

    route = action("route", _route, _("pass the ticket to a role of contacts.toml"))
    route.add_argument("id")
    route.add_argument("--to", required=True, help=_("role or vendor id in contacts.toml"))
    route.add_argument("--note")

    summary = action("summary", _summary, _("the day's calls by category and what is past due"))
    summary.add_argument("--date", type=_day, help=_("YYYY-MM-DD (default: today)"))
    summary.add_argument("--csv", action="store_true")
