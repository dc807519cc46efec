"""The commands of docs/commands.md that need no network: ingest, summary, writeoffs, reconcile,
findings (and `findings resolve`), licence (and its legal hold, docs/retention.md).

Each file is one transaction (docs/safeguards.md): a file that fails changes nothing and is named
on one stderr line (file and line, or array item) with exit 1; the other files are stored."""

from __future__ import annotations

import argparse
import json
from datetime import date
from typing import TYPE_CHECKING

from ediops.i18n import _, day, when
from ediops.licensing.statement import direction
from ediops.licensing.titles import title
from ediops import store
from ediops.licensing import contract
from ediops.store import findings as findings_db
from ediops.vocabulary import FINDING_OPEN
from ediops.licensing.files import MAX_FILE_BYTES, load_records
from ediops.licensing.ingest import ingest_batch, ingest_summary
from ediops.licensing.reconcile import reconcile
from ediops.licensing.writeoffs import apply_writeoffs
from ediops.errors import EdiopsError, InputError
from ediops.clock import iso
from ediops.licensing.forward_state import describe
from ediops.text import clean, json_line

if TYPE_CHECKING:
    from ediops.store import Database


def each_file(ctx, paths, store_file) -> int:
    """`store_file(path, records) -> lines` for each file in one write; the lines of the files
    stored are printed, those that failed are named (one line) and the exit status is 1."""
    failed = []
    max_bytes = int(ctx.config.settings.get("max_file_bytes", MAX_FILE_BYTES))
    for path in paths:
        try:
            records = load_records(path, max_bytes=max_bytes)
            with store.write(ctx.db):
                lines = store_file(str(path), records)
        except InputError as exc:
            failed.append(str(exc))
            continue
        for line in lines:
            print(line)
    if failed:
        more = "" if len(failed) == 1 else _(" ({n} files not stored)").format(n=len(failed))
        raise InputError("; ".join(failed) + more)
    return 0


def _ingest(ctx, args) -> int:
    def one(path: str, records) -> list[str]:
        for where, batch in records:
            contract.batch_identity(batch, where)
        now = ctx.clock.now()
        return [json_line(ingest_batch(ctx.db, ctx.config, b, now=now, source=f"file {path}")) for _, b in records]

    return each_file(ctx, args.files, one)


def _summary(ctx, args) -> int:
    def one(path: str, records) -> list[str]:
        lines = []
        for where, summary in records:
            issuer, business_date, numbers, _entries = contract.validate_summary(summary, where)
            bad = ingest_summary(ctx.db, ctx.config, summary, now=ctx.clock.now(), source=f"file {path}")
            line = {"issuer": issuer, "business_date": business_date, "licence_count": len(numbers)}
            if bad:  # flagged RECORD_REJECTED; the rest of the summary was reconciled
                line["rejected"] = [{k: e[k] for k in ("position", "licence_no", "reasons")} for e in bad]
            lines.append(json_line(line))
        return lines

    return each_file(ctx, args.files, one)


def _writeoffs(ctx, args) -> int:
    max_text = int(ctx.config.settings.get("max_text_chars", contract.MAX_TEXT_CHARS))

    def one(path: str, records) -> list[str]:
        for where, record in records:
            verdict = contract.validate_writeoff(record, units=ctx.config.units, max_text=max_text)
            if not verdict:
                declaration = record.get("declaration_no") if isinstance(record, dict) else None
                name = (
                    _("write-off {declaration}").format(declaration=declaration)
                    if isinstance(declaration, str)
                    else _("write-off")
                )
                raise InputError(f"{where}: {clean(name)[:60]}: {'; '.join(verdict.problems)}")
        counts = apply_writeoffs(
            ctx.db, ctx.config, [record for _, record in records], now=ctx.clock.now(), source=f"file {path}"
        )
        return [json_line(counts)]

    return each_file(ctx, args.files, one)


def _reconcile(ctx, args) -> int:
    print(json_line(reconcile(ctx.db, ctx.config, now=ctx.clock.now(), business_date=args.date)))
    return 0


def list_findings(db: Database, *, open_only: bool = False, code: str | None = None) -> list[dict]:
    """Findings as docs/commands.md shows them (absent subjects as null), newest first."""
    status = FINDING_OPEN if open_only else None
    return findings_db.find(db, status=status, codes=[code] if code else [], order="newest", parse_detail=True)


def _findings(ctx, args) -> int:
    if args.action == "resolve":
        from ediops.licensing.actions import resolve_finding

        resolve_finding(ctx.db, args.id, note=args.note, roles=ctx.config.roles, actor=ctx.actor, now=ctx.clock.now())
        print(_("finding {id} resolved").format(id=args.id))
        return 0
    rows = list_findings(ctx.db, open_only=args.open, code=args.code)
    if args.json:
        print(json_line(rows))
        return 0
    for row in rows:
        detail = "" if row["detail"] is None else json.dumps(row["detail"], ensure_ascii=False)
        ctx.out(
            f"{row['id']:>5}  {row['status']:<8}  {row['code']:<24}  {title(row['code'])}  {clean(row['subject'])}  {clean(detail)}"
        )
    return 0


def _licence(ctx, args) -> int:
    if args.hold or args.release_hold:
        return _hold(ctx, args)
    from ediops.licensing.licence import find_licence, licence_source

    view = find_licence(ctx.db, args.number, now=ctx.clock.now())
    if view is None:
        raise EdiopsError(_("licence {no}: not known to the centre (never accepted)").format(no=clean(args.number)))
    if args.json:
        print(json_line(licence_json(view)))
        return 0
    if args.statement:
        from ediops.licensing.statement import statement_lines
        from ediops.store.licences import writeoff_corrections

        with licence_source(ctx.db, args.number) as (source, _archive):
            corrections = writeoff_corrections(source, args.number)
        for line in statement_lines(view, corrections, now=ctx.clock.now()):
            ctx.out(line)
        return 0
    for line in licence_text(view):
        ctx.out(clean(line))
    return 0


def _hold(ctx, args) -> int:
    """`--hold --reason T` / `--release-hold`: a supervisor's legal hold (docs/retention.md)."""
    from ediops.licensing.actions import place_hold, release_hold

    act = place_hold if args.hold else release_hold
    act(ctx.db, args.number, reason=args.reason, roles=ctx.config.roles, actor=ctx.actor, now=ctx.clock.now())
    done = _("on legal hold, never archived") if args.hold else _("hold released")
    ctx.out(_("licence {no}: {done}").format(no=args.number, done=done))
    return 0


def licence_json(view: dict) -> dict:
    """docs/commands.md's "fields, lifecycle, releases and tally": the licence's fields at the top level."""
    return {
        **view["licence"],
        "archived": view.get("archived") is not None,
        "archive": view.get("archived"),
        "legal_hold": view.get("legal_hold"),
        "record": view["record"],
        "lifecycle": view["events"],
        "resends": view["resends"],
        "releases": view["releases"],
        "tally": view["tally"],
        "way": {**view["way"], "next_try": iso(view["way"]["next_try"]) if view["way"]["next_try"] else None},
        "findings": view["findings"],
        "tickets": view["tickets"],
    }


def licence_text(view: dict) -> list[str]:
    """The licence as plain lines; each outside string is cleaned by the caller's `clean`."""
    lic, tally = view["licence"], view["tally"]
    party = f"{lic['party_code']} {lic['party_name']}" if lic["party_code"] else "-"
    none = [_("  none")]
    lines = [
        _("Licence {no}  {direction}  {way}").format(
            no=lic["licence_no"], direction=direction(lic["direction"]), way=describe(view["way"], "%Y-%m-%d %H:%M")
        )
        + (_("  URGENT") if lic["urgent"] else "")
        + (_("  ARCHIVED ({archive}, read-only)").format(archive=view["archived"]) if view.get("archived") else "")
        + (_("  LEGAL HOLD") if view.get("legal_hold") else ""),
        _("  issuer {issuer}  batch {batch}  business date {day}  issued on {issued}").format(
            issuer=lic["issuer"], batch=lic["batch_id"], day=day(lic["business_date"]), issued=day(lic["issued_on"])
        ),
        _("  trader: {code} {name}").format(code=lic["trader_code"], name=lic["trader_name"]),
        _("  party: {party}").format(party=party),
        _("  commodity: {code} {name}").format(code=lic["hs_code"], name=lic["commodity_name"]),
        _("  quantity: {quantity} {unit}  country {country}  trade mode {mode}").format(
            quantity=lic["quantity"], unit=lic["unit"], country=lic["country"], mode=lic["trade_mode"]
        ),
        _("  valid {start} to {end}  port {port}  one batch: {one}").format(
            start=day(lic["valid_from"]),
            end=day(lic["valid_to"]),
            port=lic["port"],
            one=_("yes") if lic["one_batch"] else _("no"),
        ),
        _("  remarks: {remarks}").format(remarks=lic["remarks"] or "-"),
        _("  agents: {agents}").format(agents=", ".join(lic["agents"]) or "-"),
        _("Tally: used {used} of {licensed} {unit}, remaining {remaining}; uses {uses} of {max_uses}").format(**tally),
        _("Releases:"),
    ]
    lines += [
        _(
            "  slot {slot:>2}  {declaration}  {quantity} {unit}  customs {customs}  on {day}  by {unit_code}  {status}"
        ).format(
            slot=r["slot"],
            declaration=r["declaration_no"],
            quantity=r["quantity"] or "-",
            unit=r["unit"] or "",
            customs=r["customs_code"],
            day=day(r["released_on"]),
            unit_code=r["operating_unit_code"],
            status=r["status"],
        )
        for r in view["releases"]
    ] or none
    lines.append(_("Lifecycle:"))
    lines += [
        f"  {when(e['at'])}  {e['event']}  {e['actor'] or ''}  "
        f"{'' if e['detail'] is None else json.dumps(e['detail'], ensure_ascii=False)}"
        for e in view["events"]
    ]
    lines.append(_("Resends:"))
    lines += [
        _("  {at}  by {by}  key {key}  {outcome}  ticket {ticket}  reason: {reason}").format(
            at=when(r["at"]),
            by=r["by"],
            key=r["key"],
            outcome=r["outcome"] + (" (" + r["detail"] + ")" if r["detail"] else ""),
            ticket=r["ticket_id"] or "-",
            reason=r["reason"],
        )
        for r in view["resends"]
    ] or none
    lines.append(_("Findings:"))
    lines += [
        f"  #{f['id']}  {f['status']}  {f['code']}  {title(f['code'])}  {f['subject']}" for f in view["findings"]
    ] or none
    lines.append(_("Tickets:"))
    lines += [f"  {t['id']}  {t['status']}  {t['category']}  {t['caller']}" for t in view["tickets"]] or none
    return lines


def _day(text: str) -> str:
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(_("not a date (YYYY-MM-DD): {text!r}").format(text=text)) from None


def register(sub, common) -> None:
    files = dict(nargs="+", metavar="FILE", help=_("JSON object, JSON array or JSON Lines"))
    p = sub.add_parser("ingest", parents=[common], help=_("licence batches from files; one ack per batch (JSON Lines)"))
    p.add_argument("files", **files)
    p.set_defaults(func=_ingest)
    p = sub.add_parser("summary", parents=[common], help=_("issuer daily summaries from files"))
    p.add_argument("files", **files)
    p.set_defaults(func=_summary)
    p = sub.add_parser("writeoffs", parents=[common], help=_("customs write-off records from files"))
    p.add_argument("files", **files)
    p.set_defaults(func=_writeoffs)
    p = sub.add_parser(
        "reconcile",
        parents=[common],
        help=_("summaries, late feeds, overdue urgent licences, unacked forwards and acks"),
    )
    p.add_argument("--date", type=_day, default=None, help=_("business date (default: today, Asia/Shanghai)"))
    p.set_defaults(func=_reconcile)
    p = sub.add_parser("findings", parents=[common], help=_("lists findings; `findings resolve ID --note T`"))
    p.add_argument("--open", action="store_true", help=_("open findings only"))
    p.add_argument("--code", help=_("only this code"))
    p.add_argument("--json", action="store_true", help=_("one JSON array"))
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    resolve = actions.add_parser("resolve", parents=[common], help=_("resolve a finding with a note (audited)"))
    resolve.add_argument("id", type=int)
    resolve.add_argument("--note", required=True)
    p.set_defaults(func=_findings)
    p = sub.add_parser("licence", parents=[common], help=_("one licence: fields, lifecycle, releases, tally"))
    p.add_argument("number", metavar="NO")
    shape = p.add_mutually_exclusive_group()
    shape.add_argument("--json", action="store_true")
    shape.add_argument(
        "--statement", action="store_true", help=_("a plain statement for a return or exchange call (退证/换证)")
    )
    shape.add_argument("--hold", action="store_true", help="legal hold: never archived (supervisor; --reason)")
    shape.add_argument("--release-hold", action="store_true", help="ends the legal hold (supervisor)")
    p.add_argument("--reason", help="why the hold is placed or released (audited)")
    p.set_defaults(func=_licence)
