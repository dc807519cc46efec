"""Find anything (the desk's `g` box and its palette): what an identifier typed by the
operator names, with completions as it is typed. A licence number, a batch id, a
declaration number, a ticket id, an enterprise code, an issuer code or a caller's phone;
or any two or more consecutive characters of a name (trader, party, caller, organisation,
issuer: docs/languages.md), since the hotline hears a company's name far more often than
its code. Each hit says its kind and what opening it shows."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ediops.i18n import _
from ediops.store import licences as licences_db, reads
from ediops.store.maintenance import database_path
from ediops.vocabulary import SERIAL, licence_prefix

KINDS = ("licence", "batch", "declaration", "ticket", "enterprise", "issuer", "phone")
_PHONE = re.compile(r"[0-9+][0-9 ()+-]*")


@dataclass(frozen=True)
class Hit:
    kind: str  # one of KINDS
    key: str  # the identifier as stored
    label: str  # what it is, for the list (outside text: shown through the desk's `safe`)
    context: dict = field(default_factory=dict, compare=False)

    @property
    def exact_for(self) -> str:
        return self.key.casefold()


def find(db, text: str, *, issuers: list[tuple[str, str]], limit: int = 8) -> list[Hit]:
    """Hits for `text`, exact ones first, at most `limit` of each kind (issuers from config)."""
    typed = text.strip()
    if not typed:
        return []
    upper = typed.upper()
    hits: list[Hit] = [
        Hit("licence", n, _("licence {n} · {name}").format(n=n, name=name), {"licence_no": n})
        for n, name in _licences(db, typed, issuers, limit)
    ]
    if (prefix := licence_prefix(typed)) and len(hits) < limit:  # docs/retention.md: still found, read-only
        hits += [
            Hit(
                "licence",
                n,
                _("licence {n} · {name} · archived").format(n=n, name=name),
                {"licence_no": n, "archived": True},
            )
            for n, name in licences_db.archived_from(database_path(db), prefix, limit - len(hits))
        ]
    for start in dict.fromkeys((typed, upper)):
        hits += [
            Hit(
                "batch",
                b,
                _("batch {b} · issuer {issuer} · {day}").format(b=b, issuer=issuer, day=day),
                {"batch_id": b, "issuer": issuer},
            )
            for b, issuer, day in reads.batches_from(db, start, limit)
        ]
        hits += [
            Hit(
                "declaration",
                d,
                _("declaration {d} · licence {n} · customs {port}").format(d=d, n=n, port=port),
                {"declaration_no": d, "licence_no": n if n and reads.licence_known(db, n) else None},
            )
            for d, n, port in reads.declarations_from(db, start, limit)
        ]
        hits += [
            Hit("enterprise", code, _("enterprise {code} · {name}").format(code=code, name=name), {"enterprise": code})
            for code, name in reads.traders_from(db, start, limit)
        ]
    hits += [
        Hit("ticket", t, _("ticket {t} · {caller} ({org})").format(t=t, caller=caller, org=org), {"ticket_id": t})
        for t, caller, org in reads.tickets_from(db, upper, limit)
    ]
    hits += [
        Hit("issuer", code, _("issuer {code} · {name}").format(code=code, name=name), {"issuer": code})
        for code, name in issuers
        if code.startswith(upper)
    ][:limit]
    if _PHONE.fullmatch(typed):
        hits += [
            Hit("phone", p, _("phone {p} · {caller} · {n} ticket(s)").format(p=p, caller=caller, n=n), {"phone": p})
            for p, caller, n in reads.phones_from(db, typed, limit)
        ]
    unique = sorted(dict.fromkeys(hits), key=lambda h: (h.exact_for != typed.casefold(), KINDS.index(h.kind), h.key))
    seen = {(h.kind, h.key) for h in unique}
    return unique + [h for h in _named(db, typed, issuers, limit) if (h.kind, h.key) not in seen]


def _licences(db, typed: str, issuers: list[tuple[str, str]], limit: int) -> list[tuple[str, str]]:
    """Licences a caller's words name: a number or its start with or without dashes, in any
    case; a serial alone (341002) in every year held and every issuer."""
    prefix = licence_prefix(typed)
    found = reads.licences_from(db, prefix, limit) if prefix else []
    serial = typed.strip()
    years = reads.licence_years(db) if SERIAL.fullmatch(serial) else None
    if years:
        numbers = [
            f"{year:02d}-{code}-{serial}" for year in range(int(years[0]), int(years[1]) + 1) for code, _ in issuers
        ]
        found += reads.licences_numbered(db, numbers)[:limit]
    return found


def _rank(text: str):
    """Names in the order an operator wants them: the very name, then those it begins, then
    the shortest (the name most of it is)."""
    folded = text.casefold()
    return lambda name: (name.casefold() != folded, not name.casefold().startswith(folded), len(name), name)


def _named(db, text: str, issuers: list[tuple[str, str]], limit: int) -> list[Hit]:
    """Enterprises, tickets and issuers whose names hold `text`, best first, `limit` of each."""
    text = text.replace(reads.SEPARATOR, "")
    if len(text) < 2:
        return []
    rank = _rank(text)
    found = reads.names_starting(db, text, limit) + reads.names_containing(db, text, max(limit * 4, 32))
    found.sort(key=lambda row: rank(row[2]))
    enterprises: dict[str, str] = {}
    tickets: dict[str, str] = {}
    for kind, code, name in found:
        chosen = enterprises if kind in ("trader", "party") else tickets
        if len(chosen) < limit:
            chosen.setdefault(code, name)
    labels = {t: (caller, org) for t, caller, org in reads.tickets_by_id(db, list(tickets))}
    hits = [
        Hit(
            "enterprise",
            code,
            _("enterprise {code} · {name}").format(code=code, name=name),
            {"enterprise": code, "name": name},
        )
        for code, name in enterprises.items()
    ]
    hits += [
        Hit(
            "ticket",
            t,
            _("ticket {t} · {caller} ({org})").format(t=t, caller=labels[t][0], org=labels[t][1]),
            {"ticket_id": t, "name": name},
        )
        for t, name in tickets.items()
        if t in labels
    ]
    folded = text.casefold()
    hits += [
        Hit("issuer", code, _("issuer {code} · {name}").format(code=code, name=name), {"issuer": code, "name": name})
        for code, name in issuers
        if folded in name.casefold()
    ][:limit]
    return sorted(hits, key=lambda h: rank(h.context["name"]))


def exact(hits: list[Hit], text: str) -> Hit | None:
    """The one hit `text` names exactly (a full identifier, a licence number however written),
    else the only hit there is; None when several match (the desk lists them to pick from)."""
    said = {text.strip().casefold(), (licence_prefix(text) or "").casefold()}
    named = [h for h in hits if h.exact_for in said]
    if len(named) == 1:
        return named[0]
    return hits[0] if len(hits) == 1 else None
