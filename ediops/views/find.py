"""Find anything (the desk's `g` box and its palette): what an identifier typed by the
operator names, with completions as it is typed. A licence number, a batch id, a
declaration number, a ticket id, an enterprise code, an issuer code or a caller's phone;
each hit says its kind and what opening it shows."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ediops.store import views

KINDS = ("licence", "batch", "declaration", "ticket", "enterprise", "issuer", "phone")
_LICENCE = re.compile(r"\d{2}(-[A-Z]{0,2}(-\d{0,6})?)?")
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
    hits: list[Hit] = []
    if _LICENCE.fullmatch(upper):
        hits += [
            Hit("licence", n, f"licence {n} · {name}", {"licence_no": n})
            for n, name in views.licences_from(db, upper, limit)
        ]
    for start in dict.fromkeys((typed, upper)):
        hits += [
            Hit("batch", b, f"batch {b} · issuer {issuer} · {day}", {"batch_id": b, "issuer": issuer})
            for b, issuer, day in views.batches_from(db, start, limit)
        ]
        hits += [
            Hit(
                "declaration",
                d,
                f"declaration {d} · licence {n} · customs {port}",
                {"declaration_no": d, "licence_no": n if n and views.licence_known(db, n) else None},
            )
            for d, n, port in views.declarations_from(db, start, limit)
        ]
        hits += [
            Hit("enterprise", code, f"enterprise {code} · {name}", {"enterprise": code})
            for code, name in views.traders_from(db, start, limit)
        ]
    hits += [
        Hit("ticket", t, f"ticket {t} · {caller} ({org})", {"ticket_id": t})
        for t, caller, org in views.tickets_from(db, upper, limit)
    ]
    hits += [
        Hit("issuer", code, f"issuer {code} · {name}", {"issuer": code})
        for code, name in issuers
        if code.startswith(upper)
    ][:limit]
    if _PHONE.fullmatch(typed):
        hits += [
            Hit("phone", p, f"phone {p} · {caller} · {n} ticket(s)", {"phone": p})
            for p, caller, n in views.phones_from(db, typed, limit)
        ]
    unique = list(dict.fromkeys(hits))
    return sorted(unique, key=lambda h: (h.exact_for != typed.casefold(), KINDS.index(h.kind), h.key))


def exact(hits: list[Hit], text: str) -> Hit | None:
    """The one hit `text` names exactly (a full identifier), else the only hit there is."""
    named = [h for h in hits if h.exact_for == text.strip().casefold()]
    if len(named) == 1:
        return named[0]
    return hits[0] if len(hits) == 1 else None
